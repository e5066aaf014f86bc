import Foundation
import Metrics
import SesameConcurrency
public import SesameCore
import SesameStorage

/// Mail taken by an inbound (MX) listener: each recipient goes to the region whose active rule
/// set takes it, and the message is stored, once per region, before the client's 250.
extension SESBackend {
    /// Returns the message ID the client is told (the first region's).
    public func receiveInbound(
        mailFrom: String, recipients: [String], raw: [UInt8], remoteAddress: String, tls: Bool, helo: String = ""
    ) async throws -> String {
        let policy = inbound.policy
        var routed: [(region: String, ruleSet: String, recipients: [String])] = []
        for recipient in recipients {
            guard let route = policy.route(recipient) else { continue }
            if let index = routed.firstIndex(where: { $0.region == route.region }) {
                routed[index].recipients.append(recipient)
            } else {
                routed.append((route.region, route.ruleSet.name, [recipient]))
            }
        }
        // The rules changed while the client was sending: nobody left to take it.
        guard !routed.isEmpty else { throw SesameError(.messageRejected, "Requested action not taken: mailbox unavailable") }
        let now = clock.now()
        let messages = routed.map {
            var message = ReceivedMessage(
                id: ReceivedMessage.makeID(), region: $0.region, ruleSet: $0.ruleSet, mailFrom: mailFrom, recipients: $0.recipients,
                raw: raw, remoteAddress: remoteAddress, tls: tls, receivedAt: now)
            message.helo = helo
            return message
        }
        try await inboundWriter.write(messages)
        Counter(label: "sesame_received_messages_total", dimensions: [("state", "accepted")]).increment(by: messages.count)
        inboundArrived.signal()
        return messages[0].id
    }

    /// A region's received messages, newest first (for inspection and the console).
    public func receivedMessages(region: String, limit: Int) async throws -> [ReceivedMessage] {
        try await store.read { try await $0.receivedMessages(region: region, limit: limit) }
    }

    /// The same for a signed-in console user: whoever may describe the region's rule sets sees
    /// the mail they took.
    public func receivedMessages(_ caller: Caller, region: String, limit: Int) async throws -> [ReceivedMessage] {
        try authorize(caller, "ses:ListReceiptRuleSets", "*")
        return try await receivedMessages(region: region, limit: limit)
    }
}
