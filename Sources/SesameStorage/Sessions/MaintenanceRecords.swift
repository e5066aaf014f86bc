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
    /// Rows per table, and bytes where the engine says.
    func storeStats() async throws -> [StoreTableStats]
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
