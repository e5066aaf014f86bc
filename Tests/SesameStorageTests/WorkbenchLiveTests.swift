import Foundation
import Logging
import ServiceLifecycle
import SesameBackend
import SesameCore
import SesameDelivery
import SesamePostgres
import SesameStorage
import Testing

/// The background indexer while mail keeps coming: nothing is indexed for nobody, and a live view
/// still hears of new mail, on both engines.
@Suite struct WorkbenchLiveTests {
    @Test(arguments: Engine.allCases)
    func liveViewsHearOfMailWhileItKeepsComing(_ engine: Engine) async throws {
        let fixture = try await StoreFixture.make(engine)
        defer { Task { await fixture.cleanup() } }
        let store = fixture.store
        let workbench = MailWorkbench(store: store)
        let logger = Logger(label: "test")
        // The writer is never idle here: mail "keeps coming" the whole test.
        let service = MailIndexService(workbench: workbench, busy: { true }, busyInterval: .milliseconds(200), logger: logger)
        let group = ServiceGroup(services: [service], logger: logger)
        let running = Task { try await group.run() }
        func message(_ id: String) -> StoredMessage {
            WorkbenchConformanceTests.message(id, seconds: 0, from: "a@example.com", to: "b@example.net", subject: id, body: "x")
        }
        func waiting() async throws -> Int { try await store.read { try await $0.mailAwaitingIndex(limit: 10) }.count }

        // Nobody watching: the burst is left for later (a search would index it first).
        try await store.appendMessages([message("unwatched")])
        try await Task.sleep(for: .milliseconds(700))
        #expect(try await waiting() == 1)

        // A live view: it hears of mail within about a second all the same.
        let feed = workbench.feed()
        try await Task.sleep(for: .milliseconds(50))
        try await store.appendMessages([message("watched")])
        let heard = await Self.subjects(from: feed, count: 2, within: .seconds(5)).value
        #expect(Set(heard) == ["unwatched", "watched"])
        #expect(try await waiting() == 0)
        await group.triggerGracefulShutdown()
        try await running.value
    }

    /// Several nodes on one PostgreSQL: a node's live view hears of mail another node indexed
    /// (the indexing commit's NOTIFY), and of mail its own node indexed, once.
    @Test func liveViewsHearOfMailIndexedByAnotherNode() async throws {
        let fixture = try await StoreFixture.make(.postgres)
        defer { Task { await fixture.cleanup() } }
        let logger = Logger(label: "test")
        let otherStore = SQLStore(
            source: try PostgresSource(url: try #require(fixture.databaseURL), maxConnections: 2, logger: StoreFixture.logger),
            logger: StoreFixture.logger)
        let here = MailWorkbench(store: fixture.store), there = MailWorkbench(store: otherStore)
        #expect(here.needsFollowing)
        // This node never indexes on its own here ("busy" for an hour): what its view hears of
        // mail the other node indexed came through the store.
        let service = MailIndexService(workbench: here, busy: { true }, busyInterval: .seconds(3600), logger: logger)
        let group = ServiceGroup(services: [service], logger: logger)
        let running = Task { try await group.run() }
        func message(_ id: String) -> StoredMessage {
            WorkbenchConformanceTests.message(id, seconds: 0, from: "a@example.com", to: "b@example.net", subject: id, body: "x")
        }
        let feed = here.feed()
        let listening = Self.subjects(from: feed, count: 3, within: .seconds(10))
        try await Task.sleep(for: .milliseconds(300))  // the service starts listening

        try await otherStore.appendMessages([message("there-1"), message("there-2")])
        #expect(try await there.catchUp().count == 2)
        try await fixture.store.appendMessages([message("here")])
        #expect(try await here.catchUp().count == 1)
        let heard = await listening.value
        #expect(heard == ["there-1", "there-2", "here"])

        await group.triggerGracefulShutdown()
        try await running.value
        await otherStore.shutdown()
    }

    /// The subjects a feed yields, until `count` came or `limit` passed.
    static func subjects(from feed: AsyncStream<MailSummary>, count: Int, within limit: Duration) -> Task<[String], Never> {
        let listening = Task {
            var heard: [String] = []
            for await summary in feed {
                heard.append(summary.subject)
                if heard.count == count { break }
            }
            return heard
        }
        Task {
            try await Task.sleep(for: limit)
            listening.cancel()
        }
        return listening
    }
}
