import Foundation
import MetricsTestKit
import SesameBackend
import SesameCore
import SesameStorage
import Testing

/// Storing accepted messages: the one-statement path, the quota trigger, and the group-commit
/// writer's quota under concurrency, on both engines.
@Suite struct MessageWriterTests {
    let now = Date()

    func message(_ id: String, recipients: Int, region: String = "us-east-1") -> StoredMessage {
        StoredMessage(
            id: id, region: region, source: "a@example.com", destinations: (0..<recipients).map { "r\($0)@example.net" }, subject: "s",
            raw: Array("Subject: s\r\n\r\nhi\r\n".utf8), principalARN: "arn:aws:iam::123456789012:root", via: .smtp, createdAt: now)
    }

    func sent(_ store: any Store, _ region: String = "us-east-1") async throws -> Int {
        let since = now.addingTimeInterval(-24 * 3600)
        return try await store.read { try await $0.recipientsAccepted(region: region, since: since) }
    }

    @Test(arguments: Engine.allCases)
    func bothWaysInCountRecipientsTowardTheQuota(_ engine: Engine) async throws {
        let fixture = try await StoreFixture.make(engine)
        defer { Task { await fixture.cleanup() } }
        let store = fixture.store
        var exempt = message("m3", recipients: 5)
        exempt.countsTowardQuota = false
        try await store.appendMessages([message("m1", recipients: 2), message("m2", recipients: 1), exempt])
        #expect(try await sent(store) == 3)
        try await store.write {
            try await $0.insertMessages([self.message("m4", recipients: 4), self.message("m5", recipients: 1, region: "eu-west-1")])
        }
        #expect(try await sent(store) == 7)
        #expect(try await sent(store, "eu-west-1") == 1)
        let stored = try await store.read { try await $0.messages(ids: ["m1", "m3", "m4"]) }
        #expect(Set(stored.map(\.id)) == ["m1", "m3", "m4"])
        #expect(stored.first { $0.id == "m1" }?.destinations == ["r0@example.net", "r1@example.net"])

        // Destinations are kept as a JSON array: quotes, backslashes, controls and non-ASCII survive.
        var odd = message("m6", recipients: 0)
        odd.destinations = ["\"q\\\"x\"@example.net", "tab\there\u{1}@example.net", "ünï@exämple.net"]
        try await store.appendMessages([odd])
        #expect(try await store.read { try await $0.messages(ids: ["m6"]) }.first?.destinations == odd.destinations)
    }

    @Test(arguments: Engine.allCases)
    func appendIsAllOrNothing(_ engine: Engine) async throws {
        let fixture = try await StoreFixture.make(engine)
        defer { Task { await fixture.cleanup() } }
        let store = fixture.store
        try await store.appendMessages([message("dup", recipients: 1)])
        // The second row repeats a stored ID: the statement fails, and the first row is not kept.
        await #expect(throws: (any Error).self) {
            try await store.appendMessages([message("new", recipients: 3), message("dup", recipients: 1)])
        }
        #expect(try await store.read { try await $0.messages(ids: ["new"]) }.isEmpty)
        #expect(try await sent(store) == 1)
    }

    @Test(arguments: Engine.allCases)
    func appendedMessagesReadBackFieldForField(_ engine: Engine) async throws {
        let fixture = try await StoreFixture.make(engine)
        defer { Task { await fixture.cleanup() } }
        let store = fixture.store
        // SQLite appends through its own prepared statements, not SQLKit: every column, NULLs,
        // an empty string and 8-bit bytes come back as they went in.
        var full = message("full", recipients: 2)
        full.subject = "Grüße – \u{1F600}"
        full.configurationSet = "set-1"
        full.raw = Array("Subject: x\r\n\r\n".utf8) + (0...255).map { UInt8($0) } + Array(repeating: 0x78, count: 40_000)
        var bare = message("bare", recipients: 1)
        bare.subject = nil
        // The store keeps milliseconds.
        full.createdAt = Timestamp.date(millis: Timestamp.millis(now))
        bare.createdAt = full.createdAt
        var empty = message("empty", recipients: 1)
        empty.subject = ""
        try await store.appendMessages([full, bare, empty])
        let stored = Dictionary(
            uniqueKeysWithValues: try await store.read { try await $0.messages(ids: ["full", "bare", "empty"]) }.map { ($0.id, $0) })
        #expect(stored["full"] == full)
        #expect(stored["bare"]?.subject == nil)
        #expect(stored["empty"]?.subject == "")
        #expect(stored["bare"] == bare)
    }

    @Test(arguments: Engine.allCases)
    func appendsInterleaveWithWriteTransactions(_ engine: Engine) async throws {
        let fixture = try await StoreFixture.make(engine)
        defer { Task { await fixture.cleanup() } }
        let store = fixture.store
        // Appends and ordinary transactions from many tasks at once: each waits its turn for
        // the writer, none fails with a busy database, and every row is stored once.
        try await withThrowingTaskGroup(of: Void.self) { group in
            for n in 0..<40 {
                group.addTask {
                    if n % 2 == 0 {
                        try await store.appendMessages([self.message("a\(n)", recipients: 1), self.message("b\(n)", recipients: 1)])
                    } else {
                        try await store.write { try await $0.insertMessages([self.message("t\(n)", recipients: 2)]) }
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(try await sent(store) == 20 * 2 + 20 * 2)
        let ids = (0..<40).flatMap { $0 % 2 == 0 ? ["a\($0)", "b\($0)"] : ["t\($0)"] }
        #expect(try await store.read { try await $0.messages(ids: ids) }.count == 60)
    }

    @Test(arguments: Engine.allCases)
    func concurrentSendersGetExactlyTheQuota(_ engine: Engine) async throws {
        let fixture = try await StoreFixture.make(engine)
        defer { Task { await fixture.cleanup() } }
        let store = fixture.store
        try await store.appendMessages([message("before", recipients: 10)])
        let writer = MessageWriter(store: store)
        // 60 senders of 1 recipient against a quota of 50, 10 of it used: exactly 40 get through.
        let results = await withTaskGroup(of: Bool.self) { group -> [Bool] in
            for n in 0..<60 {
                group.addTask {
                    do {
                        try await writer.write(self.message("c\(n)", recipients: 1), dailyLimit: 50)
                        return true
                    } catch {
                        // The only refusal expected is the quota's.
                        #expect((error as? SesameError)?.message == "Daily message quota exceeded.")
                        return false
                    }
                }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(results.filter { $0 }.count == 40)
        #expect(try await sent(store) == 50)
        // A later batch that would pass the quota by the writer's bound is checked exactly.
        await #expect(throws: SesameError.self) { try await writer.write(self.message("over", recipients: 1), dailyLimit: 50) }
        try await writer.write(message("raised", recipients: 5), dailyLimit: 55)
        #expect(try await sent(store) == 55)
    }

    /// A message whose rows break a constraint (here, a recipient queued twice, as repeated
    /// recipients once were) fails alone; every other message of its batch is stored. The commit
    /// metrics count the commits that happened: each stored message once, nothing for a failure.
    @Test(arguments: Engine.allCases)
    func oneFailingMessageNeverFailsItsBatch(_ engine: Engine) async throws {
        let fixture = try await StoreFixture.make(engine)
        defer { Task { await fixture.cleanup() } }
        let store = fixture.store
        let metrics = TestMetrics()
        let writer = MessageWriter(store: store, metrics: metrics)
        func queued(_ id: String, _ recipients: [String]) -> StoredMessage {
            var m = message(id, recipients: 0)
            m.destinations = recipients
            m.deliveries = recipients.map {
                QueuedRecipient(
                    messageID: id, recipient: $0, region: "us-east-1", state: .queued, queuedAt: now, nextAttemptAt: now, updatedAt: now)
            }
            return m
        }
        let results = await withTaskGroup(of: (String, Bool).self) { group -> [String: Bool] in
            for n in 0..<40 {
                group.addTask {
                    let bad = n % 10 == 3
                    let m = queued("q\(n)", bad ? ["same@example.net", "same@example.net"] : ["x\(n)@example.net"])
                    do {
                        try await writer.write(m, dailyLimit: -1)
                        return (m.id, true)
                    } catch {
                        return (m.id, false)
                    }
                }
            }
            return await group.reduce(into: [:]) { $0[$1.0] = $1.1 }
        }
        let failed = Set(results.filter { !$0.value }.keys)
        #expect(failed == ["q3", "q13", "q23", "q33"])
        let stored = try await store.read { try await $0.messages(ids: (0..<40).map { "q\($0)" }) }
        #expect(stored.count == 36)
        let sizes = try metrics.expectRecorder("sesame_store_commit_batch_size").values
        #expect(sizes.reduce(0, +) == 36)
        #expect(try metrics.expectTimer("sesame_store_commit_duration_seconds").values.count == sizes.count)
    }

    /// Listing pages: oldest or newest first, each page strictly after the last one's cursor,
    /// with sizes and without content.
    @Test(arguments: Engine.allCases)
    func summariesPageBothWays(_ engine: Engine) async throws {
        let fixture = try await StoreFixture.make(engine)
        defer { Task { await fixture.cleanup() } }
        let store = fixture.store
        var messages: [StoredMessage] = []
        for n in 0..<7 {
            var m = message("p\(n)", recipients: 1)
            // Two share a time: the ID breaks the tie.
            m.createdAt = now.addingTimeInterval(Double(min(n, 5)))
            m.raw = Array(repeating: UInt8(ascii: "x"), count: 300 * (n + 1))
            if n == 2 { m.source = "other@example.com" }
            messages.append(m)
        }
        try await store.appendMessages(messages)
        func all(newest: Bool, source: String? = nil) async throws -> [String] {
            var ids: [String] = []
            var cursor: MessageCursor?
            while true {
                let after = cursor
                let page = try await store.read {
                    try await $0.messageSummaries(filter: MessageFilter(source: source), after: after, newestFirst: newest, limit: 2)
                }
                ids += page.map(\.id)
                guard page.count == 2, let last = page.last else { return ids }
                // The cursor survives a round trip through its URL form.
                cursor = MessageCursor(token: last.cursor.token)
            }
        }
        #expect(try await all(newest: false) == ["p0", "p1", "p2", "p3", "p4", "p5", "p6"])
        #expect(try await all(newest: true) == ["p6", "p5", "p4", "p3", "p2", "p1", "p0"])
        #expect(try await all(newest: false, source: "other@example.com") == ["p2"])
        let first = try await store.read {
            try await $0.messageSummaries(filter: MessageFilter(), after: nil, newestFirst: false, limit: 1)
        }
        #expect(first.first?.size == 300)
        #expect(first.first?.destinations == ["r0@example.net"])
    }
}
