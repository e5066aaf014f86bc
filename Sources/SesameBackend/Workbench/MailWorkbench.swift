public import Foundation
import SesameConcurrency
public import SesameCore
public import SesameStorage

/// The captured-mail workbench's use cases: search and list from the index, read one message,
/// mark read, delete, and a feed of new mail for live views. Every read first brings the index
/// up to date, so mail accepted before a search is in its answer.
public final class MailWorkbench: Sendable {
    let store: any Store
    let indexer: MailIndexer
    let release: MailRelease?
    let linkChecker: (any LinkChecker)?

    public init(store: any Store, release: MailRelease? = nil, linkChecker: (any LinkChecker)? = nil) {
        self.store = store
        self.indexer = MailIndexer(store: store)
        self.release = release
        self.linkChecker = linkChecker
    }

    /// One page of a search, with the counts a list shows.
    public struct Page: Sendable {
        public var messages: [MailSummary]
        /// Messages matching the search, and how many of them are unread.
        public var matching: Int
        public var matchingUnread: Int
        /// Messages kept, and how many are unread.
        public var total: Int
        public var unread: Int
    }

    /// Indexes what is waiting, at most `maxBatches` batches of 200 (all of it when nil, as
    /// before every read); returns the new entries.
    @discardableResult
    public func catchUp(maxBatches: Int? = nil) async throws -> [MailSummary] { try await indexer.catchUp(maxBatches: maxBatches) }

    /// New mail as it is indexed, for as long as the caller iterates.
    public func feed() -> AsyncStream<MailSummary> { indexer.subscribe() }

    /// Whether `feed()` needs `followIndexedMail()` running: where several nodes share the store,
    /// any of them may index a message, and each node's live views hear of it from the store.
    public var needsFollowing: Bool { !store.hasSingleWriter }

    /// Tells this node's live views of every message any node indexes, until cancelled or the
    /// store's connection fails (the caller starts it again).
    public func followIndexedMail() async throws {
        let indexer = self.indexer
        try await store.followIndexedMail { ids in await indexer.announce(ids) }
    }

    /// Whether a live view (the console's, Mailpit's event stream) is listening to `feed()`.
    public var hasLiveViewers: Bool { indexer.listening.withLock { $0 > 0 } }

    /// Live views open at once, the console's and Mailpit's event streams together: each holds
    /// at most 1,000 summaries for a slow reader, so the cap bounds what they hold in all.
    public static let maxLiveViewers = 64

    /// Whether another live view may open (front ends refuse one when not).
    public var hasRoomForLiveViewer: Bool { indexer.listening.withLock { $0 < Self.maxLiveViewers } }

    public func search(_ search: MailSearch, start: Int, limit: Int) async throws -> Page {
        try await catchUp()
        return try await store.read { session in
            let messages = try await session.searchMail(search, start: start, limit: limit)
            let totals = try await session.mailTotals()
            let matching: (Int, Int) = search.isEmpty ? (totals.total, totals.unread) : try await session.countMail(search)
            return Page(messages: messages, matching: matching.0, matchingUnread: matching.1, total: totals.total, unread: totals.unread)
        }
    }

    /// A message and its index entry: by ID, or the newest with `latest`.
    public func message(_ id: String) async throws -> (message: StoredMessage, summary: MailSummary)? {
        try await catchUp()
        return try await store.read { session in
            let summary: MailSummary?
            if id == "latest" {
                summary = try await session.searchMail(MailSearch(), start: 0, limit: 1).first
            } else {
                summary = try await session.searchMail(
                    MailSearch(clauses: [.init(condition: .ids([id]), negated: false)]), start: 0, limit: 1
                )
                .first
            }
            guard let summary, let message = try await session.messages(ids: [summary.messageID]).first else { return nil }
            return (message, summary)
        }
    }

    /// Marks messages (all when `ids` is nil) read or unread; returns how many changed.
    @discardableResult
    public func mark(ids: [String]?, seen: Bool) async throws -> Int {
        try await catchUp()
        return try await store.transaction { try await $0.markMail(ids: ids, seen: seen) }
    }

    @discardableResult
    public func mark(matching search: MailSearch, seen: Bool) async throws -> Int {
        try await catchUp()
        return try await store.transaction { try await $0.markMail(matching: search, seen: seen) }
    }

    /// Deletes these messages, or every message when `ids` is nil; returns how many went.
    @discardableResult
    public func delete(ids: [String]?) async throws -> Int {
        guard let ids else {
            let total = try await store.read { try await $0.mailTotals().total }
            try await store.transaction { try await $0.deleteMessages(id: nil) }
            return total
        }
        return try await store.transaction { try await $0.deleteMail(ids: ids) }
    }

    /// Deletes every message matching the search, a batch per transaction; returns how many went.
    @discardableResult
    public func delete(matching search: MailSearch) async throws -> Int {
        try await catchUp()
        var deleted = 0
        while true {
            let ids = try await store.read { try await $0.searchMail(search, start: 0, limit: 500) }.map(\.messageID)
            if ids.isEmpty { return deleted }
            deleted += try await store.transaction { try await $0.deleteMail(ids: ids) }
        }
    }
}

/// Fills the index from the messages the accepting paths noted, one caller at a time, and
/// tells subscribers about each message it indexed.
actor MailIndexer {
    let store: any Store
    var subscribers: [UUID: AsyncStream<MailSummary>.Continuation] = [:]
    /// How many subscribe() streams are open, readable without the actor.
    nonisolated let listening = Locked(0)
    /// Entries added since the planner's statistics were last refreshed.
    var sinceStatistics = 0
    static let batch = 200
    /// Message bytes read at once for indexing, beyond a single larger message.
    static let memoryBudget = 4 * 1024 * 1024

    static func groups(_ waiting: [(id: String, size: Int)]) -> [[String]] {
        var out: [[String]] = []
        var current: [String] = []
        var bytes = 0
        for message in waiting {
            if !current.isEmpty && bytes + message.size > memoryBudget {
                out.append(current)
                current = []
                bytes = 0
            }
            current.append(message.id)
            bytes += message.size
        }
        if !current.isEmpty { out.append(current) }
        return out
    }

    init(store: any Store) { self.store = store }

    func catchUp(maxBatches: Int?) async throws -> [MailSummary] {
        var added: [MailSummary] = []
        var batches = 0
        while maxBatches.map({ batches < $0 }) ?? true {
            batches += 1
            let waiting = try await store.read { try await $0.mailAwaitingIndex(limit: Self.batch) }
            if waiting.isEmpty { break }
            // Messages are read a budget's worth at a time (a larger one alone), as the
            // captured-mail listing reads them: memory stays bounded whatever clients sent.
            for group in Self.groups(waiting) {
                let messages = try await store.read { try await $0.messages(ids: group) }
                let entries = messages.map(MailIndexEntry.init)
                try await store.transaction { try await $0.indexMail(entries) }
                added += entries.map(\.summary)
            }
            if waiting.count < Self.batch { break }
        }
        // With several writers, every node hears of entries from the store (`announce`), its own too.
        if store.hasSingleWriter { tell(added) }
        sinceStatistics += added.count
        if sinceStatistics >= 5000 {
            sinceStatistics = 0
            try await store.transaction { try await $0.refreshMailStatistics() }
        }
        return added
    }

    nonisolated func subscribe() -> AsyncStream<MailSummary> {
        // A slow reader keeps only the newest 1,000 (memory stays bounded).
        let (stream, continuation) = AsyncStream<MailSummary>.makeStream(bufferingPolicy: .bufferingNewest(1000))
        let id = UUID()
        listening.withLock { $0 += 1 }
        Task { await self.add(id, continuation) }
        continuation.onTermination = { _ in
            self.listening.withLock { $0 -= 1 }
            Task { await self.remove(id) }
        }
        return stream
    }

    /// Tells subscribers of entries indexed by any node, named by a commit's notification.
    func announce(_ ids: [String]) async {
        guard !subscribers.isEmpty, !ids.isEmpty else { return }
        let search = MailSearch(clauses: [.init(condition: .ids(ids), negated: false)])
        guard let found = try? await store.read({ try await $0.searchMail(search, start: 0, limit: ids.count) }) else { return }
        tell(found.reversed())
    }

    /// Oldest first, as the entries were added.
    func tell(_ summaries: [MailSummary]) {
        for summary in summaries { for continuation in subscribers.values { continuation.yield(summary) } }
    }

    func add(_ id: UUID, _ continuation: AsyncStream<MailSummary>.Continuation) { subscribers[id] = continuation }
    func remove(_ id: UUID) { subscribers[id] = nil }
}
