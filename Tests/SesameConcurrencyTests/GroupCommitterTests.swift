import Testing

@testable import SesameConcurrency

@Suite struct GroupCommitterTests {
    struct Refused: Error, Equatable { var item: Int }
    struct Closed: Error {}

    @Test func itemsArrivingDuringACommitShareTheNextAndGetTheirOwnOutcome() async throws {
        let batches = Locked<[[Int]]>([])
        let gate = WakeSignal()
        let committer = GroupCommitter<Int>(maxBatch: 100, closedError: Closed()) { items in
            batches.withLock { $0.append(items) }
            if items == [0] { await gate.wait(timeout: .seconds(5)) }  // holds the first commit open
            return items.map { $0 % 5 == 4 ? Refused(item: $0) : nil }
        }
        try await committer.submit(-1)  // warms up: one batch of its own
        try await withThrowingTaskGroup(of: (Int, Bool).self) { group in
            group.addTask {
                try await committer.submit(0)
                return (0, true)
            }
            while batches.withLock({ $0.count }) < 2 { await Task.yield() }
            for item in 1...20 {
                group.addTask {
                    do {
                        try await committer.submit(item)
                        return (item, true)
                    } catch let error as Refused {
                        #expect(error.item == item)
                        return (item, false)
                    }
                }
            }
            try await Task.sleep(for: .milliseconds(100))
            gate.signal()
            var stored = Set<Int>()
            for try await (item, ok) in group where ok { stored.insert(item) }
            #expect(stored == Set([0] + (1...20).filter { $0 % 5 != 4 }))
        }
        let seen = batches.withLock { $0 }
        #expect(seen.count == 3, "the 20 items that waited were committed together: \(seen)")
        #expect(seen[2].sorted() == Array(1...20))
    }

    @Test func closeWaitsForTheCommitInFlightThenRefuses() async throws {
        let committed = Locked(0)
        let committer = GroupCommitter<Int>(closedError: Closed()) { items in
            try? await Task.sleep(for: .milliseconds(200))
            committed.withLock { $0 += items.count }
            return items.map { _ in nil }
        }
        async let first: Void = committer.submit(1)
        while committer.state.withLock({ !$0.draining }) { await Task.yield() }
        await committer.close()
        #expect(committed.withLock { $0 } == 1, "close returned before the commit in flight finished")
        try await first
        await #expect(throws: Closed.self) { try await committer.submit(2) }
    }
}
