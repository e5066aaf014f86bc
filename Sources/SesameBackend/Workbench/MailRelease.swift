public import SesameCore
import SesameStorage

/// Sends a captured message on to real recipients (the console's and the Mailpit API's
/// "release"): its stored bytes, from its envelope sender, through the relay the operator named.
public protocol MessageReleaser: Sendable {
    func release(from: String, recipients: [String], raw: [UInt8]) async -> [String: DeliveryOutcome]
}

/// The operator's release settings: the relay, and which recipients may be released to.
public struct MailRelease: Sendable {
    public let releaser: any MessageReleaser
    /// Addresses and `@domain`s (or `*`: anyone) that may receive released mail.
    public let allowed: [String]
    /// Where it goes, for people to read (the relay's host and port).
    public let relayName: String

    public init(releaser: any MessageReleaser, allowed: [String], relayName: String) {
        self.releaser = releaser
        self.allowed = allowed.map { $0.lowercased() }
        self.relayName = relayName
    }

    public func allows(_ recipient: String) -> Bool {
        let address = recipient.lowercased()
        guard let at = address.lastIndex(of: "@") else { return false }
        return allowed.contains { $0 == "*" || $0 == address || $0 == String(address[at...]) }
    }
}

extension MailWorkbench {
    /// Whether the operator set up a release relay.
    public var canRelease: Bool { release != nil }

    /// Releases a stored message to `recipients`; throws when release is not set up, a
    /// recipient is not allowed, or the relay did not take the message for every recipient.
    public func release(id: String, to recipients: [String]) async throws {
        guard let release else {
            throw SesameError(
                .invalidParameterValue,
                "Releasing captured mail is off: start Sesame with --release-relay smtp://HOST:PORT (and --release-allow) to turn it on.")
        }
        guard !recipients.isEmpty, recipients.count <= 50 else {
            throw SesameError(.invalidParameterValue, "Name from 1 to 50 recipients to release the message to.")
        }
        for recipient in recipients {
            guard EmailAddress.isValidAddress(recipient) else {
                throw SesameError(.invalidParameterValue, "\(recipient) is not an email address.")
            }
            guard release.allows(recipient) else {
                throw SesameError(
                    .invalidParameterValue,
                    "\(recipient) may not receive released mail: the operator allows \(release.allowed.joined(separator: ", ")) (--release-allow)."
                )
            }
        }
        guard let message = try await store.read({ try await $0.messages(ids: [id]) }).first else {
            throw SesameError(.messageRejected, "No captured message has the ID \(id).")
        }
        let outcomes = await release.releaser.release(from: message.source, recipients: recipients, raw: message.raw)
        let failed = recipients.compactMap { recipient -> String? in
            switch outcomes[recipient] {
            case .delivered: return nil
            case .transient(let reason), .permanent(let reason, _): return "\(recipient): \(reason)"
            case nil: return "\(recipient): no answer"
            }
        }
        guard failed.isEmpty else {
            throw SesameError(
                .messageRejected, "The relay \(release.relayName) did not take the message: \(failed.joined(separator: "; "))")
        }
    }
}
