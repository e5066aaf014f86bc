public import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// How a node hands accepted mail on.
public enum DeliveryMode: String, Sendable, CaseIterable {
    /// Keep mail for inspection; deliver nothing (the mailbox simulator still answers).
    case capture
    /// Hand every message to one smarthost.
    case relay
    /// Deliver to each recipient domain's MX hosts.
    case mx
}

/// Where one recipient of one message stands. Rows start `queued` (or `bounced` when the
/// address is on the suppression list, `rejected` when the message carries a virus) and end
/// `delivered` or `bounced`.
public enum DeliveryState: String, Sendable, CaseIterable {
    case queued, delivered, bounced, rejected
}

/// SES rejects (after accepting) mail that carries a virus, and reports a Reject event. Sesame
/// scans for no real malware; it knows the industry's harmless antivirus test file (EICAR), so
/// applications can exercise their Reject handling as they would against SES.
public enum VirusCheck {
    static let eicar = Array(#"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"#.utf8)
    /// The test file as the start of a base64 attachment body.
    static let eicarBase64 = Array(Data(eicar).base64EncodedString().prefix(64).utf8)

    public static func carriesVirus(_ raw: [UInt8]) -> Bool {
        contains(raw, eicar) || contains(raw, eicarBase64)
    }

    /// A byte search that runs for every accepted message: memchr finds each candidate first
    /// byte, memcmp checks the rest.
    static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard let first = needle.first, haystack.count >= needle.count else { return false }
        return haystack.withUnsafeBytes { hay in
            needle.withUnsafeBytes { pattern in
                guard let base = hay.baseAddress, let patternBase = pattern.baseAddress else { return false }
                var offset = 0
                let last = hay.count - pattern.count
                while offset <= last {
                    guard let found = memchr(base + offset, Int32(first), last - offset + 1) else { return false }
                    let at = base.distance(to: UnsafeRawPointer(found))
                    if memcmp(base + at, patternBase, pattern.count) == 0 { return true }
                    offset = at + 1
                }
                return false
            }
        }
    }
}

/// One recipient of one accepted message, as the queue keeps it.
public struct QueuedRecipient: Sendable, Equatable {
    public var messageID: String
    public var recipient: String
    public var region: String
    public var state: DeliveryState
    public var attempts: Int
    public var queuedAt: Date
    public var nextAttemptAt: Date
    /// The last reply or reason (`250 2.0.0 Ok`, `connection refused`, …).
    public var lastReply: String?
    public var updatedAt: Date
    /// The message's size in bytes (what delivering it holds in memory).
    public var size: Int = 0

    /// Identifies the row: message ID and recipient.
    public var key: String { messageID + "\u{0}" + recipient }

    public init(
        messageID: String, recipient: String, region: String, state: DeliveryState, attempts: Int = 0, queuedAt: Date,
        nextAttemptAt: Date, lastReply: String? = nil, updatedAt: Date, size: Int = 0
    ) {
        self.size = size
        self.messageID = messageID
        self.recipient = recipient
        self.region = region
        self.state = state
        self.attempts = attempts
        self.queuedAt = queuedAt
        self.nextAttemptAt = nextAttemptAt
        self.lastReply = lastReply
        self.updatedAt = updatedAt
    }
}

/// What became of one delivery attempt for one recipient.
public enum DeliveryOutcome: Sendable, Equatable {
    case delivered(reply: String)
    /// Try again later (4xx, timeouts, refused connections).
    case transient(reason: String)
    /// Give up and bounce (5xx). `subType` is SES's bounceSubType.
    case permanent(reason: String, subType: BounceSubType)

    /// SMTP reply codes mean the same for every transport: 2xx delivered, 5xx permanent,
    /// anything else (4xx, nonsense) transient.
    public static func fromReply(code: Int, text: String) -> DeliveryOutcome {
        switch code {
        case 200..<300: return .delivered(reply: text)
        case 500..<600: return .permanent(reason: text, subType: BounceSubType.fromReply(text))
        default: return .transient(reason: text)
        }
    }
}

/// SES's bounce classification (`bounceType` / `bounceSubType` in notifications).
public enum BounceSubType: String, Sendable, Equatable {
    case undetermined = "Undetermined"
    case general = "General"
    case noEmail = "NoEmail"
    case suppressed = "Suppressed"
    case onAccountSuppressionList = "OnAccountSuppressionList"
    case mailboxFull = "MailboxFull"
    case messageTooLarge = "MessageTooLarge"
    case contentRejected = "ContentRejected"
    case attachmentRejected = "AttachmentRejected"

    /// `Permanent` or `Transient`.
    public var bounceType: String {
        switch self {
        case .mailboxFull, .messageTooLarge, .contentRejected, .attachmentRejected: return "Transient"
        case .undetermined: return "Undetermined"
        default: return "Permanent"
        }
    }

    /// Reads the enhanced status code of a 5xx reply (RFC 3463) where one is given.
    public static func fromReply(_ text: String) -> BounceSubType {
        let parts = text.split(separator: " ")
        let enhanced = parts.count > 1 ? String(parts[1]) : ""
        switch enhanced {
        case "5.1.1", "5.1.0", "5.1.10": return .noEmail
        case "5.2.2": return .mailboxFull
        case "5.3.4", "5.2.3": return .messageTooLarge
        case "5.7.1": return .contentRejected
        default: return .general
        }
    }
}

/// SES's mailbox simulator (`…@simulator.amazonses.com`): fixed outcomes whatever the mode.
public enum MailboxSimulator {
    public static let domain = "simulator.amazonses.com"

    public enum Scenario: String, Sendable {
        case success, bounce, ooto, complaint, suppressionList = "suppressionlist"
    }

    /// The scenario an address asks for (`bounce+label@…` works too, as on SES).
    public static func scenario(for address: String) -> Scenario? {
        let parts = address.lowercased().split(separator: "@", maxSplits: 1)
        guard parts.count == 2, parts[1] == domain else { return nil }
        let local = parts[0].split(separator: "+", maxSplits: 1).first.map(String.init) ?? ""
        return Scenario(rawValue: local)
    }
}

/// When to try a recipient again: exponential backoff with jitter, up to a maximum time in the queue.
public struct RetryPolicy: Sendable, Equatable {
    /// The first wait.
    public var initialDelay: TimeInterval
    /// The longest wait between two attempts.
    public var maximumDelay: TimeInterval
    /// After this long in the queue a temporary failure becomes a bounce (SES: about 12 hours).
    public var maximumAge: TimeInterval

    public init(initialDelay: TimeInterval = 60, maximumDelay: TimeInterval = 3600, maximumAge: TimeInterval = 12 * 3600) {
        self.initialDelay = initialDelay
        self.maximumDelay = maximumDelay
        self.maximumAge = maximumAge
    }

    /// The same backoff with a message's own time limit (a configuration set's
    /// `MaxDeliverySeconds`), which replaces the node's.
    public func limited(toSeconds seconds: Int?) -> RetryPolicy {
        guard let seconds else { return self }
        var policy = self
        policy.maximumAge = TimeInterval(seconds)
        return policy
    }

    /// The time of the next attempt after `attempts` failed ones, or nil when the recipient has
    /// been queued too long. `jitter` in 0..<1 spreads retries (0.5 = no shift).
    public func nextAttempt(attempts: Int, queuedAt: Date, now: Date, jitter: Double) -> Date? {
        let exponent = Double(max(0, min(attempts - 1, 30)))
        let base = min(initialDelay * pow(2, exponent), maximumDelay)
        let delay = base * (0.75 + 0.5 * min(max(jitter, 0), 1))
        let next = now.addingTimeInterval(delay)
        if next.timeIntervalSince(queuedAt) > maximumAge { return nil }
        return next
    }
}
