public import Foundation

/// Keeping the store's size bounded, in small batches (each call removes at most `limit` rows and
/// says how many it removed), and what the store holds.
public protocol MaintenanceRecords: Sendable {
    /// Messages created before `cutoff` that no recipient still waits for, with their queue rows.
    func pruneMessages(before cutoff: Date, limit: Int) async throws -> Int
    /// Delivery events (sends, deliveries, bounces, opens…) recorded before `cutoff`.
    func pruneEvents(before cutoff: Date, limit: Int) async throws -> Int
    /// Received mail taken before `cutoff` whose actions have all run.
    func pruneReceived(before cutoff: Date, limit: Int) async throws -> Int
    /// Suppression-list entries last changed before `cutoff` (only when the operator asks).
    func pruneSuppressed(before cutoff: Date, limit: Int) async throws -> Int
    /// Rows per table, and bytes where the engine says.
    func storeStats() async throws -> [StoreTableStats]
    /// Takes `count` tokens from the region's shared bucket (`perSecond` a second, one second of
    /// burst), locking its row for the transaction; false when there are not enough.
    func takeSendTokens(region: String, count: Int, perSecond: Int, now: Date) async throws -> Bool
    /// Holds (or renews) the lease on a background job for `owner` until `until`; false while
    /// another owner's lease runs.
    func holdLease(job: String, owner: String, now: Date, until: Date) async throws -> Bool
    /// Gives the lease back if `owner` holds it (a node stopping), so another node takes the job
    /// at its next run instead of when the lease would have run out.
    func releaseLease(job: String, owner: String) async throws
    /// A node's heartbeat: inserted, or its row updated.
    func putNode(_ node: NodeRecord) async throws
    /// Nodes seen since `since`, most recently seen first.
    func nodes(seenSince since: Date) async throws -> [NodeRecord]
}

/// A node running on the store, as its last heartbeat described it.
public struct NodeRecord: Sendable, Equatable {
    public var name: String
    public var version: String
    public var startedAt: Date
    public var lastSeen: Date
    public var doing: String

    public init(name: String, version: String, startedAt: Date, lastSeen: Date, doing: String) {
        self.name = name
        self.version = version
        self.startedAt = startedAt
        self.lastSeen = lastSeen
        self.doing = doing
    }
}

public struct StoreTableStats: Sendable, Equatable, Codable {
    public var table: String
    public var rows: Int
    /// Bytes on disk (PostgreSQL, table with indexes); nil where the engine does not say per table.
    public var bytes: Int?

    public init(table: String, rows: Int, bytes: Int?) {
        self.table = table
        self.rows = rows
        self.bytes = bytes
    }
}
