import ArgumentParser
import Foundation
import SesameBackend
import SesameServer

/// `sesame store stats`: what the store holds.
struct StoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "store",
        abstract: "Look at the store: rows per table, and sizes.",
        subcommands: [Stats.self])

    struct Stats: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Rows per table (and bytes: per table on PostgreSQL, the database files on SQLite); works beside a running node.")
        @Flag(help: "Print one JSON object instead of text.") var json = false
        @OptionGroup var store: StoreOptions

        func run() async throws {
            let tables = try await store.with { try await $0.stats() }
            var files: [String: Int] = [:]
            let configuration = store.configuration
            if configuration.databaseURL == nil {
                for name in ["sesame.sqlite", "sesame.sqlite-wal"] {
                    let path = (configuration.dataDirectory as NSString).appendingPathComponent(name)
                    if let size = try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int { files[name] = size }
                }
            }
            if json {
                var object: [String: Any] = [
                    "tables": tables.map { table -> [String: Any] in
                        var row: [String: Any] = ["table": table.table, "rows": table.rows]
                        if let bytes = table.bytes { row["bytes"] = bytes }
                        return row
                    }
                ]
                if !files.isEmpty { object["files"] = files }
                try QueueCommand.printJSON(object)
                return
            }
            for table in tables {
                print(
                    table.table.padding(toLength: 20, withPad: " ", startingAt: 0) + String(table.rows).leftPadded(10)
                        + (table.bytes.map { "  " + Self.size($0) } ?? ""))
            }
            for (name, size) in files.sorted(by: { $0.key < $1.key }) { print("\(name): \(Self.size(size))") }
        }

        static func size(_ bytes: Int) -> String {
            bytes >= 1 << 20 ? String(format: "%.1f MB", Double(bytes) / 1_048_576) : String(format: "%.1f KB", Double(bytes) / 1024)
        }
    }
}

extension String {
    func leftPadded(_ width: Int) -> String { String(repeating: " ", count: max(0, width - count)) + self }
}

/// `sesame backup --to FILE`.
struct BackupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Copy a SQLite store, consistently, also while Sesame runs on it.",
        discussion: """
            Uses SQLite's online backup API: the copy is one moment's state of the whole store, checked with SQLite's integrity check. The backup is usable only with the master key (DATA/master.key, or SESAME_MASTER_KEY): the secrets in it (access keys, SMTP credentials, DKIM keys) are sealed with that key. Keep the key apart from the backups.
            A PostgreSQL store is backed up with pg_dump: see the README's "Backups" section.

            Example:
              sesame backup --data-dir /var/lib/sesame --to /backups/sesame-$(date +%F).sqlite
            """)
    @Option(help: ArgumentHelp("The new backup file (never overwritten).", valueName: "file")) var to: String
    @OptionGroup var store: StoreOptions

    func run() async throws {
        let configuration = store.configuration
        do {
            let bytes = try Backups.backup(configuration, to: to)
            print("Backed up \(configuration.sqlitePath) to \(to) (\(StoreCommand.Stats.size(bytes))).")
            print(
                "To use it you need the master key too: \(configuration.masterKeyPath) (or SESAME_MASTER_KEY). Keep it safe, apart from the backup."
            )
        } catch {
            throw ValidationError("\(error)")
        }
    }
}

/// `sesame restore --from FILE`.
struct RestoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore",
        abstract: "Put a backup made by `sesame backup` in place as a data directory's store.",
        discussion: """
            Sesame must not be running on the data directory, and its sesame.sqlite files must be moved away first: restore never overwrites a store. Then put the master key of the node that made the backup at DATA/master.key (or set SESAME_MASTER_KEY) and start Sesame; without that key Sesame refuses to start and says so.

            Example:
              sesame restore --data-dir /var/lib/sesame --from /backups/sesame-2026-11-29.sqlite
            """)
    @Option(help: ArgumentHelp("The backup file.", valueName: "file")) var from: String
    @OptionGroup var store: StoreOptions

    func run() async throws {
        let configuration = store.configuration
        do {
            try Backups.restore(configuration, from: from)
        } catch {
            throw ValidationError("\(error)")
        }
        print("Restored \(from) to \(configuration.sqlitePath).")
        if !FileManager.default.fileExists(atPath: configuration.masterKeyPath) && Environment.value("SESAME_MASTER_KEY") == nil {
            print("Now put the master key of the node that made the backup at \(configuration.masterKeyPath) (or set SESAME_MASTER_KEY).")
        }
    }
}
