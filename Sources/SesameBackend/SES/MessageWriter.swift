import Foundation
import SesameCore
import SesameStorage


/// Writes accepted messages with group commit: submissions that arrive while a commit is in
/// flight are written together in the next transaction. Each caller resumes only after the
/// transaction holding its message has committed (durably), so a returned message ID always
/// names a stored message, and one disk flush serves many messages.
public final class MessageWriter: Sendable {
    struct Pending {
        var message: StoredMessage
        var dailyLimit: Int
        var waiter: CheckedContinuation<Void, any Error>
    }

    let store: any Store
    let state = Locked<(pending: [Pending], writing: Bool)>(([], false))
    /// Per region, an upper bound of the recipients stored in the last 24 hours, kept only when
    /// the store has a single writer (this process): a batch that fits under the quota by it
    /// cannot have a message refused, so it skips the exact count and the transaction.
    let quotaBounds = Locked<[String: Int]>([:])
    /// The most messages written in one transaction.
    let maxBatch: Int
    /// Signalled after every commit that queued recipients for delivery.
    public let queued = WakeSignal()

    /// Publishes events written with messages (a suppressed recipient's bounce, Send events),
    /// in the same transaction.
    public typealias Publisher = @Sendable (any StoreSession, [StoredMessage]) async throws -> Void
    let publisher: Publisher?

    public init(store: any Store, maxBatch: Int = 512, publisher: Publisher? = nil) {
        self.store = store
        self.maxBatch = maxBatch
        self.publisher = publisher
    }

    /// Stores `message`, enforcing the region's 24-hour recipient quota (`dailyLimit` < 0: none).
    public func write(_ message: StoredMessage, dailyLimit: Int) async throws {
        // The caller resumes on its own executor (an SMTP session's event loop) once the
        // writer's task, on the store's writer executor, has committed the batch.
        try await withCheckedThrowingContinuation { (waiter: CheckedContinuation<Void, any Error>) in
            let lead = state.withLock { state -> Bool in
                state.pending.append(Pending(message: message, dailyLimit: dailyLimit, waiter: waiter))
                if state.writing { return false }
                state.writing = true
                return true
            }
            if lead { Task(executorPreference: store.writeExecutor) { await self.drain() } }
        }
    }

    /// Writes batches until nothing is pending.
    func drain() async {
        while true {
            let batch = state.withLock { state -> [Pending] in
                if state.pending.isEmpty {
                    state.writing = false
                    return []
                }
                let take = Array(state.pending.prefix(maxBatch))
                state.pending.removeFirst(take.count)
                return take
            }
            if batch.isEmpty { return }
            await commit(batch)
        }
    }

    func commit(_ batch: [Pending]) async {
        do {
            let outcomes: [SesameError?]
            if canAppend(batch) {
                // Nothing in the batch can be refused: one INSERT, its own transaction.
                try await store.appendMessages(batch.map(\.message))
                outcomes = Array(repeating: nil, count: batch.count)
                raiseBounds(read: [:], batch: batch, outcomes: outcomes)
            } else {
                let result = try await checkQuotaAndInsert(batch)
                outcomes = result.outcomes
                raiseBounds(read: result.read, batch: batch, outcomes: outcomes)
            }
            // Queue rows were written (events may have queued feedback mail too).
            if batch.contains(where: { !$0.message.deliveries.isEmpty || !$0.message.events.isEmpty }) { queued.signal() }
            for (pending, outcome) in zip(batch, outcomes) {
                if let outcome { pending.waiter.resume(throwing: outcome) } else { pending.waiter.resume() }
            }
        } catch where batch.count > 1 {
            // Nothing in the batch was stored. One message's fault must not refuse the others:
            // each is tried again in a transaction of its own.
            for pending in batch { await commit([pending]) }
        } catch {
            // Nothing was stored: the caller gets the error, not an ID.
            let failure = SesameError(.temporarilyUnavailable, "The message could not be stored; try again.", reason: "\(error)")
            for pending in batch { pending.waiter.resume(throwing: failure) }
        }
    }

    /// Whether `batch` may skip the transaction: no queue rows or events to write with it, and
    /// every region's quota leaves room for all of it by the upper bound this writer keeps.
    func canAppend(_ batch: [Pending]) -> Bool {
        guard store.hasSingleWriter, batch.allSatisfy({ $0.message.deliveries.isEmpty && $0.message.events.isEmpty }) else { return false }
        var needed: [String: (recipients: Int, limit: Int)] = [:]
        for pending in batch where pending.dailyLimit >= 0 {
            let region = pending.message.region
            let sofar = needed[region] ?? (0, pending.dailyLimit)
            needed[region] = (sofar.recipients + pending.message.destinations.count, min(sofar.limit, pending.dailyLimit))
        }
        if needed.isEmpty { return true }
        let bounds = quotaBounds.withLock { $0 }
        return needed.allSatisfy { region, need in bounds[region].map { $0 + need.recipients <= need.limit } ?? false }
    }

    /// After a commit, the bound of each region is what was read in the transaction (if it was),
    /// plus every recipient the batch stored that counts toward the quota.
    func raiseBounds(read: [String: Int], batch: [Pending], outcomes: [SesameError?]) {
        guard store.hasSingleWriter else { return }
        quotaBounds.withLock { bounds in
            for (region, sent) in read { bounds[region] = sent }
            for (pending, outcome) in zip(batch, outcomes) where outcome == nil && pending.message.countsTowardQuota {
                guard let bound = bounds[pending.message.region] else { continue }
                bounds[pending.message.region] = bound + pending.message.destinations.count
            }
        }
    }

    /// The general path: one transaction that reads each region's 24-hour count, refuses what
    /// would exceed the quota, and stores the rest with their queue rows and events.
    func checkQuotaAndInsert(_ batch: [Pending]) async throws -> (outcomes: [SesameError?], read: [String: Int]) {
        let messages = batch.map { ($0.message, $0.dailyLimit) }
        let publisher = self.publisher
        return try await store.write { session -> ([SesameError?], [String: Int]) in
            var read: [String: Int] = [:]
            var sentByRegion: [String: Int] = [:]
            var outcomes: [SesameError?] = []
            var accepted: [StoredMessage] = []
            for (message, limit) in messages {
                if limit >= 0 {
                    var sent: Int
                    if let known = sentByRegion[message.region] {
                        sent = known
                    } else {
                        let since = message.createdAt.addingTimeInterval(-24 * 3600)
                        sent = try await session.recipientsAccepted(region: message.region, since: since)
                        read[message.region] = sent
                    }
                    if sent + message.destinations.count > limit {
                        outcomes.append(SesameError(.throttling, "Daily message quota exceeded."))
                        sentByRegion[message.region] = sent
                        continue
                    }
                    sent += message.destinations.count
                    sentByRegion[message.region] = sent
                }
                accepted.append(message)
                outcomes.append(nil)
            }
            // SQLite allows 32,766 bound values; 12 per row keeps a batch of 512 well inside.
            try await session.insertMessages(accepted)
            let withEvents = accepted.filter { !$0.events.isEmpty }
            if let publisher, !withEvents.isEmpty { try await publisher(session, withEvents) }
            return (outcomes, read)
        }
    }
}
