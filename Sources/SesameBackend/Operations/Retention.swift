public import Foundation
public import SesameStorage

/// How long the store keeps what piles up (`--retain-messages`, `--retain-events`,
/// `--retain-suppression`); nil keeps it. By default the suppression list is never pruned: as in
/// SES, an address stays until it is removed.
public struct RetentionSettings: Sendable, Equatable {
    /// Messages (content included) whose recipients are all done: delivered, bounced, captured.
    /// Received mail whose actions have all run goes with them.
    public var messages: TimeInterval?
    /// Delivery events (what insights, message details and event history show).
    public var events: TimeInterval?
    /// Suppression-list entries, by when they were last added or changed.
    public var suppression: TimeInterval?
    /// How often a node prunes.
    public var interval: Duration = .seconds(600)

    public init(messages: TimeInterval? = nil, events: TimeInterval? = nil) {
        self.messages = messages
        self.events = events
    }

    public var keepsEverything: Bool { messages == nil && events == nil && suppression == nil }
}

/// What one pruning pass removed.
public struct PruneReport: Sendable, Equatable {
    public var messages = 0
    public var events = 0
    public var received = 0
    public var suppressed = 0

    public init() {}
}

extension StoreOperations {
    /// Removes what is older than the settings allow, `batch` rows per transaction, so sending
    /// never waits long behind it (each batch is a short transaction of its own).
    public func prune(_ retention: RetentionSettings, now: Date, batch: Int = 500) async throws -> PruneReport {
        var report = PruneReport()
        if let age = retention.messages {
            let cutoff = now.addingTimeInterval(-age)
            report.messages = try await drain(batch) { session, limit in try await session.pruneMessages(before: cutoff, limit: limit) }
            report.received = try await drain(batch) { session, limit in try await session.pruneReceived(before: cutoff, limit: limit) }
        }
        if let age = retention.events {
            let cutoff = now.addingTimeInterval(-age)
            report.events = try await drain(batch) { session, limit in try await session.pruneEvents(before: cutoff, limit: limit) }
        }
        if let age = retention.suppression {
            let cutoff = now.addingTimeInterval(-age)
            report.suppressed = try await drain(batch) { session, limit in try await session.pruneSuppressed(before: cutoff, limit: limit) }
        }
        return report
    }

    func drain(_ batch: Int, _ step: @escaping @Sendable (any StoreSession, Int) async throws -> Int) async throws -> Int {
        var total = 0
        while true {
            let removed = try await store.transaction { try await step($0, batch) }
            total += removed
            if removed < batch { return total }
            await Task.yield()
        }
    }

    /// Rows per table (and bytes where the engine says), for `sesame store stats`.
    public func stats() async throws -> [TableStatistics] {
        try await store.read { try await $0.storeStats() }.map { TableStatistics(table: $0.table, rows: $0.rows, bytes: $0.bytes) }
    }
}

/// One table's rows, and its bytes on disk where the engine says (PostgreSQL).
public struct TableStatistics: Sendable, Equatable {
    public var table: String
    public var rows: Int
    public var bytes: Int?
}
