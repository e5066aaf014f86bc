public import Foundation

/// Something SES reports about a message: the event types of SES's notifications.
public struct DeliveryEvent: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable {
        case send = "Send", delivery = "Delivery", bounce = "Bounce", complaint = "Complaint", reject = "Reject"
        case deliveryDelay = "DeliveryDelay"
        case open = "Open", click = "Click", renderingFailure = "Rendering Failure"

        /// The name in `MatchingEventTypes` (SES v1's spelling): `delivery`, `renderingFailure`.
        public var eventTypeName: String {
            switch self {
            case .renderingFailure: "renderingFailure"
            default: rawValue.prefix(1).lowercased() + rawValue.dropFirst()
            }
        }
    }

    public var id: String
    public var messageID: String
    public var region: String
    public var kind: Kind
    public var recipients: [String]
    /// Bounce: `Permanent`/`Transient`/`Undetermined`; complaint: the feedback type; open and
    /// click: the reader's IP address; rendering failure: the template's name.
    public var type: String?
    public var subType: String?
    /// The remote reply or reason, as SES's `smtpResponse` / `diagnosticCode`; click: the link;
    /// rendering failure: the error message. (`subType` of open and click: the user agent.)
    public var detail: String?
    /// Who reported it: the remote MTA or `sesame`.
    public var reportingMTA: String?
    /// Open and click: the link's tags (`ses:tags`); the other kinds have none.
    public var tags: [String: [String]] = [:]
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
