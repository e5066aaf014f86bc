import Foundation
import NIOCore
import NIOPosix
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
        var promise: EventLoopPromise<Void>
    }

    let store: any Store
    let state = Locked<(pending: [Pending], writing: Bool)>(([], false))
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
        // A promise rather than a checked continuation: it may be fulfilled from the writer's
        // task at any moment, and the caller simply awaits its future.
        let promise = MultiThreadedEventLoopGroup.singleton.any().makePromise(of: Void.self)
        let lead = state.withLock { state -> Bool in
            state.pending.append(Pending(message: message, dailyLimit: dailyLimit, promise: promise))
            if state.writing { return false }
            state.writing = true
            return true
        }
        if lead { Task { await self.drain() } }
        try await promise.futureResult.get()
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
        let messages = batch.map { ($0.message, $0.dailyLimit) }
        let publisher = self.publisher
        do {
            let outcomes = try await store.write { session -> [SesameError?] in
                var sentByRegion: [String: Int] = [:]
                var outcomes: [SesameError?] = []
                var accepted: [StoredMessage] = []
                for (message, limit) in messages {
                    if limit >= 0 {
                        let since = message.createdAt.addingTimeInterval(-24 * 3600)
                        var sent: Int
                        if let known = sentByRegion[message.region] {
                            sent = known
                        } else {
                            sent = try await session.recipientsAccepted(region: message.region, since: since)
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
                // SQLite allows 32,766 bound values; 10 per row keeps a batch of 512 well inside.
                try await session.insertMessages(accepted)
                let withEvents = accepted.filter { !$0.events.isEmpty }
                if let publisher, !withEvents.isEmpty { try await publisher(session, withEvents) }
                return outcomes
            }
            // Queue rows were written (events may have queued feedback mail too).
            if batch.contains(where: { !$0.message.deliveries.isEmpty || !$0.message.events.isEmpty }) { queued.signal() }
            for (pending, outcome) in zip(batch, outcomes) {
                if let outcome { pending.promise.fail(outcome) } else { pending.promise.succeed(()) }
            }
        } catch {
            // Nothing in the batch was stored: every caller gets the error, none an ID.
            let failure = SesameError(.temporarilyUnavailable, "The message could not be stored; try again.", reason: "\(error)")
            for pending in batch { pending.promise.fail(failure) }
        }
    }
}
