import Foundation
import SQLKit
import SesameCore
import SesameSQLite
import SesameStorage
import Testing

/// SQLite's append path: its own prepared statements on a second handle, whose log writes are
/// gathered into one per commit (WALWriteCoalescingVFS). What it writes must be what SQLite
/// would have written: visible to the other connections at each commit, intact across the log
/// being checkpointed and restarted, and a sound file when opened again.
@Suite struct SQLiteRowWriterTests {
    let now = Date()

    func message(_ id: String, size: Int) -> StoredMessage {
        var raw = Array("Subject: s\r\n\r\n".utf8)
        raw += (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        return StoredMessage(
            id: id, region: "us-east-1", source: "a@example.com", destinations: ["r@example.net"], subject: "s", raw: raw,
            principalARN: "arn:aws:iam::123456789012:root", via: .smtp, createdAt: Timestamp.date(millis: Timestamp.millis(now)))
    }

    func open(_ path: String) async throws -> (SQLStore, SQLiteSource) {
        let source = try await SQLiteSource.open(path: path, logger: StoreFixture.logger)
        let store = SQLStore(source: source, logger: StoreFixture.logger)
        try await store.migrate()
        return (store, source)
    }

    /// A new folder for one test's database: the folder (to remove) and the file's path.
    func databaseFile() throws -> (URL, String) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sesame-rowwriter-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return (dir, dir.appendingPathComponent("sesame.sqlite").path)
    }

    func count(_ store: SQLStore) async throws -> Int {
        try await store.read { try await $0.recipientsAccepted(region: "us-east-1", since: self.now.addingTimeInterval(-3600)) }
    }

    @Test func appendsSurviveCheckpointsLargeBatchesFailuresAndReopening() async throws {
        let (dir, path) = try databaseFile()
        defer { try? FileManager.default.removeItem(at: dir) }
        var (store, source) = try await open(path)

        // 150 commits of 10 messages of 4 KB: about 2,000 log pages, so SQLite checkpoints the
        // log and starts it again from the beginning more than once. A reader (another
        // connection) sees every commit as soon as the append returns.
        var expected = 0
        for batch in 0..<150 {
            try await store.appendMessages((0..<10).map { message("b\(batch)-\($0)", size: 4096) })
            expected += 10
            if batch % 15 == 0 { #expect(try await count(store) == expected) }
        }
        #expect(try await count(store) == expected)

        // One transaction larger than the 256 KiB the VFS holds back: written out part-way.
        try await store.appendMessages((0..<300).map { message("big-\($0)", size: 4096) })
        expected += 300
        #expect(try await count(store) == expected)

        // A batch that fails on its last row leaves nothing behind, and the next one commits.
        await #expect(throws: (any Error).self) {
            try await store.appendMessages((0..<40).map { message("fail-\($0)", size: 4096) } + [message("b0-0", size: 10)])
        }
        try await store.appendMessages([message("after", size: 100)])
        expected += 1
        #expect(try await count(store) == expected)
        #expect(try await store.read { try await $0.messages(ids: ["fail-0", "fail-39"]) }.isEmpty)

        // Opened again: every row is there, its bytes intact, and SQLite finds the file sound.
        await store.shutdown()
        (store, source) = try await open(path)
        #expect(try await count(store) == expected)
        let sample = try await store.read { try await $0.messages(ids: ["b0-0", "b149-9", "big-299", "after"]) }
        #expect(Set(sample.map(\.id)) == ["b0-0", "b149-9", "big-299", "after"])
        #expect(sample.first { $0.id == "big-299" } == message("big-299", size: 4096))
        let check = try await source.withTransaction(write: false) { db in
            try await db.raw("PRAGMA integrity_check").all().map { try $0.decode(column: "integrity_check", as: String.self) }
        }
        #expect(check == ["ok"])
        await store.shutdown()
    }

    @Test func aFailedBatchThatSpilledLeavesNothingToOverwriteOthersCommits() async throws {
        let (dir, path) = try databaseFile()
        defer { try? FileManager.default.removeItem(at: dir) }
        var (store, source) = try await open(path)
        // The writer connection does not checkpoint here, so what it commits stays in the log.
        _ = try await source.withTransaction(write: true) { db in try await db.raw("PRAGMA wal_autocheckpoint = 0").all() }
        for round in 0..<2 {
            // 3.4 MB in one batch overflows SQLite's 2 MB page cache, so frames reach the log
            // before the duplicate ID on the last row fails the batch and it is rolled back.
            await #expect(throws: (any Error).self) {
                try await store.appendMessages(
                    (0..<25).map { message("spill-\(round)-\($0)", size: 100_000) } + [message("spill-\(round)-0", size: 10)])
            }
            // Another connection commits over where those frames were (more than they were, less
            // than a checkpoint's worth); then the row writer writes again.
            try await store.write { try await $0.insertMessages([self.message("other-\(round)", size: 2_500_000)]) }
            try await store.appendMessages([message("next-\(round)", size: 50_000)])
        }
        await store.shutdown()
        (store, source) = try await open(path)
        let ids = (0..<2).flatMap { ["other-\($0)", "next-\($0)"] }
        let stored = try await store.read { try await $0.messages(ids: ids + ["spill-0-0"]) }
        #expect(Set(stored.map(\.id)) == Set(ids))
        #expect(stored.first { $0.id == "other-0" } == message("other-0", size: 2_500_000))
        let check = try await source.withTransaction(write: false) { db in
            try await db.raw("PRAGMA integrity_check").all().map { try $0.decode(column: "integrity_check", as: String.self) }
        }
        #expect(check == ["ok"])
        await store.shutdown()
    }
}
