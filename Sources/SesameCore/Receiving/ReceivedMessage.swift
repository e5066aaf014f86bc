public import Foundation

/// A message an inbound listener accepted for one region's active receipt rule set: stored
/// before the client got its 250, then processed by the rule set's actions.
public struct ReceivedMessage: Sendable, Equatable {
    public enum State: String, Sendable, CaseIterable { case pending, processed, failed }

    public var id: String
    public var region: String
    public var ruleSet: String
    /// The envelope sender (`""` for the null sender).
    public var mailFrom: String
    /// The envelope recipients this region's rules take.
    public var recipients: [String]
    public var raw: [UInt8]
    public var remoteAddress: String
    public var tls: Bool
    public var receivedAt: Date
    public var state: State = .pending
    /// The name the client gave in HELO/EHLO (SPF checks it for the null sender).
    public var helo: String = ""
    /// Computed once, before the first action runs.
    public var verdicts: ReceiptVerdicts?
    /// What the rule set does with the message, planned once (rules changed later do not change it).
    public var steps: [ReceiptStep]?
    /// How many of the rule set's steps are done (each runs once).
    public var nextStep = 0
    public var outcomes: [ReceiptOutcome] = []
    /// Failed attempts at the current step.
    public var attempts = 0

    public init(
        id: String, region: String, ruleSet: String, mailFrom: String, recipients: [String], raw: [UInt8], remoteAddress: String, tls: Bool,
        receivedAt: Date
    ) {
        self.id = id
        self.region = region
        self.ruleSet = ruleSet
        self.mailFrom = mailFrom
        self.recipients = recipients
        self.raw = raw
        self.remoteAddress = remoteAddress
        self.tls = tls
        self.receivedAt = receivedAt
    }

    /// SES's inbound message IDs: 40 lowercase letters and digits.
    public static func makeID() -> String { RandomIDs.pick(40, from: Array("abcdefghijklmnopqrstuvwxyz0123456789")) }
}

/// What one step of a received message's processing did, for the console and inspection.
public struct ReceiptOutcome: Codable, Sendable, Equatable {
    public var rule: String
    /// SES's action type: `S3`, `SNS`, `Bounce`, `AddHeader`, `Stop`.
    public var action: String
    /// `done`, `failed` (given up after retries) or `skipped` (with the reason in `detail`).
    public var status: String
    /// The S3 key written, the bounce's message ID, the notification's message ID, or why it failed.
    public var detail: String

    public init(rule: String, action: String, status: String, detail: String) {
        self.rule = rule
        self.action = action
        self.status = status
        self.detail = detail
    }
}
