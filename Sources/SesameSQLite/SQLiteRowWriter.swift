import SesameStorage
// The SQLite that SQLiteNIO compiles in. Using that copy, not a second one, matters: two copies
// of SQLite in one process do not see each other's POSIX locks on the same file, and SQLite's
// documentation names that as a way to corrupt a database.
import VaporCSQLite

/// A second handle on the database file that inserts rows with prepared statements kept for
/// reuse, synchronously, on the thread that calls it.
///
/// Why it exists: each statement through SQLiteNIO is parsed anew and crosses two threads (the
/// writer's event loop hands it to SQLite's thread pool and gets the result back). Accepted mail
/// is the one write on a hot path, and on a small machine those hand-offs were most of the time
/// a batch took to commit. `SQLiteSource` calls this only while it holds the writer connection,
/// on the writer's own event loop, so SQLite still sees one writer at a time from this process.
final class SQLiteRowWriter: @unchecked Sendable {
    // @unchecked: used only by whoever holds `SQLiteSource.writer`, one caller at a time.
    private var handle: OpaquePointer?
    private var statements: [String: OpaquePointer] = [:]
    let path: String

    init(path: String) {
        self.path = path
    }

    /// Inserts every row in one transaction (`BEGIN IMMEDIATE` … `COMMIT`); on any error nothing
    /// is kept and the error says what SQLite said.
    func insert(_ rows: SQLRows) throws {
        let db = try open()
        try run(statement("BEGIN IMMEDIATE", db), db)
        do {
            let marks = Array(repeating: "?", count: rows.columns.count).joined(separator: ", ")
            let insert = try statement("INSERT INTO \(rows.table) (\(rows.columns.joined(separator: ", "))) VALUES (\(marks))", db)
            for row in rows.rows {
                precondition(
                    row.count == rows.columns.count, "a row of \(rows.table) has \(row.count) values for \(rows.columns.count) columns")
                sqlite_nio_sqlite3_reset(insert)
                for (index, value) in row.enumerated() {
                    let position = Int32(index + 1)
                    let result: Int32
                    switch value {
                    case .text(let text):
                        var text = text
                        result = text.withUTF8 { bytes in
                            bytes.withMemoryRebound(to: CChar.self) { chars in
                                guard let start = chars.baseAddress, !chars.isEmpty else {
                                    return sqlite_nio_sqlite3_bind_text64(insert, position, "", 0, sqliteTransient, UInt8(SQLITE_UTF8))
                                }
                                return sqlite_nio_sqlite3_bind_text64(
                                    insert, position, start, UInt64(chars.count), sqliteTransient, UInt8(SQLITE_UTF8))
                            }
                        }
                    case .integer(let number): result = sqlite_nio_sqlite3_bind_int64(insert, position, number)
                    case .null: result = sqlite_nio_sqlite3_bind_null(insert, position)
                    }
                    guard result == SQLITE_OK else { throw SQLiteRowWriterError(db, result, "binding a value") }
                }
                try run(insert, db)
            }
            try run(statement("COMMIT", db), db)
        } catch {
            if let rollback = try? statement("ROLLBACK", db) { _ = try? run(rollback, db) }
            WALWriteCoalescingVFS.discardPending(db)
            throw error
        }
    }

    /// Steps `statement` to its end (none of these statements returns rows) and resets it.
    private func run(_ statement: OpaquePointer, _ db: OpaquePointer) throws {
        let result = sqlite_nio_sqlite3_step(statement)
        sqlite_nio_sqlite3_reset(statement)
        guard result == SQLITE_DONE else { throw SQLiteRowWriterError(db, result, "running a statement") }
    }

    private func statement(_ sql: String, _ db: OpaquePointer) throws -> OpaquePointer {
        if let cached = statements[sql] { return cached }
        var prepared: OpaquePointer?
        let result = sqlite_nio_sqlite3_prepare_v3(db, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &prepared, nil)
        guard result == SQLITE_OK, let prepared else { throw SQLiteRowWriterError(db, result, "preparing \(sql.prefix(60))") }
        statements[sql] = prepared
        return prepared
    }

    private func open() throws -> OpaquePointer {
        if let handle { return handle }
        var db: OpaquePointer?
        // Its log writes are gathered into one per commit (see WALWriteCoalescingVFS).
        let result = sqlite_nio_sqlite3_open_v2(
            path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_FULLMUTEX | SQLITE_OPEN_EXRESCODE, WALWriteCoalescingVFS.registered)
        guard result == SQLITE_OK, let db else {
            let error =
                db.map { SQLiteRowWriterError($0, result, "opening \(path)") }
                ?? SQLiteRowWriterError(code: result, message: "cannot open \(path)")
            sqlite_nio_sqlite3_close(db)
            throw error
        }
        // Per connection, the same as the writer's: wait for another process's lock, and a commit
        // is on disk before it returns.
        sqlite_nio_sqlite3_busy_timeout(db, 10_000)
        for pragma in ["PRAGMA synchronous = FULL", "PRAGMA foreign_keys = ON"] {
            let status = sqlite_nio_sqlite3_exec(db, pragma, nil, nil, nil)
            guard status == SQLITE_OK else {
                let error = SQLiteRowWriterError(db, status, pragma)
                sqlite_nio_sqlite3_close(db)
                throw error
            }
        }
        handle = db
        return db
    }

    func close() {
        for statement in statements.values { sqlite_nio_sqlite3_finalize(statement) }
        statements = [:]
        if let handle { sqlite_nio_sqlite3_close(handle) }
        handle = nil
    }
}

private let sqliteTransient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

/// What SQLite said when a row insert failed (its message names a unique constraint, a full disk, …).
struct SQLiteRowWriterError: Error, CustomStringConvertible {
    var code: Int32
    var message: String

    init(code: Int32, message: String) {
        self.code = code
        self.message = message
    }

    init(_ db: OpaquePointer, _ code: Int32, _ doing: String) {
        self.code = code
        self.message = "\(doing): \(String(cString: sqlite_nio_sqlite3_errmsg(db)))"
    }

    var description: String { "SQLite error \(code) \(message)" }
}
