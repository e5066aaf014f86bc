public import Foundation

/// A verified (or pending) sending identity: an email address or a domain, in one region.
public struct Identity: Sendable, Equatable {
    public enum Kind: String, Sendable { case emailAddress = "EmailAddress", domain = "Domain" }
    public enum Status: String, Sendable { case pending = "Pending", success = "Success", failed = "Failed" }

    public var region: String
    public var name: String
    public var kind: Kind
    public var status: Status
    /// The domain's TXT record value (`_amazonses.DOMAIN`), or nil for an email address.
    public var verificationToken: String?
    public var createdAt: Date
    /// Easy DKIM tokens (`VerifyDomainDkim`), or the one selector of a key brought by its owner:
    /// the selectors the DKIM key is published under (`SELECTOR._domainkey.DOMAIN` TXT). Empty
    /// until DKIM is set up.
    public var dkimTokens: [String] = []
    /// The domain's DKIM signing key, where the backend loaded it (not stored with the identity).
    public var dkimKey: DkimSigningKey?
    /// MAIL FROM, default configuration set and tags.
    public var settings = IdentitySettings()
    /// Where the DNS checks stand (`--identity-verification dns`); nil when not checked in DNS.
    public var dns: DNSVerificationState?

    public init(
        region: String, name: String, kind: Kind, status: Status, verificationToken: String?, createdAt: Date, dkimTokens: [String] = []
    ) {
        self.region = region
        self.name = name
        self.kind = kind
        self.status = status
        self.verificationToken = verificationToken
        self.createdAt = createdAt
        self.dkimTokens = dkimTokens
    }

    /// The DKIM verification status: not started without tokens, what DNS showed when checked
    /// there, else the identity's status.
    public var dkimStatus: DKIMStatus {
        guard !dkimTokens.isEmpty else { return .notStarted }
        if let dns { return dns.dkim }
        switch status {
        case .pending: return .pending
        case .success: return .success
        case .failed: return .failed
        }
    }

    /// The verification status SES reports (`Pending`, `Success`, `Failed`, `TemporaryFailure`).
    public var reportedStatus: DKIMStatus {
        if kind == .domain, let dns { return dns.verification }
        switch status {
        case .pending: return .pending
        case .success: return .success
        case .failed: return .failed
        }
    }

    public func arn(account: String) -> String { ARN.sesIdentity(region: region, account: account, identity: name) }
}

/// An identity's DKIM status as the two APIs spell it: SES v1 `Success`, SES v2 `SUCCESS`.
public enum DKIMStatus: String, Sendable, CaseIterable {
    case notStarted = "NotStarted", pending = "Pending", success = "Success", failed = "Failed", temporaryFailure = "TemporaryFailure"

    /// SES v1's `DkimVerificationStatus`.
    public var v1: String { rawValue }
    /// SES v2's `DkimStatus` (`NOT_STARTED`, `TEMPORARY_FAILURE`).
    public var v2: String {
        rawValue.reduce(into: "") { out, c in out += c.isUppercase && !out.isEmpty ? "_\(c)" : c.uppercased() }
    }
}

/// How a message came in: the API operation or SMTP, or Sesame itself (verification and
/// feedback mail). Stored with the message; events tag it as `ses:operation`.
public enum MessageOrigin: String, Sendable, CaseIterable {
    case sendEmail = "SendEmail"
    case sendRawEmail = "SendRawEmail"
    case sendTemplatedEmail = "SendTemplatedEmail"
    case sendEmailV2Raw = "SendEmail (v2, Raw)"
    case smtp = "SMTP"
    case identityVerification = "IdentityVerification"
    case feedback = "Feedback"
    case sendBounce = "SendBounce"
    /// A receipt rule's Bounce action (or a bounce of received mail Sesame decided on).
    case receiptBounce = "ReceiptRule"
    /// SNS's email and email-json subscriptions (confirmations and notifications).
    case snsNotification = "SNS"

    /// Reports (DSNs) travel with the null envelope sender and never cause reports themselves.
    public var isReport: Bool { self == .feedback || self == .sendBounce || self == .receiptBounce }

    /// The `ses:operation` tag SES puts on the message's events.
    public var operationTag: String {
        switch self {
        case .smtp: "SendSmtpEmail"
        case .sendEmailV2Raw: "SendEmail"
        case .sendEmail, .sendRawEmail, .sendTemplatedEmail, .identityVerification, .feedback, .sendBounce, .receiptBounce,
            .snsNotification:
            rawValue
        }
    }
}

/// A message Sesame accepted: stored durably before its ID is returned.
public struct StoredMessage: Sendable, Equatable {
    public var id: String
    public var region: String
    /// The envelope sender (`Source`).
    public var source: String
    /// Envelope recipients.
    public var destinations: [String]
    public var subject: String?
    /// The MIME message exactly as it will be delivered.
    public var raw: [UInt8]
    /// ARN of the IAM principal that sent it.
    public var principalARN: String
    /// The operation or SMTP.
    public var via: MessageOrigin
    public var createdAt: Date
    /// Whether its recipients count toward the sending quota and statistics (verification mail does not).
    public var countsTowardQuota: Bool = true
    /// Queue rows written with the message, in the same commit (recipients to deliver, or
    /// already bounced because they are suppressed).
    public var deliveries: [QueuedRecipient] = []
    /// Events written with the message (a suppressed recipient's bounce).
    public var events: [DeliveryEvent] = []
    /// The configuration set it was sent with (its event destinations get its events).
    public var configurationSet: String?

    public init(
        id: String, region: String, source: String, destinations: [String], subject: String?, raw: [UInt8],
        principalARN: String, via: MessageOrigin, createdAt: Date
    ) {
        self.id = id
        self.region = region
        self.source = source
        self.destinations = destinations
        self.subject = subject
        self.raw = raw
        self.principalARN = principalARN
        self.via = via
        self.createdAt = createdAt
    }
}

/// A domain's DKIM signing key: made by Sesame for Easy DKIM (`AWS_SES`) or brought by the
/// owner (`EXTERNAL`, sesv2 PutEmailIdentityDkimSigningAttributes).
public struct DkimSigningKey: Sendable, Equatable {
    public var region: String
    public var domain: String
    /// `AWS_SES` or `EXTERNAL`.
    public var origin: String
    /// The selectors the public key is published under; mail is signed with the first.
    public var selectors: [String]
    /// The private key (DER), sealed with the master key.
    public var sealedPrivateKey: String
    /// The public key as DNS publishes it: base64 of its DER SubjectPublicKeyInfo.
    public var publicKey: String
    public var keyBits: Int
    public var signingEnabled: Bool
    public var createdAt: Date

    public init(
        region: String, domain: String, origin: String, selectors: [String], sealedPrivateKey: String, publicKey: String, keyBits: Int,
        signingEnabled: Bool, createdAt: Date
    ) {
        self.region = region
        self.domain = domain
        self.origin = origin
        self.selectors = selectors
        self.sealedPrivateKey = sealedPrivateKey
        self.publicKey = publicKey
        self.keyBits = keyBits
        self.signingEnabled = signingEnabled
        self.createdAt = createdAt
    }

    /// The TXT records to publish: `SELECTOR._domainkey.DOMAIN` → `v=DKIM1; k=rsa; p=…`.
    public var dnsRecords: [(name: String, value: String)] {
        selectors.map { ("\($0)._domainkey.\(domain)", "v=DKIM1; k=rsa; p=\(publicKey)") }
    }
}

/// Which stored messages a listing shows: every given condition holds.
public struct MessageFilter: Sendable, Equatable {
    /// The envelope sender, exactly.
    public var source: String?
    /// One of the envelope recipients, ignoring case.
    public var recipient: String?
    /// Text the subject contains, ignoring case.
    public var subject: String?
    /// Stored at or after this instant.
    public var since: Date?

    public init(source: String? = nil, recipient: String? = nil, subject: String? = nil, since: Date? = nil) {
        self.source = source
        self.recipient = recipient
        self.subject = subject
        self.since = since
    }
}

/// A stored message without its content: what a listing shows, and the size of what it would
/// take to load the message whole.
public struct MessageSummary: Sendable, Equatable {
    public var id: String
    public var region: String
    public var source: String
    public var destinations: [String]
    public var subject: String?
    public var principalARN: String
    public var via: MessageOrigin
    public var createdAt: Date
    /// The raw message's size in bytes (close to it: computed from the stored encoding).
    public var size: Int

    public init(
        id: String, region: String, source: String, destinations: [String], subject: String?, principalARN: String, via: MessageOrigin,
        createdAt: Date, size: Int
    ) {
        self.id = id
        self.region = region
        self.source = source
        self.destinations = destinations
        self.subject = subject
        self.principalARN = principalARN
        self.via = via
        self.createdAt = createdAt
        self.size = size
    }

    /// Where a listing that ends with this message goes on.
    public var cursor: MessageCursor { MessageCursor(createdAt: createdAt, id: id) }
}

/// A place in the messages' order (time of acceptance, then ID), for reading page by page.
public struct MessageCursor: Sendable, Equatable {
    public var createdAt: Date
    public var id: String

    public init(createdAt: Date, id: String) {
        self.createdAt = createdAt
        self.id = id
    }

    /// `MILLIS-ID`, as it travels in a URL.
    public var token: String { "\(Int64((createdAt.timeIntervalSince1970 * 1000).rounded()))-\(id)" }

    public init?(token: String) {
        guard let dash = token.firstIndex(of: "-"), let millis = Int64(token[..<dash]) else { return nil }
        let id = String(token[token.index(after: dash)...])
        guard !id.isEmpty else { return nil }
        self.init(createdAt: Date(timeIntervalSince1970: Double(millis) / 1000), id: id)
    }
}
