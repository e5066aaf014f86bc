public import SQLKit

/// How an engine adapter hands out connections to `SQLStore`.
public protocol SQLConnectionSource: Sendable {
    var engine: StorageEngine { get }
    var location: String { get }
    /// Runs `body` in one transaction on one connection: committed when it returns, rolled back
    /// when it throws. Writers may be serialized by the adapter.
    func withTransaction<R: Sendable>(write: Bool, _ body: @escaping @Sendable (any SQLDatabase) async throws -> R) async throws -> R
    /// Holds one connection, under a lock that keeps other nodes from migrating at the same
    /// time, for `body`; `step` runs a piece of work in a transaction of its own on it.
    func withMigrationLock(_ body: @escaping @Sendable (_ db: any SQLDatabase, _ step: MigrationStep) async throws -> Void) async throws
    /// Where write transactions run, if the adapter has a place of their own for them.
    var writeExecutor: (any TaskExecutor)? { get }
    /// Inserts `rows` as one transaction of their own. Adapters with a faster way than one
    /// multi-row INSERT through SQLKit (SQLite: a prepared statement run on the writer's thread)
    /// provide it; the default is that INSERT.
    func insertRows(_ rows: SQLRows) async throws
    /// Whether an error from the driver is a unique-constraint violation.
    func isUniqueViolation(_ error: any Error) -> Bool
    /// Whether an error means the store cannot serve for now (disk full, I/O error, busy, the
    /// server unreachable): the client is told to retry (SES's 503, SMTP's 451), not that it failed.
    func isUnavailable(_ error: any Error) -> Bool
    /// Hands `handle` each payload sent on `channel` (by any node, `NOTIFY`) as its transaction
    /// commits, until the task is cancelled or the connection fails (PostgreSQL's `LISTEN`).
    /// Engines with a single writer have no one else to hear from and return at once.
    func listen(on channel: String, _ handle: @escaping @Sendable (String) async -> Void) async throws
    func shutdown() async
}

/// Runs one migration's statements in a transaction of its own (see `withMigrationLock`).
public typealias MigrationStep = @Sendable (_ work: @escaping @Sendable (any SQLDatabase) async throws -> Void) async throws -> Void

/// A value bound into a statement by `SQLConnectionSource.insertRows`.
public enum SQLValue: Sendable, Equatable {
    case text(String)
    case integer(Int64)
    case null
}

/// Rows for one table, every row holding one value per column, in order.
public struct SQLRows: Sendable {
    public var table: String
    public var columns: [String]
    public var rows: [[SQLValue]]

    public init(table: String, columns: [String], rows: [[SQLValue]]) {
        self.table = table
        self.columns = columns
        self.rows = rows
    }

    /// One INSERT for every row, the values bound: the same statement on both engines.
    public var insertStatement: SQLQueryString {
        var query = SQLQueryString("INSERT INTO \(unsafeRaw: table) (\(unsafeRaw: columns.joined(separator: ", "))) VALUES ")
        for (index, row) in rows.enumerated() {
            query += index == 0 ? "(" : ", ("
            for (column, value) in row.enumerated() {
                if column > 0 { query += ", " }
                switch value {
                case .text(let text): query += "\(bind: text)"
                case .integer(let number): query += "\(bind: number)"
                case .null: query += "\(bind: String?.none)"
                }
            }
            query += ")"
        }
        return query
    }
}

extension SQLConnectionSource {
    public func listen(on channel: String, _ handle: @escaping @Sendable (String) async -> Void) async throws {}

    public func insertRows(_ rows: SQLRows) async throws {
        guard !rows.rows.isEmpty else { return }
        let insert = rows.insertStatement
        try await withTransaction(write: true) { db in try await db.raw(insert).run() }
    }
}

/// A small async pool: hands out one of a fixed set of connections, queueing callers.
public actor AsyncPool<Resource: Sendable> {
    private var available: [Resource]
    private var waiters: [CheckedContinuation<Resource, Never>] = []

    /// How many resources the pool was made with.
    public let capacity: Int

    public init(_ resources: [Resource]) {
        self.available = resources
        self.capacity = resources.count
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

    /// Every resource, once each is back: for closing them all at shutdown.
    public func takeAll() async -> [Resource] {
        var all: [Resource] = []
        for _ in 0..<capacity { all.append(await take()) }
        return all
    }
}
