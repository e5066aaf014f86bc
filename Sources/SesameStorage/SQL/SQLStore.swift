import Foundation
public import Logging
import SQLKit
public import SesameCore

/// The one `Store` implementation, written against SQLKit so both engines share every query.
public final class SQLStore: Store {
    let source: any SQLConnectionSource
    let logger: Logger

    public init(source: any SQLConnectionSource, logger: Logger) {
        self.source = source
        self.logger = logger
    }

    public var engine: StorageEngine { source.engine }
    public var location: String { source.location }

    public func read<R: Sendable>(_ body: @escaping @Sendable (any StoreSession) async throws -> R) async throws -> R {
        try await transaction(write: false, body)
    }

    public func write<R: Sendable>(_ body: @escaping @Sendable (any StoreSession) async throws -> R) async throws -> R {
        try await transaction(write: true, body)
    }

    public func appendMessages(_ messages: [StoredMessage]) async throws {
        precondition(
            messages.allSatisfy { $0.deliveries.isEmpty && $0.events.isEmpty }, "appendMessages takes messages without queue rows or events"
        )
        guard !messages.isEmpty else { return }
        do {
            try await source.insertRows(SQLStoreSession.messageRows(messages))
        } catch {
            throw classify(error)
        }
    }

    /// A store that cannot serve for now becomes `temporarilyUnavailable`, which every front end
    /// answers with "try again" (AWS 503, SMTP 451); the driver's text goes to the log only.
    func classify(_ error: any Error) -> any Error {
        guard !(error is SesameError), source.isUnavailable(error) else { return error }
        return SesameError(.temporarilyUnavailable, "Service is unable to handle request.", reason: String(describing: error))
    }

    public var hasSingleWriter: Bool { source.engine == .sqlite }

    /// The channel on which indexing transactions name the messages they added.
    static let indexedMailChannel = "sesame_mail_indexed"

    public func followIndexedMail(_ handle: @escaping @Sendable ([String]) async -> Void) async throws {
        try await source.listen(on: Self.indexedMailChannel) { payload in
            await handle(payload.split(separator: " ").map(String.init))
        }
    }

    public var writeExecutor: (any TaskExecutor)? { source.writeExecutor }

    func transaction<R: Sendable>(write: Bool, _ body: @escaping @Sendable (any StoreSession) async throws -> R) async throws -> R {
        do {
            return try await runTransaction(write: write, body)
        } catch {
            throw classify(error)
        }
    }

    func runTransaction<R: Sendable>(write: Bool, _ body: @escaping @Sendable (any StoreSession) async throws -> R) async throws -> R {
        let source = self.source
        do {
            return try await source.withTransaction(write: write) { db in try await body(SQLStoreSession(db: db, source: source)) }
        } catch  where source.isUniqueViolation(error) {
            throw StoreConflict(detail: String(describing: error))
        }
    }

    public func migrate() async throws {
        let source = self.source
        let logger = self.logger
        let engine = source.engine
        try await source.withMigrationLock { db, step in
            try await db.raw(
                "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)"
            ).run()
            let applied = Set(
                try await db.raw("SELECT version FROM schema_migrations").all().map { try $0.decode(column: "version", as: Int.self) })
            for migration in Migrations.all where !applied.contains(migration.version) {
                try await step { db in
                    for statement in migration.statements(for: engine) { try await db.raw(SQLQueryString(statement)).run() }
                    try await db.raw(
                        "INSERT INTO schema_migrations (version, name, applied_at) VALUES (\(bind: migration.version), \(bind: migration.name), \(bind: Timestamp.millis(Date())))"
                    ).run()
                }
                logger.info("applied migration \(migration.version): \(migration.name)")
            }
        }
    }

    public func shutdown() async { await source.shutdown() }
}

/// One transaction's view of the store.
struct SQLStoreSession: StoreSession {
    let db: any SQLDatabase
    let source: any SQLConnectionSource

    // MARK: Account

    func account() async throws -> StoredAccount? {
        guard let row = try await db.raw("SELECT id, root_email, root_password_hash, created_at FROM accounts LIMIT 1").first() else {
            return nil
        }
        return StoredAccount(
            account: Account(
                id: try row.decode(column: "id", as: String.self),
                rootEmail: try row.decode(column: "root_email", as: String.self),
                createdAt: Timestamp.date(millis: try row.decode(column: "created_at", as: Int64.self))),
            rootPasswordHash: try row.decode(column: "root_password_hash", as: String.self))
    }

    func insertAccount(_ stored: StoredAccount) async throws {
        try await db.raw(
            """
            INSERT INTO accounts (id, root_email, root_password_hash, created_at)
            VALUES (\(bind: stored.account.id), \(bind: stored.account.rootEmail), \(bind: stored.rootPasswordHash), \(bind: Timestamp.millis(stored.account.createdAt)))
            """
        ).run()
    }

    func updateRootPasswordHash(_ hash: String) async throws {
        try await db.raw("UPDATE accounts SET root_password_hash = \(bind: hash)").run()
    }

    func setting(_ key: String) async throws -> String? {
        try await db.raw("SELECT value FROM settings WHERE key = \(bind: key)").first()?.decode(column: "value", as: String.self)
    }

    func putSetting(_ key: String, _ value: String) async throws {
        try await db.raw(
            "INSERT INTO settings (key, value) VALUES (\(bind: key), \(bind: value)) ON CONFLICT (key) DO UPDATE SET value = excluded.value"
        ).run()
    }
}
