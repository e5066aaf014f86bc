import Foundation
import SesameBackend
import SesameCore
import SesameStorage
import Testing

/// Received mail is stored with group commit before the client's 250: concurrent sessions share
/// commits, and a message that cannot be stored fails alone, on both engines.
@Suite struct InboundWriterTests {
    @Test(arguments: Engine.allCases)
    func concurrentMessagesAreAllStoredAndOneFaultFailsAlone(_ engine: Engine) async throws {
        let fixture = try await StoreFixture.make(engine)
        defer { Task { await fixture.cleanup() } }
        let store = fixture.store
        let writer = InboundWriter(store: store)
        let now = Date()
        func received(_ id: String, region: String = "us-east-1") -> ReceivedMessage {
            ReceivedMessage(
                id: id, region: region, ruleSet: "rules", mailFrom: "a@example.org", recipients: ["in@example.com"],
                raw: Array("Subject: s\r\n\r\nhi\r\n".utf8), remoteAddress: "192.0.2.1", tls: false, receivedAt: now)
        }
        try await writer.write([received("taken")])
        let outcomes = await withTaskGroup(of: (String, Bool).self) { group -> [String: Bool] in
            for n in 0..<40 {
                group.addTask {
                    // Every tenth repeats an ID already stored: its insert fails.
                    let id = n % 10 == 3 ? "taken" : "r\(n)"
                    // A message for two regions is stored as two copies, both or neither.
                    let copies = n % 7 == 0 ? [received(id), received(id + "-eu", region: "eu-west-1")] : [received(id)]
                    do {
                        try await writer.write(copies)
                        return ("r\(n)", true)
                    } catch {
                        return ("r\(n)", false)
                    }
                }
            }
            return await group.reduce(into: [:]) { $0[$1.0] = $1.1 }
        }
        #expect(Set(outcomes.filter { !$0.value }.keys) == ["r3", "r13", "r23", "r33"])
        let stored = try await store.read { session in
            try await session.receivedMessages(region: "us-east-1", limit: 100) + session.receivedMessages(region: "eu-west-1", limit: 100)
        }
        #expect(stored.count == 1 + 36 + 6)  // "taken", 36 others, and the eu copies of r0, r7 … r35
        #expect(Set(stored.map(\.id)).count == stored.count)
    }
}
