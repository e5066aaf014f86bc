public import Foundation

/// What one `Publish`, or one `PublishBatch` entry, asks SNS to send, checked as SNS checks it.
public struct SNSPublication: Sendable, Equatable {
    public var message: String
    public var subject: String?
    public var attributes: [String: SQSAttributeValue]
    /// `MessageStructure=json`: the message for each protocol, `default` for the others.
    public var perProtocol: [String: String]?
    /// FIFO topics: the group whose messages are delivered in order.
    public var groupID: String?
    /// FIFO topics: the deduplication ID (else the SHA-256 of the message, if the topic has
    /// content-based deduplication).
    public var deduplicationID: String?

    /// SNS's limit for a message and its attributes together, in bytes.
    public static let maximumSize = 262_144

    public init(
        message: String, subject: String? = nil, attributes: [String: SQSAttributeValue] = [:], structure: String? = nil,
        groupID: String? = nil, deduplicationID: String? = nil
    ) throws(SesameError) {
        self.message = message
        self.subject = subject
        self.attributes = attributes
        self.groupID = groupID
        self.deduplicationID = deduplicationID
        switch structure {
        case nil: perProtocol = nil
        case "json": perProtocol = try Self.structured(message)
        case let other?:
            throw SesameError(.invalidParameter, "Invalid parameter: MessageStructure Reason: \(other) is not a valid message structure")
        }
        try validate()
    }

    /// The size SNS counts against its limit.
    public var size: Int { message.utf8.count + attributes.reduce(0) { $0 + $1.value.size(named: $1.key) } }

    /// The text a subscription of `protocolName` receives.
    public func message(for protocolName: String) -> String {
        perProtocol?[protocolName] ?? perProtocol?["default"] ?? message
    }

    func validate() throws(SesameError) {
        guard !message.isEmpty else { throw SesameError(.invalidParameter, "Invalid parameter: Empty message") }
        if let subject {
            // Subjects are one line of printable ASCII starting with a letter, digit or punctuation, under 100 characters.
            guard !subject.isEmpty, subject.count < 100, subject.unicodeScalars.allSatisfy({ (0x20...0x7E).contains($0.value) }),
                subject.first != " "
            else {
                throw SesameError(.invalidParameter, "Invalid parameter: Subject")
            }
        }
        guard size <= Self.maximumSize else {
            throw SesameError(.invalidParameter, "Invalid parameter: Message too long")
        }
        do {
            try SQSAttributeValue.validate(attributes)
        } catch {
            throw SesameError(.invalidParameter, "Invalid parameter: MessageAttributes: \(error.message)")
        }
        if let groupID, groupID.isEmpty || groupID.count > 128 || !groupID.unicodeScalars.allSatisfy({ (0x21...0x7E).contains($0.value) }) {
            throw SesameError(.invalidParameter, "Invalid parameter: MessageGroupId Reason: it must be 1 to 128 printable ASCII characters")
        }
        if let id = deduplicationID, id.isEmpty || id.count > 128 || !id.unicodeScalars.allSatisfy({ (0x21...0x7E).contains($0.value) }) {
            throw SesameError(
                .invalidParameter, "Invalid parameter: MessageDeduplicationId Reason: it must be 1 to 128 printable ASCII characters")
        }
    }

    /// A `MessageStructure=json` message: a JSON object of strings with a `default` entry.
    public static func structured(_ text: String) throws(SesameError) -> [String: String] {
        guard let object = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] else {
            throw SesameError(.invalidParameter, "Invalid parameter: Message Structure - JSON message body failed to parse")
        }
        var out: [String: String] = [:]
        for (key, value) in object {
            guard let string = value as? String else {
                throw SesameError(.invalidParameter, "Invalid parameter: Message Structure - JSON message body failed to parse")
            }
            out[key] = string
        }
        guard out["default"] != nil else {
            throw SesameError(.invalidParameter, "Invalid parameter: Message Structure - No default entry in JSON message body")
        }
        return out
    }
}

extension SNSPublication {
    /// A notification Sesame itself publishes (SES events), already within SNS's limits.
    public init(notification message: String, subject: String?) {
        self.message = message
        self.subject = subject
        self.attributes = [:]
    }
}
