import Crypto
public import Foundation
public import SesameCore
public import SesameStorage

/// `--identity-verification email`: a new email identity stays `Pending` until someone follows
/// the confirmation link Sesame mails to it (captured like any other mail in capture mode).
extension SESBackend {
    static let verificationSender = "no-reply-aws@sesame.localhost"

    static func newToken() -> String {
        SymmetricKey(size: .bits128).withUnsafeBytes { bytes in bytes.map { String(format: "%02x", $0) }.joined() }
    }

    /// The link a person follows to verify `identity`.
    func verificationLink(_ identity: Identity) -> String {
        let query = "region=\(identity.region)&identity=\(Self.formEncode(identity.name))&token=\(identity.verificationToken ?? "")"
        return "\(configuration.verificationBaseURL)/_sesame/verify-identity?\(query)"
    }

    static func formEncode(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? text
    }

    /// Creates (or re-sends) a pending email identity and mails its confirmation link.
    func startEmailVerification(region: String, email: String, caller: Caller) async throws {
        let now = clock.now()
        let identity = try await store.transaction { session -> Identity? in
            if let existing = try await session.identity(region: region, name: email) {
                return existing.status == .success ? nil : existing
            }
            let fresh = Identity(
                region: region, name: email, kind: .emailAddress, status: .pending, verificationToken: Self.newToken(), createdAt: now)
            try await session.putIdentity(fresh)
            return fresh
        }
        guard let identity else { return }
        let id = MessageID.make(at: now)
        let text = """
            Dear Amazon Simple Email Service Customer,

            We have received a request to authorize this email address for use with Amazon SES in region \(region).
            If you requested this verification, please go to the following URL to confirm that you are authorized
            to use this email address:

            \(verificationLink(identity))

            Your request will not be processed unless you confirm the address using this URL.

            If you did NOT request to verify this email address, do not click on the link.
            """
        let raw = MIME.simpleMessage(
            from: EmailAddress(displayName: "Amazon Web Services", address: Self.verificationSender), to: [EmailAddress(address: email)],
            cc: [], replyTo: [], subject: "Amazon Web Services – Email Address Verification Request in region \(region)",
            text: text, html: nil, messageID: id, date: now)
        // Verification mail does not count against the account's quota, as in SES.
        var message = StoredMessage(
            id: id, region: region, source: Self.verificationSender, destinations: [email],
            subject: "Amazon Web Services – Email Address Verification Request in region \(region)", raw: raw,
            principalARN: caller.principal.arn, via: .identityVerification, createdAt: now)
        message.countsTowardQuota = false
        // Delivered like any mail in relay and mx modes (the suppression list does not apply).
        Self.plan(&message, mode: configuration.deliveryMode, suppressed: [])
        try await writer.write(message, dailyLimit: -1)
    }

    /// Follows a confirmation link: true when the token matched and the identity is now verified.
    public func confirmVerification(region: String, identity name: String, token: String) async throws -> Bool {
        let confirmed = try await store.transaction { session -> Bool in
            guard var identity = try await session.identity(region: region, name: name), let expected = identity.verificationToken,
                constantTimeEquals(Array(expected.utf8), Array(token.utf8))
            else { return false }
            if identity.status != .success {
                identity.status = .success
                try await session.putIdentity(identity)
            }
            return true
        }
        if confirmed { sendingState.invalidate(region) }
        return confirmed
    }

    /// What an operator runs (`sesame identities verify`) for a domain whose TXT record is published.
    public static func markVerified(store: any Store, region: String, name: String, kind: Identity.Kind, at date: Date) async throws {
        try await store.transaction { session in
            if var identity = try await session.identity(region: region, name: name) {
                identity.status = .success
                try await session.putIdentity(identity)
            } else {
                try await session.putIdentity(
                    Identity(
                        region: region, name: name, kind: kind, status: .success,
                        verificationToken: kind == .domain ? newToken() : nil, createdAt: date))
            }
        }
    }
}
