public import Foundation
public import SesameCore
import SesameStorage

/// What SES reports about sending, computed from Sesame's own records: v1's send statistics,
/// v2's sending metrics (`BatchGetMetricData`), message insights and email address insights.
extension SESBackend {
    /// Rows read for one report at most (older or later rows beyond it are not counted).
    static let metricRowLimit = 1_000_000

    /// The last two weeks in SES's 15-minute buckets (only buckets with activity, as SES
    /// reports): recipients attempted, and the recipients that bounced, complained or were rejected.
    public func sendStatistics(_ caller: Caller, region: String) async throws -> [SendDataPoint] {
        try authorize(caller, "ses:GetSendStatistics", "*")
        let now = clock.now()
        let since = now.addingTimeInterval(-14 * 24 * 3600)
        let bucket: Int64 = 15 * 60 * 1000
        let (buckets, rows) = try await store.read { session in
            (
                try await session.recipientBuckets(region: region, since: since, bucketMillis: bucket),
                try await session.metricRows(region: region, from: since, to: now.addingTimeInterval(1), limit: Self.metricRowLimit)
            )
        }
        var points: [Int64: SendDataPoint] = [:]
        func point(_ key: Int64) -> SendDataPoint {
            points[key] ?? SendDataPoint(timestamp: Timestamp.date(millis: key), deliveryAttempts: 0, bounces: 0, complaints: 0, rejects: 0)
        }
        for (key, count) in buckets {
            var p = point(key)
            p.deliveryAttempts = count
            points[key] = p
        }
        for row in rows where ["Bounce", "Complaint", "Reject"].contains(row.kind) {
            let key = Timestamp.millis(row.createdAt) / bucket * bucket
            var p = point(key)
            switch row.kind {
            case "Bounce": p.bounces += row.recipients.count
            case "Complaint": p.complaints += row.recipients.count
            default: p.rejects += row.recipients.count
            }
            points[key] = p
        }
        return points.keys.sorted().compactMap { points[$0] }
    }

    /// One `BatchGetMetricData` query.
    public struct MetricQuery: Sendable {
        public var id: String
        public var metric: String
        public var dimensions: [String: String]
        public var start: Date
        public var end: Date

        public init(id: String, metric: String, dimensions: [String: String], start: Date, end: Date) {
            self.id = id
            self.metric = metric
            self.dimensions = dimensions
            self.start = start
            self.end = end
        }
    }

    /// Daily values of each query's metric, from the messages and events in its range.
    public func metricData(
        _ caller: Caller, region: String, queries: [MetricQuery]
    ) async throws -> [(
        id: String, timestamps: [Date], values: [Int]
    )] {
        try authorize(caller, "ses:BatchGetMetricData", "*")
        for query in queries where query.end <= query.start {
            throw SesameError(.invalidParameterValue, "Query \(query.id): EndDate must be after StartDate.")
        }
        guard let from = queries.map(\.start).min(), let to = queries.map(\.end).max() else { return [] }
        let rows = try await store.read { session in
            try await session.metricRows(region: region, from: from, to: to, limit: Self.metricRowLimit)
        }
        return queries.map { query in
            let series = SendingMetrics.series(
                query.metric, dimensions: query.dimensions, rows: rows, start: query.start, end: query.end)
            return (query.id, series.timestamps, series.values)
        }
    }

    /// `GetMessageInsights`: a message and what happened to each of its recipients.
    public func messageInsights(
        _ caller: Caller, region: String, messageID: String
    ) async throws -> (message: StoredMessage, events: [String: [DeliveryEvent]]) {
        try authorize(caller, "ses:GetMessageInsights", "*")
        let found = try await store.read { session -> (StoredMessage, [DeliveryEvent])? in
            guard let message = try await session.messages(ids: [messageID]).first, message.region == region else { return nil }
            return (message, try await session.events(messageID: messageID, limit: 10_000))
        }
        guard let (message, events) = found else { throw SesameError(.notFound, "Message \(messageID) does not exist.") }
        var byRecipient: [String: [DeliveryEvent]] = [:]
        // Events recorded in the same millisecond (the mailbox simulator's delivery and its
        // complaint) are shown in the order they happen to mail.
        func rank(_ kind: DeliveryEvent.Kind) -> Int {
            switch kind {
            case .send, .renderingFailure, .reject: 0
            case .deliveryDelay: 1
            case .delivery, .bounce: 2
            case .complaint: 3
            case .open: 4
            case .click: 5
            }
        }
        let ordered = events.enumerated().sorted {
            ($0.element.createdAt, rank($0.element.kind), $0.offset) < ($1.element.createdAt, rank($1.element.kind), $1.offset)
        }.map(\.element)
        for recipient in message.destinations {
            var own = ordered.filter { $0.recipients.contains(recipient) }
            if !own.contains(where: { $0.kind == .send }) {
                // Every accepted message was sent to each recipient, with or without a Send event.
                own.insert(
                    DeliveryEvent(
                        id: "", messageID: message.id, region: region, kind: .send, recipients: [recipient], createdAt: message.createdAt),
                    at: 0)
            }
            byRecipient[recipient] = own
        }
        return (message, byRecipient)
    }

    /// `GetEmailAddressInsights`, from what Sesame knows: the address's syntax, whether it is a
    /// role address, and what happened to mail sent to it and to its domain. Sesame keeps no
    /// list of disposable domains and does not guess at random input: those are always `LOW`.
    public func emailAddressInsights(_ caller: Caller, region: String, address: String) async throws -> EmailAddressInsights {
        try authorize(caller, "ses:GetEmailAddressInsights", "*")
        guard let parsed = EmailAddress.parse(address), EmailAddress.isValidAddress(parsed.address) else {
            return EmailAddressInsights(valid: "LOW", syntax: "LOW", dns: "LOW", mailbox: "LOW", role: "LOW")
        }
        let lowered = parsed.address.lowercased()
        let history = try await store.read { session in
            (
                try await session.suppressed(region: region, address: lowered),
                try await session.recipientStates(region: region, recipient: lowered),
                try await session.domainDelivered(region: region, domain: parsed.domain)
            )
        }
        let bounced = history.0?.reason == "BOUNCE" || history.1.contains(.bounced)
        let delivered = history.1.contains(.delivered)
        let mailbox = bounced ? "LOW" : (delivered ? "HIGH" : "MEDIUM")
        let dns = delivered || history.2 ? "HIGH" : "MEDIUM"
        let local = String(lowered.split(separator: "@").first ?? "")
        let role = Self.roleAddresses.contains(local) ? "HIGH" : "LOW"
        return EmailAddressInsights(valid: mailbox, syntax: "HIGH", dns: dns, mailbox: mailbox, role: role)
    }

    public struct EmailAddressInsights: Sendable, Equatable {
        public var valid, syntax, dns, mailbox, role: String
    }

    /// Local parts that name a function rather than a person.
    static let roleAddresses: Set<String> = [
        "abuse", "admin", "administrator", "billing", "contact", "help", "hostmaster", "info", "mail", "marketing", "no-reply",
        "noreply", "office", "postmaster", "root", "sales", "security", "support", "team", "webmaster",
    ]
}
