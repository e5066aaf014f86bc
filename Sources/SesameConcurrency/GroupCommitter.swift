public import ServiceLifecycle

/// Group commit, written once: items submitted while a commit is running are committed together
/// in the next one, and each submitter resumes when the commit holding its item is done, with
/// that item's own outcome. The first submitter to find nothing running starts the draining
/// task (on `executor`, e.g. the store's writer thread); later ones only queue their item.
///
/// As a `Service`, it stops taking items at graceful shutdown and returns from `run()` only once
/// the last commit has finished, so a store stopped after it is never written afterwards.
public final class GroupCommitter<Item: Sendable>: Service, Sendable {
    /// Commits a batch; returns one outcome per item, in order (nil: committed).
    public typealias Commit = @Sendable ([Item]) async -> [(any Error)?]

    struct State {
        var pending: [(item: Item, waiter: CheckedContinuation<Void, any Error>)] = []
        var draining = false
        var closed = false
        /// Resumed when the running drain ends (graceful shutdown waits on it).
        var drained: [CheckedContinuation<Void, Never>] = []
    }

    let state = Locked(State())
    let maxBatch: Int
    let executor: (any TaskExecutor)?
    let commit: Commit
    let closedError: any Error

    /// `closedError` is what a submission gets after shutdown began.
    public init(maxBatch: Int = .max, executor: (any TaskExecutor)? = nil, closedError: any Error, commit: @escaping Commit) {
        self.maxBatch = max(1, maxBatch)
        self.executor = executor
        self.closedError = closedError
        self.commit = commit
    }

    /// Commits `item` with whatever else is waiting; throws that item's failure.
    public func submit(_ item: Item) async throws {
        try await withCheckedThrowingContinuation { (waiter: CheckedContinuation<Void, any Error>) in
            let next = state.withLock { state -> SubmissionRole in
                if state.closed { return .refuse }
                state.pending.append((item, waiter))
                if state.draining { return .follow }
                state.draining = true
                return .lead
            }
            switch next {
            case .refuse: waiter.resume(throwing: closedError)
            case .follow: break
            case .lead: Task(executorPreference: executor) { await self.drain() }
            }
        }
    }

    /// Commits batches until nothing is pending.
    func drain() async {
        while true {
            let (batch, finished) = state.withLock {
                state -> ([(item: Item, waiter: CheckedContinuation<Void, any Error>)], [CheckedContinuation<Void, Never>]) in
                if state.pending.isEmpty {
                    state.draining = false
                    defer { state.drained = [] }
                    return ([], state.drained)
                }
                let take = Array(state.pending.prefix(maxBatch))
                state.pending.removeFirst(take.count)
                return (take, [])
            }
            if batch.isEmpty {
                for continuation in finished { continuation.resume() }
                return
            }
            let outcomes = await commit(batch.map(\.item))
            precondition(outcomes.count == batch.count, "a commit returns one outcome per item")
            for (entry, outcome) in zip(batch, outcomes) {
                if let outcome { entry.waiter.resume(throwing: outcome) } else { entry.waiter.resume() }
            }
        }
    }

    /// Stops taking items and waits for the running commit, if any, to finish.
    public func close() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let wait = state.withLock { state -> Bool in
                state.closed = true
                guard state.draining else { return false }
                state.drained.append(continuation)
                return true
            }
            if !wait { continuation.resume() }
        }
    }

    public func run() async throws {
        try? await gracefulShutdown()
        await close()
    }
}

/// What a submission does after queueing its item.
enum SubmissionRole { case lead, follow, refuse }
