import Foundation
import Logging
import NIOCore
import NIOPosix
import PostgresKit
import SesameStorage

/// PostgreSQL, for several Sesame nodes sharing one store. Connections come from a pool;
/// commits use the server's default `synchronous_commit = on`.
/// `@unchecked`: async-kit's `EventLoopGroupConnectionPool` is documented as thread-safe (it locks internally)
/// but predates `Sendable`.
public final class PostgresSource: SQLConnectionSource, @unchecked Sendable {
    let pool: EventLoopGroupConnectionPool<PostgresConnectionSource>
    public let location: String
    public var engine: StorageEngine { .postgresql }

    /// - Parameter url: `postgres://user:password@host:port/database` (`?tlsmode=disable|prefer|require`).
    public init(url: String, maxConnections: Int = 8, logger: Logger) throws {
        let configuration = try SQLPostgresConfiguration(url: url)
        self.pool = EventLoopGroupConnectionPool(
            source: PostgresConnectionSource(sqlConfiguration: configuration),
            maxConnectionsPerEventLoop: max(1, maxConnections / max(1, System.coreCount)),
            logger: logger,
            on: MultiThreadedEventLoopGroup.singleton)
        self.location = Self.redacted(url)
    }

    /// The URL without its password, for banners and logs.
    static func redacted(_ url: String) -> String {
        guard let components = URLComponents(string: url) else { return "postgresql" }
        var copy = components
        if copy.password != nil { copy.password = "***" }
        return copy.string ?? "postgresql"
    }

    public func beginStatement(write: Bool) -> String { "BEGIN" }

    public var writeExecutor: (any TaskExecutor)? { nil }

    public func withConnection<R: Sendable>(write: Bool, _ body: @escaping @Sendable (any SQLDatabase) async throws -> R) async throws -> R {
        let connection = try await pool.requestConnection().get()
        do {
            // Query logging is off: binds include password hashes and sealed secrets.
            let result = try await body(connection.sql(queryLogLevel: nil))
            pool.releaseConnection(connection)
            return result
        } catch {
            pool.releaseConnection(connection)
            throw error
        }
    }

    /// A session-level advisory lock keeps two nodes from migrating at once.
    public func withMigrationLock<R: Sendable>(_ db: any SQLDatabase, _ body: @escaping @Sendable () async throws -> R) async throws -> R {
        try await db.raw("SELECT pg_advisory_lock(7365736) AS locked").run()
        do {
            let result = try await body()
            try await db.raw("SELECT pg_advisory_unlock(7365736) AS unlocked").run()
            return result
        } catch {
            try? await db.raw("SELECT pg_advisory_unlock(7365736) AS unlocked").run()
            throw error
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

    public func shutdown() async {
        try? await pool.shutdownAsync()
    }
}
