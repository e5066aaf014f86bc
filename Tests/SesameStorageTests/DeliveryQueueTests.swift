import Foundation
import SesameCore
import SesameStorage
import Testing

/// The delivery queue's claims, leases and outcomes, on both engines.
@Suite struct DeliveryQueueTests {
    let start = Date(timeIntervalSince1970: 1_800_000_000)

    func message(_ n: Int, recipients: [String]) -> StoredMessage {
        var message = StoredMessage(
            id: "m\(n)", region: "us-east-1", source: "a@example.com", destinations: recipients, subject: "s",
            raw: Array("Subject: s\r\n\r\nhi\r\n".utf8),
            principalARN: "arn:aws:iam::123456789012:root", via: .smtp, createdAt: start)
        message.deliveries = recipients.map {
            QueuedRecipient(
                messageID: "m\(n)", recipient: $0, region: "us-east-1", state: .queued, queuedAt: start, nextAttemptAt: start,
                updatedAt: start,
                size: 18)
        }
        return message
    }

    @Test(arguments: Engine.allCases)
    func claimsLeasesAndOutcomes(_ engine: Engine) async throws {
        let fixture = try await StoreFixture.make(engine)
        defer { Task { await fixture.cleanup() } }
        let store = fixture.store
        let messages = [message(1, recipients: ["b@x.test", "c@x.test"]), message(2, recipients: ["d@y.test"])]
        try await store.write { try await $0.insertMessages(messages) }
        let now = start.addingTimeInterval(1)
        func complete(_ row: QueuedRecipient, _ owner: String) async throws -> Bool {
            try await store.write { try await $0.completeDeliveries([row], owner: owner) } == [row.key]
        }

        let first = try await store.write {
            try await $0.claimDeliveries(owner: "A", now: now, leaseUntil: now.addingTimeInterval(60), limit: 2)
        }
        #expect(first.map(\.recipient) == ["b@x.test", "c@x.test"])
        #expect(first.allSatisfy { $0.attempts == 1 })
        let second = try await store.write {
            try await $0.claimDeliveries(owner: "B", now: now, leaseUntil: now.addingTimeInterval(60), limit: 10)
        }
        #expect(second.map(\.recipient) == ["d@y.test"])
        #expect(
            try await store.write { try await $0.claimDeliveries(owner: "B", now: now, leaseUntil: now.addingTimeInterval(60), limit: 10) }
                .isEmpty)

        // A delivered; B's owner is wrong for A's row.
        var done = first[0]
        done.state = .delivered
        done.lastReply = "250 ok"
        #expect(try await complete(done, "B") == false)
        #expect(try await complete(done, "A") == true)

        // A dies holding c@x.test (and B sat on d@y.test): once the leases run out, both are
        // due again, each on its second attempt.
        let later = now.addingTimeInterval(61)
        let takeover = try await store.write {
            try await $0.claimDeliveries(owner: "B", now: later, leaseUntil: later.addingTimeInterval(60), limit: 10)
        }
        #expect(takeover.map(\.recipient) == ["c@x.test", "d@y.test"] && takeover.allSatisfy { $0.attempts == 2 })
        var stale = first[1]
        stale.state = .bounced
        #expect(try await complete(stale, "A") == false)

        // A deferral: not due until its next attempt, unless retried.
        var deferred = takeover[0]
        deferred.nextAttemptAt = later.addingTimeInterval(3600)
        deferred.lastReply = "451 later"
        #expect(try await complete(deferred, "B"))
        #expect(
            try await store.write {
                try await $0.claimDeliveries(owner: "B", now: later, leaseUntil: later.addingTimeInterval(60), limit: 10)
            }.isEmpty)
        #expect(try await store.write { try await $0.retryDeliveries(messageID: "m1", now: later) } == 1)
        let retried = try await store.write {
            try await $0.claimDeliveries(owner: "B", now: later, leaseUntil: later.addingTimeInterval(60), limit: 10)
        }
        #expect(retried.map(\.recipient) == ["c@x.test"] && retried[0].attempts == 3 && retried[0].lastReply == "451 later")

        let counts = try await store.read { try await $0.queueCounts() }
        #expect(counts[.delivered] == 1 && counts[.queued] == 2)
        // Deleting takes queued rows out, leased or not (a leased one's outcome is then dropped).
        #expect(try await store.write { try await $0.deleteDeliveries(messageID: "m2") } == 1)
        #expect(try await complete(takeover[1], "B") == false)
        let rows = try await store.read { try await $0.queueEntries(messageID: "m1", state: nil, limit: 10) }
        #expect(rows.map(\.state) == [.delivered, .queued])
        #expect(rows.allSatisfy { $0.size == 18 })
        #expect(try await store.read { try await $0.messages(ids: ["m2", "m1", "none"]) }.map(\.id).sorted() == ["m1", "m2"])

        let event = DeliveryEvent(
            id: "e1", messageID: "m1", region: "us-east-1", kind: .bounce, recipients: ["c@x.test"], type: "Permanent", subType: "General",
            detail: "550 no", reportingMTA: "dns; x.test", createdAt: later)
        try await store.write { try await $0.insertEvents([event]) }
        #expect(try await store.read { try await $0.events(messageID: "m1", limit: 10) } == [event])
    }

    /// Many workers claiming at once never get the same recipient (PostgreSQL: SKIP LOCKED).
    @Test(arguments: Engine.allCases)
    func concurrentClaimsNeverOverlap(_ engine: Engine) async throws {
        let fixture = try await StoreFixture.make(engine)
        defer { Task { await fixture.cleanup() } }
        let store = fixture.store
        let messages = (0..<300).map { message($0, recipients: ["r\($0)@x.test"]) }
        try await store.write { try await $0.insertMessages(messages) }
        let now = start.addingTimeInterval(1)
        let claimed = try await withThrowingTaskGroup(of: [String].self) { group in
            for worker in 0..<8 {
                group.addTask {
                    var mine: [String] = []
                    while true {
                        let rows = try await store.write {
                            try await $0.claimDeliveries(owner: "w\(worker)", now: now, leaseUntil: now.addingTimeInterval(60), limit: 7)
                        }
                        if rows.isEmpty { return mine }
                        mine += rows.map(\.messageID)
                    }
                }
            }
            var all: [String] = []
            for try await part in group { all += part }
            return all
        }
        #expect(claimed.count == 300)
        #expect(Set(claimed).count == 300)
    }

    /// Event destinations of every type round-trip, count what they could not deliver, and
    /// open/click events keep their link tags.
    @Test(arguments: Engine.allCases)
    func eventDestinationTargetsAndEngagementEvents(_ engine: Engine) async throws {
        let fixture = try await StoreFixture.make(engine)
        defer { Task { await fixture.cleanup() } }
        let store = fixture.store
        let targets: [EventDestinationTarget] = [
            .sns(topicARN: "arn:aws:sns:us-east-1:123456789012:t"),
            .cloudWatch(dimensions: [CloudWatchDimension(name: "d", valueSource: "messageTag", defaultValue: "x")]),
            .kinesisFirehose(deliveryStreamARN: "arn:s", iamRoleARN: "arn:r"), .eventBridge(eventBusARN: "arn:b"),
            .pinpoint(applicationARN: nil),
        ]
        try await store.write { session in
            for (index, target) in targets.enumerated() {
                try await session.putEventDestination(
                    EventDestination(
                        region: "us-east-1", configurationSet: "set", name: "d\(index)", enabled: true, eventTypes: ["send", "open"],
                        target: target))
            }
            try await session.countUndeliveredEvent(region: "us-east-1", configurationSet: "set", name: "d1")
            try await session.countUndeliveredEvent(region: "us-east-1", configurationSet: "set", name: "d1")
        }
        let read = try await store.read { try await $0.eventDestinations(region: "us-east-1", configurationSet: "set") }
        #expect(read.map(\.target) == targets)
        #expect(read.map(\.undelivered) == [0, 2, 0, 0, 0])
        #expect(try await store.read { try await $0.allEventDestinations(region: "us-east-1") }.count == 5)

        try await store.write { try await $0.insertMessages([message(9, recipients: ["b@x.test"])]) }
        var click = DeliveryEvent(
            id: "e1", messageID: "m9", region: "us-east-1", kind: .click, recipients: ["b@x.test"], type: "127.0.0.1", subType: "UA",
            detail: "https://a.example/", createdAt: start)
        click.tags = ["campaign": ["spring", "sale"]]
        let failure = DeliveryEvent(
            id: "e2", messageID: "m9", region: "us-east-1", kind: .renderingFailure, recipients: ["b@x.test"], type: "t", detail: "bad",
            createdAt: start.addingTimeInterval(1))
        let recorded = [click, failure]
        try await store.write { try await $0.insertEvents(recorded) }
        let events = try await store.read { try await $0.events(messageID: "m9", limit: 10) }
        #expect(events == recorded)
    }
}
