import Foundation
import SesameBackend
import SesameCore
import SesameStorage
import Testing

/// Received mail's processing state behaves the same on both engines: one node at a time holds
/// a message, a lease runs out, a retry waits until it is due, and progress is kept.
@Suite struct ReceivedMessageConformanceTests {
    @Test(arguments: Engine.allCases)
    func claimsLeasesAndProgress(_ engine: Engine) async throws {
        try await StoreFixture.withIAM(engine) { _, _, store in
            let start = Date(timeIntervalSince1970: 1_800_000_000)
            var message = ReceivedMessage(
                id: "m1", region: "us-east-1", ruleSet: "inbound", mailFrom: "a@remote.test", recipients: ["s@example.com"],
                raw: Array("Subject: x\r\n\r\ny\r\n".utf8), remoteAddress: "127.0.0.1", tls: true, receivedAt: start)
            message.helo = "mail.remote.test"
            let inserted = message
            try await store.transaction { try await $0.insertReceivedMessages([inserted]) }

            let claimed = try await store.transaction {
                try await $0.claimReceivedMessages(owner: "a", now: start, leaseUntil: start.addingTimeInterval(60), limit: 8).first
            }
            #expect(claimed?.id == "m1" && claimed?.helo == "mail.remote.test" && claimed?.nextStep == 0)
            // Held by a: nobody else gets it until the lease runs out.
            let early = try await store.transaction {
                try await $0.claimReceivedMessages(
                    owner: "b", now: start.addingTimeInterval(30), leaseUntil: start.addingTimeInterval(90), limit: 8
                ).first
            }
            #expect(early == nil)
            let lease = try await store.transaction { try await $0.receivedMessageLease(id: "m1") }
            #expect(lease?.owner == "a" && lease?.nextStep == 0)

            // a does a step, then schedules a retry and lets go.
            var progressed = try #require(claimed)
            progressed.verdicts = ReceiptVerdicts(spam: "PASS", virus: "PASS", spf: "PASS", dkim: "GRAY", dmarc: "GRAY")
            progressed.steps = [
                ReceiptStep(rule: "r", recipients: ["s@example.com"], action: .addHeader(name: "X-A", value: "1"), scanEnabled: false)
            ]
            progressed.nextStep = 1
            progressed.attempts = 2
            progressed.outcomes = [ReceiptOutcome(rule: "r", action: "AddHeader", status: "done", detail: "X-A")]
            let saved = progressed
            try await store.transaction {
                try await $0.saveReceivedProcessing(
                    saved, nextAttemptAt: start.addingTimeInterval(100), leaseUntil: Date(timeIntervalSince1970: 0))
            }
            let notDue = try await store.transaction {
                try await $0.claimReceivedMessages(
                    owner: "b", now: start.addingTimeInterval(99), leaseUntil: start.addingTimeInterval(200), limit: 8
                ).first
            }
            #expect(notDue == nil)
            let due = try await store.transaction {
                try await $0.claimReceivedMessages(
                    owner: "b", now: start.addingTimeInterval(100), leaseUntil: start.addingTimeInterval(200), limit: 8
                ).first
            }
            #expect(due?.nextStep == 1 && due?.attempts == 2 && due?.outcomes == saved.outcomes && due?.steps == saved.steps)
            #expect(due?.verdicts == saved.verdicts)

            // Done: processed messages are never claimed again.
            var finished = try #require(due)
            finished.state = .processed
            let done = finished
            try await store.transaction {
                try await $0.saveReceivedProcessing(done, nextAttemptAt: start, leaseUntil: Date(timeIntervalSince1970: 0))
            }
            let again = try await store.transaction {
                try await $0.claimReceivedMessages(
                    owner: "c", now: start.addingTimeInterval(1000), leaseUntil: start.addingTimeInterval(1060), limit: 8)
            }
            #expect(again.isEmpty)

            // Several due messages are taken in one claim, oldest first, up to the limit.
            let more = (2...4).map {
                ReceivedMessage(
                    id: "m\($0)", region: "us-east-1", ruleSet: "inbound", mailFrom: "", recipients: ["s@example.com"], raw: [],
                    remoteAddress: "127.0.0.1", tls: false, receivedAt: start.addingTimeInterval(Double($0)))
            }
            try await store.transaction { try await $0.insertReceivedMessages(more) }
            let batch = try await store.transaction {
                try await $0.claimReceivedMessages(
                    owner: "d", now: start.addingTimeInterval(2000), leaseUntil: start.addingTimeInterval(2060), limit: 2)
            }
            #expect(batch.map(\.id) == ["m2", "m3"])
            let rest = try await store.transaction {
                try await $0.claimReceivedMessages(
                    owner: "e", now: start.addingTimeInterval(2001), leaseUntil: start.addingTimeInterval(2061), limit: 8)
            }
            #expect(rest.map(\.id) == ["m4"])
            let listed = try await store.read { try await $0.receivedMessages(region: "us-east-1", limit: 10) }
            #expect(listed.map(\.id) == ["m4", "m3", "m2", "m1"] && listed.map(\.state) == [.pending, .pending, .pending, .processed])
        }
    }
}
