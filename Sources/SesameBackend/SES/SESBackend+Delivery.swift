import Foundation
import SesameConcurrency
public import SesameCore
import SesameStorage

extension SESBackend {
    /// What one delivery attempt decided, written in one transaction by the queue manager.
    public struct DeliveryRecord: Sendable {
        public var rows: [QueuedRecipient]
        public var events: [DeliveryEvent]
        /// Addresses to add to the account's suppression list (region, address, reason).
        public var suppress: [(region: String, address: String, reason: String)]
        /// The message's configuration set: its suppression reasons, when it has them, replace
        /// the account's.
        public var configurationSet: String?

        public init(
            rows: [QueuedRecipient] = [], events: [DeliveryEvent] = [], suppress: [(region: String, address: String, reason: String)] = []
        ) {
            self.rows = rows
            self.events = events
            self.suppress = suppress
        }
    }

    /// Writes delivery outcomes for rows leased to `owner`. A row whose lease was lost (another
    /// node took it over after the lease ran out) is left to that node; its events are dropped.
    public func recordDeliveries(_ records: [DeliveryRecord], owner: String) async throws {
        let now = clock.now()
        let rows = records.flatMap(\.rows)
        // Only regions with notification topics or event destinations pay for the fan-out.
        var publishing = false
        for region in Set(rows.map(\.region)) where try await sendingState.state(region).publishesEvents { publishing = true }
        let sns = publishing ? self.sns : nil
        let configuration = self.configuration
        // Only the reasons the account (or the message's configuration set) suppresses for.
        var records = records
        for index in records.indices {
            var kept: [(region: String, address: String, reason: String)] = []
            for entry in records[index].suppress
            where await suppresses(entry.reason, region: entry.region, configurationSet: records[index].configurationSet) {
                kept.append(entry)
            }
            records[index].suppress = kept
        }
        let settled = records
        let (regions, mailed) = try await store.transaction { session -> (Set<String>, Bool) in
            let kept = try await session.completeDeliveries(rows, owner: owner)
            var touched: Set<String> = []
            var events: [DeliveryEvent] = []
            for record in settled where record.rows.allSatisfy({ kept.contains($0.key) }) {
                events += record.events
                for entry in record.suppress {
                    try await session.putSuppressed(region: entry.region, address: entry.address, reason: entry.reason, at: now)
                    touched.insert(entry.region)
                }
            }
            try await session.insertEvents(events)
            let mailed = try await Self.follow(events, messages: [], sns: sns, configuration: configuration, session: session)
            return (touched, mailed)
        }
        for region in regions { sendingState.invalidate(region) }
        if sns != nil && !records.isEmpty { sns?.posted.signal() }
        if mailed { writer.queued.signal() }
    }
}

extension SESBackend {
    /// A report sent to `--bounce-domain`: each recipient's local part names the message it is
    /// about (the envelope sender Sesame used). DSNs become Bounce (or DeliveryDelay) events,
    /// ARF reports Complaint events; hard bounces and complaints go on the suppression list.
    /// Returns an ID for the SMTP reply.
    public func receiveFeedback(recipients: [String], raw: [UInt8], from sourceAddress: String) async throws -> String {
        guard let report = FeedbackReport.parse(raw) else {
            throw SesameError(
                .messageRejected,
                "This address takes delivery status notifications (RFC 3464) and feedback reports (RFC 5965) only.")
        }
        let ids = recipients.map { String($0.split(separator: "@").first ?? "") }
        let messages = try await store.read { try await $0.messages(ids: ids) }
        guard !messages.isEmpty else {
            throw SesameError(.messageRejected, "The report names no message Sesame sent (\(recipients.joined(separator: ", "))).")
        }
        let now = clock.now()
        var events: [DeliveryEvent] = []
        var suppress: [(region: String, address: String, reason: String)] = []
        for message in messages {
            func event(_ kind: DeliveryEvent.Kind, _ recipients: [String], type: String?, subType: String?, detail: String?, mta: String?) {
                events.append(
                    DeliveryEvent(
                        id: RandomIDs.requestID(), messageID: message.id, region: message.region, kind: kind, recipients: recipients,
                        type: type, subType: subType, detail: detail, reportingMTA: mta, createdAt: now))
            }
            switch report {
            case .deliveryStatus(let mta, let reported):
                for recipient in reported {
                    let detail =
                        recipient.diagnosticCode.map { $0.hasPrefix("smtp;") ? String($0.dropFirst(5)).trimmingSpaces : $0 }
                        ?? recipient.status
                    if recipient.action == "delayed" {
                        event(
                            .deliveryDelay, [recipient.address], type: "TransientCommunicationFailure", subType: nil, detail: detail,
                            mta: mta)
                    } else if recipient.action == "failed" {
                        let permanent = recipient.status.hasPrefix("5")
                        let subType = permanent ? BounceSubType.fromReply("550 \(recipient.status)") : .general
                        event(
                            .bounce, [recipient.address], type: permanent ? subType.bounceType : "Transient", subType: subType.rawValue,
                            detail: detail, mta: mta)
                        if permanent && subType.bounceType == "Permanent" {
                            suppress.append((message.region, recipient.address.lowercased(), "BOUNCE"))
                        }
                    }
                }
            case .complaint(let type, let agent, let reported, _):
                let complained = reported.isEmpty ? message.destinations : reported
                event(.complaint, complained, type: type, subType: agent, detail: "feedback report from \(sourceAddress)", mta: nil)
                for address in complained { suppress.append((message.region, address.lowercased(), "COMPLAINT")) }
            }
        }
        var allowed: [(region: String, address: String, reason: String)] = []
        for entry in suppress {
            let set = messages.first { message in message.destinations.contains { $0.lowercased() == entry.address } }?.configurationSet
            if await suppresses(entry.reason, region: entry.region, configurationSet: set) { allowed.append(entry) }
        }
        let recorded = events, suppressions = allowed, configuration = self.configuration
        let publishing = try await sendingState.state(messages[0].region).publishesEvents ? sns : nil
        let mailed = try await store.transaction { session in
            try await session.insertEvents(recorded)
            for entry in suppressions {
                try await session.putSuppressed(region: entry.region, address: entry.address, reason: entry.reason, at: now)
            }
            return try await Self.follow(recorded, messages: messages, sns: publishing, configuration: configuration, session: session)
        }
        if mailed { writer.queued.signal() }
        for region in Set(messages.map(\.region)) { sendingState.invalidate(region) }
        sns?.posted.signal()
        return events.first?.id ?? RandomIDs.requestID()
    }
}
