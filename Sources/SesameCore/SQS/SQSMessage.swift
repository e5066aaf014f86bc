import Crypto
public import Foundation

/// A message in an SQS queue, with what SQS reports about it.
public struct SQSMessage: Sendable, Equatable {
    public var id: String
    public var queueKey: String
    public var body: String
    /// Message attributes as given (name → data type and value), for MD5 and ReceiveMessage.
    public var attributes: [String: SQSAttributeValue]
    public var sentAt: Date
    /// When it may be received next (sent + delay; received + visibility timeout).
    public var visibleAt: Date
    public var receiveCount: Int
    public var firstReceivedAt: Date?
    /// The handle of the latest receive (nil until received).
    public var receiptHandle: String?
    public var groupID: String?
    public var deduplicationID: String?
    public var sequenceNumber: String?
    /// Set by SNS on messages it delivers (`SenderId` otherwise is the sender's account or key).
    public var senderID: String

    public init(
        id: String, queueKey: String, body: String, attributes: [String: SQSAttributeValue], sentAt: Date, visibleAt: Date,
        senderID: String, groupID: String? = nil, deduplicationID: String? = nil, sequenceNumber: String? = nil
    ) {
        self.id = id
        self.queueKey = queueKey
        self.body = body
        self.attributes = attributes
        self.sentAt = sentAt
        self.visibleAt = visibleAt
        self.receiveCount = 0
        self.senderID = senderID
        self.groupID = groupID
        self.deduplicationID = deduplicationID
        self.sequenceNumber = sequenceNumber
    }

    public var md5OfBody: String { Self.hex(Insecure.MD5.hash(data: Array(body.utf8))) }

    /// SQS's MD5 of message attributes: for each attribute, by name, the length-prefixed name,
    /// data type, a transport byte (1 string, 2 binary) and the length-prefixed value.
    public static func md5(of attributes: [String: SQSAttributeValue]) -> String? {
        guard !attributes.isEmpty else { return nil }
        var bytes: [UInt8] = []
        func lengthPrefixed(_ value: [UInt8]) {
            let n = UInt32(value.count)
            bytes += [UInt8(n >> 24 & 0xFF), UInt8(n >> 16 & 0xFF), UInt8(n >> 8 & 0xFF), UInt8(n & 0xFF)] + value
        }
        for name in attributes.keys.sorted() {
            guard let value = attributes[name] else { continue }
            lengthPrefixed(Array(name.utf8))
            lengthPrefixed(Array(value.dataType.utf8))
            if let binary = value.binaryValue {
                bytes.append(2)
                lengthPrefixed(binary)
            } else {
                bytes.append(1)
                lengthPrefixed(Array((value.stringValue ?? "").utf8))
            }
        }
        return hex(Insecure.MD5.hash(data: bytes))
    }

    static func hex(_ digest: some Sequence<UInt8>) -> String { digest.map { String(format: "%02x", $0) }.joined() }
}

/// One message attribute: a data type (`String`, `Number`, `Binary`, with an optional
/// `.custom` suffix) and its value.
public struct SQSAttributeValue: Sendable, Equatable, Codable {
    public var dataType: String
    public var stringValue: String?
    public var binaryValue: [UInt8]?

    public init(dataType: String, stringValue: String?, binaryValue: [UInt8]?) {
        self.dataType = dataType
        self.stringValue = stringValue
        self.binaryValue = binaryValue
    }

    /// SQS's checks: a known type, the value its type calls for, at most 10 attributes.
    public static func validate(_ attributes: [String: SQSAttributeValue]) throws(SesameError) {
        if attributes.count > 10 {
            throw SesameError(
                .invalidParameterValue, "Number of message attributes [\(attributes.count)] exceeds the allowed maximum [10].")
        }
        for (name, value) in attributes {
            let base = value.dataType.split(separator: ".", maxSplits: 1).first.map(String.init) ?? ""
            guard ["String", "Number", "Binary"].contains(base) else {
                throw SesameError(
                    .invalidParameterValue,
                    "The type of message (user) attribute '\(name)' is invalid. You must use only the following supported type prefixes: Binary, Number, String."
                )
            }
            if base == "Binary" ? value.binaryValue == nil : value.stringValue == nil {
                throw SesameError(
                    .invalidParameterValue,
                    "The message attribute '\(name)' must contain non-empty message attribute value for message attribute type '\(base)'.")
            }
            if base == "Number", Double(value.stringValue ?? "") == nil {
                throw SesameError(.invalidParameterValue, "Can't cast the value of message (user) attribute '\(name)' to a number.")
            }
        }
    }

    /// Bytes the attribute counts toward the message size (name, type and value).
    public func size(named name: String) -> Int {
        name.utf8.count + dataType.utf8.count + (binaryValue?.count ?? stringValue?.utf8.count ?? 0)
    }
}
