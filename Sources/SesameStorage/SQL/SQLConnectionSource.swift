import SQLKit

/// How an engine adapter hands out connections to `SQLStore`.
public protocol SQLConnectionSource: Sendable {
    var engine: String { get }
    var location: String { get }
    /// The statement that opens a transaction (`BEGIN IMMEDIATE` takes SQLite's write lock up front).
    func beginStatement(write: Bool) -> String
    /// Lends one connection for the duration of `body`. Writers may be serialized by the adapter.
    func withConnection<R: Sendable>(write: Bool, _ body: @escaping @Sendable (any SQLDatabase) async throws -> R) async throws -> R
    /// Runs `body` while holding a lock that keeps other nodes from migrating at the same time.
    func withMigrationLock<R: Sendable>(_ db: any SQLDatabase, _ body: @escaping @Sendable () async throws -> R) async throws -> R
    /// Where write transactions run, if the adapter has a place of their own for them.
    var writeExecutor: (any TaskExecutor)? { get }
    /// Whether an error from the driver is a unique-constraint violation.
    func isUniqueViolation(_ error: any Error) -> Bool
    func shutdown() async
}

/// A small async pool: hands out one of a fixed set of connections, queueing callers.
public actor AsyncPool<Resource: Sendable> {
    private var available: [Resource]
    private var waiters: [CheckedContinuation<Resource, Never>] = []

    public init(_ resources: [Resource]) {
        self.available = resources
    }

    public func take() async -> Resource {
        if let resource = available.popLast() { return resource }
        return await withCheckedContinuation { waiters.append($0) }
    }

    public func give(_ resource: Resource) {
        if waiters.isEmpty {
            available.append(resource)
        } else {
            waiters.removeFirst().resume(returning: resource)
        }
    }

    public func drain() -> [Resource] {
        defer { available = [] }
        return available
    }
}
