import Foundation
public import Metrics
public import ServiceLifecycle
public import SesameConcurrency
public import SesameCore
public import SesameStorage

/// Writes accepted messages with group commit: submissions that arrive while a commit is in
/// flight are written together in the next transaction. Each caller resumes only after the
/// transaction holding its message has committed (durably), so a returned message ID always
/// names a stored message, and one disk flush serves many messages.
///
/// A `Service`: at graceful shutdown it takes no more messages and finishes the commit in
/// flight, before the store (an earlier service) closes.
public final class MessageWriter: Service, Sendable {
    /// Signalled after every commit that queued recipients for delivery.
    public let queued: WakeSignal
    let batches: MessageBatches
    let committer: GroupCommitter<MessageBatches.Submission>

    /// Publishes events written with messages (a suppressed recipient's bounce, Send events),
    /// in the same transaction.
    public typealias Publisher = @Sendable (any StoreSession, [StoredMessage]) async throws -> Void

    /// `metrics` is where the commit metrics go (tests pass their own; by default, the process's).
    public init(
        store: any Store, maxBatch: Int = 512, publisher: Publisher? = nil, queued: WakeSignal = WakeSignal(),
        metrics: any MetricsFactory = MetricsSystem.factory
    ) {
        let batches = MessageBatches(store: store, publisher: publisher, queued: queued, metrics: metrics)
        self.queued = queued
        self.batches = batches
        // The batch is written on the store's writer executor (SQLite's writer thread); the
        // caller resumes on its own executor (an SMTP session's event loop).
        self.committer = GroupCommitter(
            maxBatch: maxBatch, executor: store.writeExecutor,
            closedError: SesameError(.temporarilyUnavailable, "Sesame is shutting down; send the message again in a moment.")
        ) { await batches.commit($0) }
    }

    /// Stores `message`, enforcing the region's 24-hour recipient quota (`dailyLimit` < 0: none).
    public func write(_ message: StoredMessage, dailyLimit: Int) async throws {
        try await committer.submit(.init(message: message, dailyLimit: dailyLimit))
    }

    public func run() async throws { try await committer.run() }

    /// Whether accepted mail was committed within `interval`: background work that needs the
    /// store's writer (the workbench's indexer) waits while mail is flowing.
    public func committed(within interval: Duration) -> Bool {
        guard let last = batches.lastCommit.withLock({ $0 }) else { return false }
        return ContinuousClock.now - last < interval
    }
}

/// How a batch of accepted messages is written: by appending when nothing in it can be refused,
/// otherwise in a transaction that checks each region's quota.
final class MessageBatches: Sendable {
    struct Submission: Sendable {
        var message: StoredMessage
        var dailyLimit: Int
    }
    typealias Pending = Submission

    let store: any Store
    let publisher: MessageWriter.Publisher?
    let queued: WakeSignal
    /// Per region, an upper bound of the recipients stored in the last 24 hours, kept only when
    /// the store has a single writer (this process): a batch that fits under the quota by it
    /// cannot have a message refused, so it skips the exact count and the transaction.
    let quotaBounds = Locked<[String: Int]>([:])
    /// When the last batch began committing.
    let lastCommit = Locked<ContinuousClock.Instant?>(nil)

    /// `sesame_store_commit_duration_seconds` and `sesame_store_commit_batch_size`: each commit
    /// of accepted messages, how long it took and how many messages it carried.
    let commitTimer: Metrics.Timer
    let batchSize: Recorder

    init(store: any Store, publisher: MessageWriter.Publisher?, queued: WakeSignal, metrics: any MetricsFactory) {
        self.store = store
        self.publisher = publisher
        self.queued = queued
        self.commitTimer = Metrics.Timer(label: "sesame_store_commit_duration_seconds", preferredDisplayUnit: .seconds, factory: metrics)
        self.batchSize = Recorder(label: "sesame_store_commit_batch_size", aggregate: true, factory: metrics)
    }

    /// Writes a batch; one outcome per message (nil: stored).
    func commit(_ batch: [Pending]) async -> [(any Error)?] {
        let started = ContinuousClock.now
        lastCommit.withLock { $0 = started }
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
            // Commits that happened: a batch that failed and was retried message by message is
            // counted as those retries, not once more.
            commitTimer.record(duration: ContinuousClock.now - started)
            batchSize.record(batch.count)
            return outcomes
        } catch  where batch.count > 1 {
            // Nothing in the batch was stored. One message's fault must not refuse the others:
            // each is tried again in a transaction of its own.
            var outcomes: [(any Error)?] = []
            for pending in batch { outcomes += await commit([pending]) }
            return outcomes
        } catch {
            // Nothing was stored: the caller gets the error, not an ID.
            return [SesameError(.temporarilyUnavailable, "The message could not be stored; try again.", reason: "\(error)")]
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
        return try await store.transaction { session -> ([SesameError?], [String: Int]) in
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
