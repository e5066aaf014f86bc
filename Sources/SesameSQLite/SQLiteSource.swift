import Foundation
public import Logging
import NIOPosix
public import SQLiteKit
import SesameConcurrency
public import SesameStorage

/// SQLite in the data directory: WAL journal, `synchronous=FULL` (a commit is on disk before it
/// returns), one writer connection (SQLite allows one writer at a time) and a few readers.
///
/// The writer has an event loop and a thread of its own, and a write transaction's body runs on
/// that loop: each statement then costs one hand-off to the SQLite thread and one back, and its
/// completion never waits behind the SMTP and HTTP connections' work on the shared loops.
public final class SQLiteSource: SQLConnectionSource {
    public let path: String
    let writer: AsyncPool<SQLiteConnection>
    let readers: AsyncPool<SQLiteConnection>
    let writerLoop: MultiThreadedEventLoopGroup
    let writerThread: NIOThreadPool
    let writerExecutor: EventLoopTaskExecutor
    /// Batches of rows (accepted mail) go through this handle instead of SQLiteNIO.
    let rowWriter: SQLiteRowWriter
    /// Set by the first shutdown: a second one (the command line closes the store after a failed
    /// run, when the store's service may have closed it already) returns at once, since every
    /// connection is already taken and closed.
    let shutDown = Locked(false)
    public var writeExecutor: (any TaskExecutor)? { writerExecutor }

    public var engine: StorageEngine { .sqlite }
    public var location: String { path }

    init(
        path: String, writer: SQLiteConnection, readers: [SQLiteConnection], writerLoop: MultiThreadedEventLoopGroup,
        writerThread: NIOThreadPool
    ) {
        self.path = path
        self.writer = AsyncPool([writer])
        self.readers = AsyncPool(readers)
        self.writerLoop = writerLoop
        self.writerThread = writerThread
        self.writerExecutor = EventLoopTaskExecutor(writer.eventLoop)
        self.rowWriter = SQLiteRowWriter(path: path)
    }

    /// Opens (creating if needed) the database file at `path`.
    public static func open(path: String, readers: Int = 2, logger: Logger) async throws -> SQLiteSource {
        func connect(
            threadPool: NIOThreadPool = .singleton, on loop: any EventLoop = MultiThreadedEventLoopGroup.singleton.any()
        )
            async throws -> SQLiteConnection
        {
            let connection = try await SQLiteConnection.open(storage: .file(path: path), threadPool: threadPool, logger: logger, on: loop)
            for pragma in [
                "PRAGMA busy_timeout = 10000", "PRAGMA journal_mode = WAL", "PRAGMA synchronous = FULL", "PRAGMA foreign_keys = ON",
            ] {
                _ = try await connection.query(pragma)
            }
            return connection
        }
        let writerLoop = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let writerThread = NIOThreadPool(numberOfThreads: 1)
        writerThread.start()
        do {
            let writer = try await connect(threadPool: writerThread, on: writerLoop.next())
            var readerConnections: [SQLiteConnection] = []
            for _ in 0..<max(1, readers) { readerConnections.append(try await connect()) }
            return SQLiteSource(path: path, writer: writer, readers: readerConnections, writerLoop: writerLoop, writerThread: writerThread)
        } catch {
            try? await writerThread.shutdownGracefully()
            try? await writerLoop.shutdownGracefully()
            throw error
        }
    }

    /// SQLite's transactions are statements: `BEGIN IMMEDIATE` takes the write lock up front (so a
    /// writer never fails to upgrade a read lock), then `COMMIT`, or `ROLLBACK` on failure.
    public func withTransaction<R: Sendable>(write: Bool, _ body: @escaping @Sendable (any SQLDatabase) async throws -> R) async throws -> R
    {
        try await withConnection(write: write) { db in try await Self.transaction(db, write: write, body) }
    }

    static func transaction<R: Sendable>(
        _ db: any SQLDatabase, write: Bool, _ body: @escaping @Sendable (any SQLDatabase) async throws -> R
    ) async throws -> R {
        try await db.raw(write ? "BEGIN IMMEDIATE" : "BEGIN").run()
        do {
            let result = try await body(db)
            try await db.raw("COMMIT").run()
            return result
        } catch {
            try? await db.raw("ROLLBACK").run()
            throw error
        }
    }

    func withConnection<R: Sendable>(write: Bool, _ body: @escaping @Sendable (any SQLDatabase) async throws -> R) async throws -> R {
        let pool = write ? writer : readers
        let connection = await pool.take()
        do {
            // Query logging is off: binds include password hashes and sealed secrets.
            let db = connection.sql(queryLogLevel: nil)
            let result = try await (write ? withTaskExecutorPreference(writerExecutor) { try await body(db) } : body(db))
            await pool.give(connection)
            return result
        } catch {
            await pool.give(connection)
            throw error
        }
    }

    /// Holds the writer connection (so nothing else of this process writes meanwhile) and runs
    /// the insert on the writer's event loop, which has nothing else to do while it is held.
    public func insertRows(_ rows: SQLRows) async throws {
        guard !rows.rows.isEmpty else { return }
        let rowWriter = self.rowWriter
        try await withTaskExecutorPreference(writerExecutor) {
            let connection = await writer.take()
            do {
                try rowWriter.insert(rows)
            } catch {
                await writer.give(connection)
                throw error
            }
            await writer.give(connection)
        }
    }

    /// The writer connection is exclusive, so migrations from one process are serialized already,
    /// and `BEGIN IMMEDIATE` serializes them across processes sharing the file.
    public func withMigrationLock(
        _ body: @escaping @Sendable (_ db: any SQLDatabase, _ step: MigrationStep) async throws -> Void
    ) async throws {
        try await withConnection(write: true) { db in
            try await body(db) { work in try await Self.transaction(db, write: true, work) }
        }
    }

    public func isUniqueViolation(_ error: any Error) -> Bool {
        String(describing: error).contains("UNIQUE constraint failed")
    }

    public func isUnavailable(_ error: any Error) -> Bool {
        if let error = error as? SQLiteRowWriterError {
            // Primary result codes: BUSY 5, LOCKED 6, IOERR 10, FULL 13, CANTOPEN 14.
            return [5, 6, 10, 13, 14].contains(error.code & 0xFF)
        }
        guard let error = error as? SQLiteError else { return false }
        let reason = "\(error.reason)"
        return ["busy", "locked", "ioError", "full", "cantOpen"].contains { reason.hasPrefix($0) }
    }

    public func shutdown() async {
        let alreadyShutDown = shutDown.withLock { done in
            let was = done
            done = true
            return was
        }
        guard !alreadyShutDown else { return }
        // Taking the writer waits for a write still running (the row writer's included) to end.
        // Taking every reader waits for reads still running. Shutdown runs in a cancelled task
        // when a service failed, and SQLiteNIO's async close() gives up when its task is
        // cancelled, leaving the connection open: its future-returning close() always closes.
        let connections = await writer.takeAll() + readers.takeAll()
        rowWriter.close()
        for connection in connections {
            try? await connection.close().get()
        }
        try? await writerThread.shutdownGracefully()
        try? await writerLoop.shutdownGracefully()
    }
}
