public import Foundation
public import SesameConcurrency
public import SesameCore
public import SesameStorage

/// Reading and clearing the mail Sesame keeps (captured, or queued for delivery), for the API's
/// `/_aws/ses`, the console and the CLI alike. Callers decide who may look; this only reads.
public struct CapturedMail: Sendable {
    let store: any Store

    public init(store: any Store) { self.store = store }

    /// One page of summaries (no content), oldest or newest first, after `cursor`.
    public func summaries(
        filter: MessageFilter, after cursor: MessageCursor?, newestFirst: Bool, limit: Int
    ) async throws -> [MessageSummary] {
        try await store.read { try await $0.messageSummaries(filter: filter, after: cursor, newestFirst: newestFirst, limit: limit) }
    }

    /// The messages with these IDs, content included (those deleted since are left out).
    public func messages(ids: [String]) async throws -> [StoredMessage] {
        try await store.read { try await $0.messages(ids: ids) }
    }

    /// One message with its recipients' queue rows and its events, read together.
    public func detail(id: String) async throws -> (message: StoredMessage?, recipients: [QueuedRecipient], events: [DeliveryEvent]) {
        try await store.read { session in
            (
                try await session.messages(ids: [id]).first, try await session.queueEntries(messageID: id, state: nil, limit: 1000),
                try await session.events(messageID: id, limit: 1000)
            )
        }
    }

    /// Deletes one message (`id`) or all of them.
    public func delete(id: String?) async throws {
        try await store.transaction { try await $0.deleteMessages(id: id) }
    }

    /// The SMTP logins that failed, newest first (`sesame auth-failures`).
    public func authFailures(userName: String?, limit: Int) async throws -> [SMTPAuthFailure] {
        try await store.read { try await $0.authFailures(userName: userName, limit: limit) }
    }
}

/// The delivery queue as an operator sees it: rows and counts per state, retrying and removing
/// recipients. Used by the console's queue page and `sesame queue`.
public struct QueueAdministration: Sendable {
    let store: any Store
    /// Woken after a retry, so a running queue manager picks the recipients up at once.
    let queued: WakeSignal?

    public init(store: any Store, queued: WakeSignal? = nil) {
        self.store = store
        self.queued = queued
    }

    public func entries(messageID: String? = nil, state: DeliveryState?, limit: Int) async throws -> [QueuedRecipient] {
        try await store.read { try await $0.queueEntries(messageID: messageID, state: state, limit: limit) }
    }

    public func counts() async throws -> [DeliveryState: Int] {
        try await store.read { try await $0.queueCounts() }
    }

    /// Rows and counts read in one transaction.
    public func overview(state: DeliveryState, limit: Int) async throws -> (rows: [QueuedRecipient], counts: [DeliveryState: Int]) {
        try await store.read { session in
            (try await session.queueEntries(messageID: nil, state: state, limit: limit), try await session.queueCounts())
        }
    }

    /// Makes one message's queued recipients (or all) due now; returns how many.
    public func retry(messageID: String?, now: Date) async throws -> Int {
        let count = try await store.transaction { try await $0.retryDeliveries(messageID: messageID, now: now) }
        queued?.signal()
        return count
    }

    /// Takes a message's queued recipients out of the queue; returns how many.
    public func delete(messageID: String) async throws -> Int {
        try await store.transaction { try await $0.deleteDeliveries(messageID: messageID) }
    }
}
