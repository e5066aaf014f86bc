import Foundation
public import Logging
import NIOSSL
public import PostgresKit
import PostgresNIO
public import SesameStorage

/// PostgreSQL, for several Sesame nodes sharing one store, through postgres-nio's
/// `PostgresClient`: its pool lends connections, `withTransaction` opens, commits and rolls back
/// each transaction. Commits use the server's default `synchronous_commit = on`.
///
/// The client runs (its `run()`, which keeps the pool) from `init` until `shutdown()`, because
/// the store is used before the service group starts (migrations, CLI commands) and after it
/// stops.
public final class PostgresSource: SQLConnectionSource, Sendable {
    let client: PostgresClient
    let runner: Task<Void, Never>
    let logger: Logger
    public let location: String
    public var engine: StorageEngine { .postgresql }

    /// - Parameter url: `postgres://user:password@host:port/database` (`?tlsmode=disable|prefer|require`).
    public init(url: String, maxConnections: Int = 8, logger: Logger) throws {
        let parsed = try SQLPostgresConfiguration(url: url).coreConfiguration
        guard let host = parsed.host else {
            throw URLError(.badURL)
        }
        var configuration = PostgresClient.Configuration(
            host: host, port: parsed.port ?? 5432, username: parsed.username, password: parsed.password, database: parsed.database,
            tls: try Self.tls(url))
        configuration.options.maximumConnections = max(1, maxConnections)
        let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        self.client = client
        self.runner = Task { await client.run() }
        self.logger = logger
        self.location = Self.redacted(url)
    }

    /// The URL's `tlsmode` (or `sslmode`, `tls`, `ssl`): `disable`, `prefer` (the default) or `require`.
    static func tls(_ url: String) throws -> PostgresClient.Configuration.TLS {
        let items = URLComponents(string: url)?.queryItems ?? []
        let mode = items.last { ["tlsmode", "sslmode", "tls", "ssl"].contains($0.name.lowercased()) }?.value?.lowercased() ?? "prefer"
        switch mode {
        case "disable", "false", "off": return .disable
        case "prefer", "allow", "true", "on": return .prefer(.makeClientConfiguration())
        case "require", "verify-ca", "verify-full": return .require(.makeClientConfiguration())
        default: throw URLError(.badURL)
        }
    }

    /// The URL without its password, for banners and logs.
    static func redacted(_ url: String) -> String {
        guard let components = URLComponents(string: url) else { return "postgresql" }
        var copy = components
        if copy.password != nil { copy.password = "***" }
        return copy.string ?? "postgresql"
    }

    public var writeExecutor: (any TaskExecutor)? { nil }

    /// Holds one of the pool's connections for as long as it listens.
    public func listen(on channel: String, _ handle: @escaping @Sendable (String) async -> Void) async throws {
        try await client.withConnection { connection in
            try await connection.listen(on: channel) { notifications in
                for try await notification in notifications { await handle(notification.payload) }
            }
        }
    }

    public func withTransaction<R: Sendable>(write: Bool, _ body: @escaping @Sendable (any SQLDatabase) async throws -> R) async throws -> R
    {
        do {
            return try await client.withTransaction(logger: logger) { connection in
                // Query logging is off: binds include password hashes and sealed secrets.
                try await body(connection.sql(queryLogLevel: nil))
            }
        } catch let error as PostgresTransactionError {
            throw unwrapped(error)
        }
    }

    /// The error that ended a transaction, as the body threw it (a `SesameError` stays one), or
    /// the BEGIN or COMMIT failure; a failed ROLLBACK is only logged.
    func unwrapped(_ error: PostgresTransactionError) -> any Error {
        if let rollback = error.rollbackError { logger.warning("a transaction's ROLLBACK failed: \(rollback)") }
        return error.closureError ?? error.beginError ?? error.commitError ?? error
    }

    /// A session-level advisory lock keeps two nodes from migrating at once; every migration runs
    /// in a transaction of its own on the connection that holds it.
    public func withMigrationLock(
        _ body: @escaping @Sendable (_ db: any SQLDatabase, _ step: MigrationStep) async throws -> Void
    ) async throws {
        let logger = self.logger
        try await client.withConnection { connection in
            let db = connection.sql(queryLogLevel: nil)
            try await db.raw("SELECT pg_advisory_lock(7365736) AS locked").run()
            do {
                try await body(db) { work in
                    do {
                        try await connection.withTransaction(logger: logger) { connection in
                            try await work(connection.sql(queryLogLevel: nil))
                        }
                    } catch let error as PostgresTransactionError {
                        throw self.unwrapped(error)
                    }
                }
                try await db.raw("SELECT pg_advisory_unlock(7365736) AS unlocked").run()
            } catch {
                try? await db.raw("SELECT pg_advisory_unlock(7365736) AS unlocked").run()
                throw error
            }
        }
    }

    public func isUniqueViolation(_ error: any Error) -> Bool {
        if let error = error as? PSQLError, error.serverInfo?[.sqlState] == "23505" { return true }
        return false
    }

    public func isUnavailable(_ error: any Error) -> Bool {
        guard let error = error as? PSQLError else { return false }
        // No connection, or the server out of disk, memory or connections (SQLSTATE classes 08, 53, 57P).
        if let state = error.serverInfo?[.sqlState] { return state.hasPrefix("08") || state.hasPrefix("53") || state.hasPrefix("57P") }
        return error.code != .server
    }

    /// Runs one statement outside any transaction (`CREATE DATABASE` cannot run in one): for
    /// tools and tests that administer the server.
    public func execute(_ sql: String) async throws {
        try await client.withConnection { connection in
            try await connection.sql(queryLogLevel: nil).raw(SQLQueryString(sql)).run()
        }
    }

    public func shutdown() async {
        runner.cancel()
        await runner.value
    }
}
