import Foundation
import SesameCore
import SesameStorage

/// What import and export jobs do with their records.
extension SESBackend {
    /// Applies an import file; returns (records read, records that failed).
    func runImport(_ job: DataJob, _ bytes: [UInt8]) async throws -> (Int, Int) {
        let suppression = job.importDestination == "SUPPRESSION_LIST"
        let records = try DataFile.records(
            bytes, format: job.format,
            columns: suppression ? ["emailAddress", "reason"] : ["emailAddress", "unsubscribeAll", "attributes"])
        let now = clock.now()
        let region = job.region
        let failed = try await store.transaction { session -> Int in
            var failed = 0
            let list = try await session.contactLists(region: region).first { $0.name == job.contactList }
            if !suppression && list == nil { throw Self.listMissing(job.contactList ?? "") }
            for record in records {
                guard let raw = record["emailAddress"], let address = EmailAddress.parse(raw), EmailAddress.isValidAddress(address.address)
                else {
                    failed += 1
                    continue
                }
                let email = address.address.lowercased()
                switch (suppression, job.importAction) {
                case (true, "DELETE"):
                    try await session.deleteSuppressed(region: region, address: email)
                case (true, _):
                    let reason = (record["reason"] ?? "").uppercased()
                    guard reason == "BOUNCE" || reason == "COMPLAINT" else {
                        failed += 1
                        continue
                    }
                    try await session.putSuppressed(region: region, address: email, reason: reason, at: now)
                case (false, "DELETE"):
                    try await session.deleteContact(region: region, list: job.contactList ?? "", email: email)
                case (false, _):
                    guard let list else { continue }
                    var contact =
                        try await session.contact(region: region, list: list.name, email: email)
                        ?? Contact(email: email, preferences: [:], unsubscribeAll: false, attributes: nil, createdAt: now, updatedAt: now)
                    if let all = record["unsubscribeAll"] { contact.unsubscribeAll = all == "true" || all == "1" }
                    if let attributes = record["attributes"] { contact.attributes = attributes }
                    // CSV: a column per topic (OPT_IN / OPT_OUT); JSON: topicPreferences as in the API.
                    for topic in list.topics {
                        if let status = record[topic.name]?.uppercased(), status == "OPT_IN" || status == "OPT_OUT" {
                            contact.preferences[topic.name] = status
                        }
                    }
                    if let json = record["topicPreferences"],
                        let preferences = try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [[String: Any]]
                    {
                        for preference in preferences {
                            guard let name = preference["TopicName"] as? String, let status = preference["SubscriptionStatus"] as? String,
                                list.topics.contains(where: { $0.name == name })
                            else { continue }
                            contact.preferences[name] = status
                        }
                    }
                    contact.updatedAt = now
                    try await session.putContact(region: region, list: list.name, contact)
                }
            }
            return failed
        }
        if suppression { sendingState.invalidate(region) }
        return (records.count, failed)
    }

    /// An export file's records, and how many records were considered.
    func exportRecords(_ job: DataJob) async throws -> ([[(String, String)]], Int) {
        guard let start = job.startDate, let end = job.endDate else { return ([], 0) }
        let region = job.region
        let rows = try await store.read { session in
            try await session.metricRows(region: region, from: start, to: end, limit: Self.metricRowLimit)
        }
        if job.exportSource == "METRICS_DATA" {
            var records: [[(String, String)]] = []
            let dimensions = (job.dimensions ?? [:]).compactMapValues(\.first)
            let sends = SendingMetrics.series("SEND", dimensions: dimensions, rows: rows, start: start, end: end).values
            for metric in job.metrics ?? [] {
                let series = SendingMetrics.series(metric.name, dimensions: dimensions, rows: rows, start: start, end: end)
                for (index, day) in series.timestamps.enumerated() {
                    let value =
                        metric.aggregation == "RATE"
                        ? (sends[index] == 0 ? "0" : String(Double(series.values[index]) / Double(sends[index])))
                        : String(series.values[index])
                    records.append([
                        ("timestamp", Timestamp.iso8601(day)), ("metric", metric.name), ("aggregation", metric.aggregation),
                        ("value", value),
                    ])
                }
            }
            return (records, rows.count)
        }
        // Message insights: a record per recipient of each message sent in the range.
        var records: [[(String, String)]] = []
        let events = Dictionary(grouping: rows.filter { $0.kind != "Send" }, by: \.messageID)
        let sends = rows.filter { $0.kind == "Send" }
        for send in sends {
            for recipient in send.recipients {
                let own = (events[send.messageID] ?? []).filter {
                    $0.recipients.contains(recipient) || ["Open", "Click"].contains($0.kind)
                }
                let delivery = own.last { ["Delivery", "Bounce", "Complaint"].contains($0.kind) }
                let engagement = own.last { ["Open", "Click"].contains($0.kind) }
                let fields: [String: String] = [
                    "fromEmailAddress": send.source, "destination": recipient, "subject": send.subject ?? "",
                    "isp": SendingMetrics.isp(of: recipient),
                    // SES's DeliveryEventType: a bounce is named by its type (PERMANENT_BOUNCE, …).
                    "lastDeliveryEvent": delivery.map {
                        $0.kind == "Bounce" ? "\(($0.type ?? "Undetermined").uppercased())_BOUNCE" : Self.v2EventName($0.kind)
                    } ?? "SEND",
                    "lastEngagementEvent": engagement.map { Self.v2EventName($0.kind) } ?? "",
                ]
                guard Self.passes(fields, include: job.include, exclude: job.exclude) else { continue }
                records.append(
                    [
                        ("messageId", send.messageID), ("timestamp", Timestamp.iso8601(send.createdAt)),
                    ]
                        + ["fromEmailAddress", "destination", "subject", "isp", "lastDeliveryEvent", "lastEngagementEvent"].map {
                            ($0, fields[$0] ?? "")
                        })
                if let max = job.maxResults, records.count >= max { return (records, sends.count) }
            }
        }
        return (records, sends.count)
    }

    /// `DeliveryDelay` → `DELIVERY_DELAY`.
    static func v2EventName(_ kind: String) -> String {
        kind.reduce(into: "") { out, c in out += c.isUppercase && !out.isEmpty ? "_\(c)" : c.uppercased() }
    }

    /// Message insights filters: every named field must match one of its values (`include`,
    /// compared without regard to case) and none of `exclude`'s.
    static func passes(_ fields: [String: String], include: [String: [String]]?, exclude: [String: [String]]?) -> Bool {
        func matches(_ name: String, _ values: [String]) -> Bool {
            let key = name.prefix(1).lowercased() + name.dropFirst()
            let value = (fields[key] ?? "").lowercased()
            return values.contains { $0.lowercased() == value }
        }
        for (name, values) in include ?? [:] where !values.isEmpty && !matches(name, values) { return false }
        for (name, values) in exclude ?? [:] where !values.isEmpty && matches(name, values) { return false }
        return true
    }
}
