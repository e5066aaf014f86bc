import Foundation
import SesameBackend
import Testing

/// Leader-free background work (pruning, DNS checks): one owner holds a job's lease at a time;
/// another takes it when it runs out, or at once when its holder gives it back; on both engines.
@Suite struct BackgroundLeaseTests {
    @Test(arguments: Engine.allCases)
    func oneHolderAtATimeUntilTheLeaseRunsOutOrIsGivenBack(_ engine: Engine) async throws {
        let fixture = try await StoreFixture.make(engine)
        defer { Task { await fixture.cleanup() } }
        let operations = StoreOperations(store: fixture.store)
        let start = Date()

        #expect(try await operations.holdLease(job: "retention", owner: "a", for: 60, now: start))
        #expect(try await !operations.holdLease(job: "retention", owner: "b", for: 60, now: start.addingTimeInterval(1)))
        // Another job's lease is its own.
        #expect(try await operations.holdLease(job: "identity-dns-checks", owner: "b", for: 60, now: start))
        // The holder renews; a lease that ran out goes to whoever asks next.
        #expect(try await operations.holdLease(job: "retention", owner: "a", for: 10, now: start.addingTimeInterval(2)))
        #expect(try await operations.holdLease(job: "retention", owner: "b", for: 60, now: start.addingTimeInterval(13)))
        #expect(try await !operations.holdLease(job: "retention", owner: "a", for: 60, now: start.addingTimeInterval(14)))

        // Only the holder can give a lease back; then the next asker takes it at once.
        try await operations.releaseLease(job: "retention", owner: "a")
        #expect(try await !operations.holdLease(job: "retention", owner: "a", for: 60, now: start.addingTimeInterval(15)))
        try await operations.releaseLease(job: "retention", owner: "b")
        #expect(try await operations.holdLease(job: "retention", owner: "a", for: 60, now: start.addingTimeInterval(16)))
        #expect(try await !operations.holdLease(job: "identity-dns-checks", owner: "a", for: 60, now: start.addingTimeInterval(16)))
    }
}
