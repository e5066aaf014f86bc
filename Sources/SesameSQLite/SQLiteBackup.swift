import Foundation
import VaporCSQLite

/// Copies a SQLite database with SQLite's online backup API (`sqlite3_backup_*`): a consistent
/// copy of a live store, page by page, while the server keeps reading and writing (a write that
/// lands during the copy makes SQLite start the copy over, so the result is one moment's state).
public enum SQLiteBackup {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// `from` must exist; `to` is created or replaced. `progress` gets (pages left, pages in all).
    public static func copy(from source: String, to destination: String, progress: (Int, Int) -> Void = { _, _ in }) throws {
        guard FileManager.default.fileExists(atPath: source) else { throw Failure(description: "\(source) does not exist.") }
        var from: OpaquePointer?
        var to: OpaquePointer?
        defer {
            sqlite_nio_sqlite3_close_v2(from)
            sqlite_nio_sqlite3_close_v2(to)
        }
        guard sqlite_nio_sqlite3_open_v2(source, &from, SQLITE_OPEN_READONLY, nil) == SQLITE_OK else {
            throw Failure(description: "Cannot open \(source): \(message(from))")
        }
        sqlite_nio_sqlite3_busy_timeout(from, 5000)
        guard sqlite_nio_sqlite3_open_v2(destination, &to, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nil) == SQLITE_OK else {
            throw Failure(description: "Cannot create \(destination): \(message(to))")
        }
        guard let backup = sqlite_nio_sqlite3_backup_init(to, "main", from, "main") else {
            throw Failure(description: "Cannot start the copy: \(message(to))")
        }
        var result: Int32
        repeat {
            result = sqlite_nio_sqlite3_backup_step(backup, 256)
            progress(Int(sqlite_nio_sqlite3_backup_remaining(backup)), Int(sqlite_nio_sqlite3_backup_pagecount(backup)))
            if result == SQLITE_BUSY || result == SQLITE_LOCKED { sqlite_nio_sqlite3_sleep(20) }
        } while result == SQLITE_OK || result == SQLITE_BUSY || result == SQLITE_LOCKED
        sqlite_nio_sqlite3_backup_finish(backup)
        guard result == SQLITE_DONE else { throw Failure(description: "The copy failed: \(message(to)) (code \(result))") }
        // The copy is a database of its own: checked whole before anyone relies on it.
        var statement: OpaquePointer?
        defer { sqlite_nio_sqlite3_finalize(statement) }
        guard sqlite_nio_sqlite3_prepare_v2(to, "PRAGMA integrity_check", -1, &statement, nil) == SQLITE_OK,
            sqlite_nio_sqlite3_step(statement) == SQLITE_ROW, let text = sqlite_nio_sqlite3_column_text(statement, 0),
            String(cString: text) == "ok"
        else {
            throw Failure(description: "The copy at \(destination) does not pass SQLite's integrity check.")
        }
    }

    static func message(_ db: OpaquePointer?) -> String {
        db.flatMap { sqlite_nio_sqlite3_errmsg($0) }.map { String(cString: $0) } ?? "unknown error"
    }
}
