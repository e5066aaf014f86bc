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
        let regions = try await store.write { session -> Set<String> in
            var touched: Set<String> = []
            for record in records {
                var kept = true
                for row in record.rows where try await !session.completeDelivery(row, owner: owner) { kept = false }
                guard kept else { continue }
                try await session.insertEvents(record.events)
                if let sns { try await Self.publish(record.events, messages: [], sns: sns, session: session) }
                for entry in record.suppress {
                    try await session.putSuppressed(region: entry.region, address: entry.address, reason: entry.reason, at: now)
                    touched.insert(entry.region)
                }
            }
            return touched
        }
        for region in regions { sendingState.invalidate(region) }
        if records.contains(where: { !$0.events.isEmpty }) { sns?.posted.signal() }
    }
}
