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
