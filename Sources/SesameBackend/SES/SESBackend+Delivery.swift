import Foundation
import SesameCore
import SesameStorage

extension SESBackend {
    /// What one delivery attempt decided, written in one transaction by the queue manager.
    public struct DeliveryRecord: Sendable {
        public var rows: [QueuedRecipient]
        public var events: [DeliveryEvent]
        /// Addresses to add to the account's suppression list (region, address, reason).
        public var suppress: [(region: String, address: String, reason: String)]

        public init(rows: [QueuedRecipient] = [], events: [DeliveryEvent] = [], suppress: [(region: String, address: String, reason: String)] = []) {
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
        var publishingRegions: Set<String> = []
        for region in Set(rows.map(\.region)) where try await sendingState.state(region).publishesEvents { publishingRegions.insert(region) }
        let publishing = publishingRegions
        let sns = publishing.isEmpty ? nil : self.sns
        let regions = try await store.write { session -> Set<String> in
            let kept = try await session.completeDeliveries(rows, owner: owner)
            var touched: Set<String> = []
            var events: [DeliveryEvent] = []
            for record in records where record.rows.allSatisfy({ kept.contains($0.key) }) {
                events += record.events
                for entry in record.suppress {
                    try await session.putSuppressed(region: entry.region, address: entry.address, reason: entry.reason, at: now)
                    touched.insert(entry.region)
                }
            }
            try await session.insertEvents(events)
            if let sns { try await Self.publish(events.filter { publishing.contains($0.region) }, messages: [], sns: sns, session: session) }
            return touched
        }
        for region in regions { sendingState.invalidate(region) }
        if sns != nil && !records.isEmpty { sns?.posted.signal() }
    }
}
