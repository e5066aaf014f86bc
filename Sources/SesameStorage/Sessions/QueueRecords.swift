public import Foundation
public import SesameCore

/// The delivery queue (one row per recipient) and delivery events, inside a transaction.
public protocol QueueRecords: Sendable {
    // The delivery queue (one row per recipient) and delivery events
    /// Leases up to `limit` due recipients to `owner` until `leaseUntil`, counting an attempt for
    /// each. Rows leased by another node are skipped (PostgreSQL: `FOR UPDATE SKIP LOCKED`);
    /// rows whose lease ran out are due again.
    func claimDeliveries(owner: String, now: Date, leaseUntil: Date, limit: Int) async throws -> [QueuedRecipient]
    /// Writes the outcomes of leased rows (state, next attempt, last reply) and ends their
    /// leases, in one statement per few hundred rows. Returns the rows written, as
    /// `QueuedRecipient.key`s; a row no longer leased to `owner` is left alone.
    func completeDeliveries(_ rows: [QueuedRecipient], owner: String) async throws -> Set<String>
    /// Queue rows, oldest first: one message's, or those in one state.
    func queueEntries(messageID: String?, state: DeliveryState?, limit: Int) async throws -> [QueuedRecipient]
    /// Makes queued rows due now (one message's, or all); returns how many.
    func retryDeliveries(messageID: String?, now: Date) async throws -> Int
    /// Removes a message's queued rows (nothing more is delivered); returns how many.
    func deleteDeliveries(messageID: String) async throws -> Int
    /// Counts of rows per state.
    func queueCounts() async throws -> [DeliveryState: Int]
    /// What the metrics sampler shows: backlog sizes across the store.
    func backlog(now: Date) async throws -> Backlog
    func insertEvents(_ events: [DeliveryEvent]) async throws
    /// Events, oldest first: one message's, or all.
    func events(messageID: String?, limit: Int) async throws -> [DeliveryEvent]
    /// Accepted messages (as `Send` rows) and recorded events from `from` until `to`, at most
    /// `limit` of each: what sending metrics are computed from.
    func metricRows(region: String, from: Date, to: Date, limit: Int) async throws -> [SendingMetrics.Row]
    /// The states the address's recipient rows have been left in (delivered, bounced, …).
    func recipientStates(region: String, recipient: String) async throws -> Set<DeliveryState>
    /// Whether any mail to an address in `domain` was delivered.
    func domainDelivered(region: String, domain: String) async throws -> Bool
}

/// The store's backlogs at one moment (for the `/metrics` gauges).
public struct Backlog: Sendable, Equatable {
    /// Recipients waiting for delivery (queued, due or not).
    public var queued = 0
    /// How long the oldest recipient that is due has waited past its time, in seconds (0: none due).
    public var oldestDueAge: Double = 0
    public var snsOutbox = 0
    public var sqsMessages = 0
    /// Received mail whose receipt rules have not all run.
    public var receivedPending = 0

    public init() {}
}
