import Foundation
import SQLKit
import SesameSQLite
import SesameStorage
import Testing

/// A node whose service failed at start shuts its store down from a cancelled task. Every
/// connection must still be closed: SQLiteNIO asserts (and a debug build crashes) when an open
/// connection is released.
@Suite struct SQLiteShutdownTests {
    @Test func shutdownFromACancelledTaskClosesEveryConnectionAfterReadsInFlight() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sesame-shutdown-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let source = try await SQLiteSource.open(path: dir.appendingPathComponent("s.sqlite").path, logger: StoreFixture.logger)
        let started = AsyncStream<Void>.makeStream()
        // A read still running when shutdown begins: shutdown waits for its connection.
        let read = Task {
            try await source.withTransaction(write: false) { db in
                started.continuation.yield()
                try await Task.sleep(for: .milliseconds(200))
                return try await db.raw("SELECT 1 AS one").first(decoding: One.self)?.one
            }
        }
        var iterator = started.stream.makeAsyncIterator()
        await iterator.next()
        let shutdown = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            await source.shutdown()
        }
        await shutdown.value
        #expect(try await read.value == 1)
        // The command line closes the store again after a failed run: a second shutdown returns
        // at once (it used to wait forever for connections the first one had taken).
        let again = Task { await source.shutdown() }
        let timeout = Task {
            try await Task.sleep(for: .seconds(10))
            Issue.record("a second shutdown did not return")
        }
        await again.value
        timeout.cancel()
    }

    struct One: Decodable { let one: Int }
}
