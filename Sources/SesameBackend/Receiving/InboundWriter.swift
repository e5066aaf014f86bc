public import ServiceLifecycle
import SesameConcurrency
public import SesameCore
public import SesameStorage

/// Stores received mail before the client's 250 with group commit, as `MessageWriter` does for
/// submitted mail: messages that arrive while a commit is in flight are written together in the
/// next transaction, and each session resumes only once the transaction holding its message has
/// committed. One disk flush then serves many inbound sessions.
///
/// A `Service`: at graceful shutdown it takes no more messages and finishes the commit in flight,
/// before the store (an earlier service) closes.
public final class InboundWriter: Service, Sendable {
    let committer: GroupCommitter<[ReceivedMessage]>

    public init(store: any Store, maxBatch: Int = 256) {
        self.committer = GroupCommitter(
            maxBatch: maxBatch, executor: store.writeExecutor,
            closedError: SesameError(.temporarilyUnavailable, "Sesame is shutting down; send the message again in a moment.")
        ) { batch in await Self.commit(batch, store: store) }
    }

    /// Stores one received message's copies (one per region that takes it), all or none.
    public func write(_ copies: [ReceivedMessage]) async throws {
        try await committer.submit(copies)
    }

    public func run() async throws { try await committer.run() }

    /// One transaction for the batch; if it fails, each message alone, so one message's fault
    /// never refuses the others.
    static func commit(_ batch: [[ReceivedMessage]], store: any Store) async -> [(any Error)?] {
        do {
            try await store.transaction { try await $0.insertReceivedMessages(batch.flatMap { $0 }) }
            return Array(repeating: nil, count: batch.count)
        } catch  where batch.count > 1 {
            var outcomes: [(any Error)?] = []
            for copies in batch { outcomes += await commit([copies], store: store) }
            return outcomes
        } catch {
            return [SesameError(.temporarilyUnavailable, "The message could not be stored; try again.", reason: "\(error)")]
        }
    }
}
