import Foundation
public import SesameCore
import SesameStorage

/// SES v2's list management: a send with `ListManagementOptions` skips contacts who opted out of
/// its topic (or of everything) and carries `List-Unsubscribe` and `List-Unsubscribe-Post`
/// (RFC 8058) headers whose link Sesame serves: one click (a POST) opts the person out.
extension SESBackend {
    /// Who an unsubscribe link is for. Sealed with the node's master key into the link's token.
    public struct UnsubscribeTarget: Sendable, Codable, Equatable {
        public var region: String
        public var list: String
        public var topic: String?
        public var email: String
    }

    static let unsubscribeContext = "sesame.unsubscribe"

    /// The recipients a send through `list` (and `topic`) may reach: contacts who opted out are
    /// left out; addresses that are not contacts are kept (they never chose).
    public func listManagedRecipients(
        _ caller: Caller, region: String, list name: String, topic: String?, recipients: [String]
    ) async throws -> [String] {
        let list = try await contactList(caller, region: region, name: name, action: "ses:SendEmail")
        let topicModel = try topic.map { topicName in
            guard let found = list.topics.first(where: { $0.name == topicName }) else {
                throw SesameError(.notFound, "Topic \(topicName) does not exist in list \(name).")
            }
            return found
        }
        // The recipients' contacts, read in one transaction.
        let contacts = try await store.read { session -> [String: Contact] in
            var found: [String: Contact] = [:]
            for recipient in recipients {
                let address = (EmailAddress.parse(recipient)?.address ?? recipient).lowercased()
                if let contact = try await session.contact(region: region, list: name, email: address) { found[address] = contact }
            }
            return found
        }
        return recipients.filter { recipient in
            guard let contact = contacts[(EmailAddress.parse(recipient)?.address ?? recipient).lowercased()] else { return true }
            if contact.unsubscribeAll { return false }
            if let topicModel, contact.status(of: topicModel) == "OPT_OUT" { return false }
            return true
        }
    }

    /// The link a recipient follows (or posts to) to opt out.
    public func unsubscribeLink(region: String, list: String, topic: String?, email: String) throws -> String {
        guard let secrets else { throw SesameError(.internalFailure, "Unsubscribe links need the master key.") }
        let target = UnsubscribeTarget(region: region, list: list, topic: topic, email: email.lowercased())
        let sealed = try secrets.seal(String(decoding: try JSONEncoder().encode(target), as: UTF8.self), boundTo: Self.unsubscribeContext)
        return "\(configuration.verificationBaseURL)/_sesame/unsubscribe?t=\(Self.formEncode(sealed))"
    }

    /// Opens a link's token; nil for one Sesame did not make.
    public func unsubscribeTarget(token: String) -> UnsubscribeTarget? {
        guard let secrets, let plain = try? secrets.open(token, boundTo: Self.unsubscribeContext) else { return nil }
        return try? JSONDecoder().decode(UnsubscribeTarget.self, from: Data(plain.utf8))
    }

    /// Opts the link's person out of its topic (or of every topic when the send named none).
    /// Someone who is not a contact yet becomes one, opted out.
    public func unsubscribe(_ target: UnsubscribeTarget) async throws {
        let now = clock.now()
        try await store.transaction { session in
            guard let list = try await session.contactLists(region: target.region).first(where: { $0.name == target.list }) else {
                throw Self.listMissing(target.list)
            }
            var contact =
                try await session.contact(region: target.region, list: list.name, email: target.email)
                ?? Contact(email: target.email, preferences: [:], unsubscribeAll: false, attributes: nil, createdAt: now, updatedAt: now)
            if let topic = target.topic, list.topics.contains(where: { $0.name == topic }) {
                contact.preferences[topic] = "OPT_OUT"
            } else {
                contact.unsubscribeAll = true
            }
            contact.updatedAt = now
            try await session.putContact(region: target.region, list: list.name, contact)
        }
    }
}
