public import Foundation
import SesameSQLite

/// `sesame backup` and `sesame restore` for a SQLite store. A PostgreSQL store is backed up with
/// pg_dump and restored with pg_restore (the README has the procedure). Either way the master key
/// (`DATA/master.key` or `SESAME_MASTER_KEY`) is needed to use a backup: the secrets in it are
/// sealed with that key.
public enum Backups {
    public struct Refusal: Error, CustomStringConvertible {
        public var description: String
    }

    /// A consistent copy of the live store at `file` (SQLite's online backup API), also while a
    /// node runs on it. Returns the copy's size in bytes.
    public static func backup(_ configuration: SesameConfiguration, to file: String) throws -> Int {
        guard configuration.databaseURL == nil else {
            throw Refusal(
                description:
                    "This store is in PostgreSQL: back it up with pg_dump -Fc (the README's \"Backups\" section has the procedure), and keep the master key with it."
            )
        }
        guard FileManager.default.fileExists(atPath: configuration.sqlitePath) else {
            throw Refusal(description: "There is no store at \(configuration.sqlitePath): give --data-dir the directory Sesame runs on.")
        }
        guard !FileManager.default.fileExists(atPath: file) else {
            throw Refusal(description: "\(file) exists already: give a new file name (a backup never overwrites).")
        }
        do {
            try SQLiteBackup.copy(from: configuration.sqlitePath, to: file)
        } catch {
            try? FileManager.default.removeItem(atPath: file)
            throw Refusal(description: "\(error)")
        }
        chmod(file, 0o600)
        return (try? FileManager.default.attributesOfItem(atPath: file)[.size] as? Int) ?? 0
    }

    /// Puts a backup in place as the data directory's store. Refuses when a store is there
    /// already (it may be in use: stop Sesame and move the old file away first).
    public static func restore(_ configuration: SesameConfiguration, from file: String) throws {
        guard configuration.databaseURL == nil else {
            throw Refusal(description: "This store is in PostgreSQL: restore it with pg_restore (see the README's \"Backups\" section).")
        }
        guard FileManager.default.fileExists(atPath: file) else { throw Refusal(description: "\(file) does not exist.") }
        let target = configuration.sqlitePath
        for path in [target, target + "-wal"] where FileManager.default.fileExists(atPath: path) {
            throw Refusal(
                description:
                    "\(path) exists: a store is already there (and Sesame may be running on it). Stop Sesame and move the data directory's sesame.sqlite* files away first."
            )
        }
        try DataDirectory.prepare(configuration.dataDirectory)
        do {
            try SQLiteBackup.copy(from: file, to: target)
        } catch {
            try? FileManager.default.removeItem(atPath: target)
            throw Refusal(description: "\(error)")
        }
        chmod(target, 0o600)
    }
}
