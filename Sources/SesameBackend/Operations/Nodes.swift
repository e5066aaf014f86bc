public import Foundation
import SesameStorage

/// A node on the store as `sesame nodes` shows it.
public struct NodeStatus: Sendable, Equatable {
    public var name: String
    public var version: String
    public var startedAt: Date
    public var lastSeen: Date
    public var doing: String
}

extension StoreOperations {
    /// This node is alive and doing `doing` (its listeners, its delivery mode, its work in hand).
    public func heartbeat(node: String, version: String, startedAt: Date, doing: String, now: Date) async throws {
        let record = NodeRecord(name: node, version: version, startedAt: startedAt, lastSeen: now, doing: doing)
        try await store.transaction { try await $0.putNode(record) }
    }

    /// Holds the lease on a background job (pruning, DNS checks) for `owner` for `duration`:
    /// exactly one node runs such a job at a time; when it stops renewing, another takes over.
    public func holdLease(job: String, owner: String, for duration: TimeInterval, now: Date = Date()) async throws -> Bool {
        try await store.transaction {
            try await $0.holdLease(job: job, owner: owner, now: now, until: now.addingTimeInterval(duration))
        }
    }

    /// Gives back `owner`'s lease on `job` (a node stopping): another node takes the job at its
    /// next run rather than when the lease would have run out.
    public func releaseLease(job: String, owner: String) async throws {
        try await store.transaction { try await $0.releaseLease(job: job, owner: owner) }
    }

    /// Nodes seen since `since`, most recently seen first.
    public func nodes(seenSince since: Date) async throws -> [NodeStatus] {
        try await store.read { try await $0.nodes(seenSince: since) }.map {
            NodeStatus(name: $0.name, version: $0.version, startedAt: $0.startedAt, lastSeen: $0.lastSeen, doing: $0.doing)
        }
    }
}
