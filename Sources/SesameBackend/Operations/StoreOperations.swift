public import Foundation
public import SesameCore
public import SesameStorage

/// The use cases that need nothing but the store, for commands run beside a server or without
/// one (`sesame queue`, `sesame auth-failures`, `sesame identities verify`).
public struct StoreOperations: Sendable {
    let store: any Store

    public init(store: any Store) { self.store = store }

    public var capturedMail: CapturedMail { CapturedMail(store: store) }
    public var queueAdministration: QueueAdministration { QueueAdministration(store: store) }

    /// The store's backlogs now (queue, SNS outbox, SQS, received mail), for the metrics.
    public func backlog(now: Date) async throws -> Backlog {
        try await store.read { try await $0.backlog(now: now) }
    }

    /// Marks an identity verified, creating it if needed.
    public func markVerified(region: String, name: String, kind: Identity.Kind, at date: Date) async throws {
        try await SESBackend.markVerified(store: store, region: region, name: name, kind: kind, at: date)
    }
}
