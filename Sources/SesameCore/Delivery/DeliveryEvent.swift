public import Foundation

/// Something SES reports about a message: the event types of SES's notifications.
public struct DeliveryEvent: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable {
        case send = "Send", delivery = "Delivery", bounce = "Bounce", complaint = "Complaint", reject = "Reject"
        case deliveryDelay = "DeliveryDelay"
    }

    public var id: String
    public var messageID: String
    public var region: String
    public var kind: Kind
    public var recipients: [String]
    /// Bounce: `Permanent`/`Transient`/`Undetermined`; complaint: the feedback type.
    public var type: String?
    public var subType: String?
    /// The remote reply or reason, as SES's `smtpResponse` / `diagnosticCode`.
    public var detail: String?
    /// Who reported it: the remote MTA or `sesame`.
    public var reportingMTA: String?
    public var createdAt: Date

    public init(
        id: String, messageID: String, region: String, kind: Kind, recipients: [String], type: String? = nil, subType: String? = nil,
        detail: String? = nil, reportingMTA: String? = nil, createdAt: Date
    ) {
        self.id = id
        self.messageID = messageID
        self.region = region
        self.kind = kind
        self.recipients = recipients
        self.type = type
        self.subType = subType
        self.detail = detail
        self.reportingMTA = reportingMTA
        self.createdAt = createdAt
    }
}
