public import Foundation

/// An SQS queue: its name, whether it is FIFO, and the attributes a caller may set, validated
/// as SQS validates them.
public struct SQSQueue: Sendable, Equatable, Codable {
    public var region: String
    public var accountID: String
    public var name: String
    public var attributes: [String: String]
    public var tags: [String: String]
    public var createdAt: Date
    public var modifiedAt: Date

    public init(region: String, accountID: String, name: String, attributes: [String: String], tags: [String: String], createdAt: Date) {
        self.region = region
        self.accountID = accountID
        self.name = name
        self.attributes = attributes
        self.tags = tags
        self.createdAt = createdAt
        self.modifiedAt = createdAt
    }

    public var isFIFO: Bool { name.hasSuffix(".fifo") }
    public var arn: String { "arn:\(Partition.of(region: region)):sqs:\(region):\(accountID):\(name)" }
    /// The key rows of this queue are stored under.
    public var key: String { "\(region)/\(accountID)/\(name)" }

    /// The key of the queue an ARN names (`arn:aws:sqs:REGION:ACCOUNT:NAME`), or nil.
    public static func key(arn: String) -> String? {
        let parts = arn.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 6, parts[0] == "arn", parts[2] == "sqs", !parts[5].isEmpty else { return nil }
        return "\(parts[3])/\(parts[4])/\(parts[5])"
    }

    /// What the caller may set, with SQS's defaults and ranges.
    public static let settable: [String: (default: String?, range: ClosedRange<Int>?)] = [
        "VisibilityTimeout": ("30", 0...43_200), "MessageRetentionPeriod": ("345600", 60...1_209_600), "DelaySeconds": ("0", 0...900),
        "ReceiveMessageWaitTimeSeconds": ("0", 0...20), "MaximumMessageSize": ("262144", 1024...262_144), "RedrivePolicy": (nil, nil),
        "Policy": (nil, nil), "RedriveAllowPolicy": (nil, nil), "KmsMasterKeyId": (nil, nil),
        "KmsDataKeyReusePeriodSeconds": (nil, 60...86_400), "SqsManagedSseEnabled": (nil, nil), "FifoQueue": (nil, nil),
        "ContentBasedDeduplication": (nil, nil), "DeduplicationScope": (nil, nil), "FifoThroughputLimit": (nil, nil),
    ]

    public func integer(_ name: String) -> Int { Int(attributes[name] ?? Self.settable[name]?.default ?? "0") ?? 0 }
    public var visibilityTimeout: Int { integer("VisibilityTimeout") }
    public var retention: Int { integer("MessageRetentionPeriod") }
    public var delay: Int { integer("DelaySeconds") }
    public var waitTime: Int { integer("ReceiveMessageWaitTimeSeconds") }
    public var maximumMessageSize: Int { integer("MaximumMessageSize") }

    /// The dead-letter queue and after how many receives a message moves there.
    public var redrive: (targetARN: String, maxReceiveCount: Int)? {
        guard let text = attributes["RedrivePolicy"], let data = text.data(using: .utf8),
            let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            let target = object["deadLetterTargetArn"] as? String
        else { return nil }
        let count = (object["maxReceiveCount"] as? Int) ?? Int("\(object["maxReceiveCount"] ?? "")") ?? 0
        return (target, count)
    }

    /// Checks `given` as SQS does and returns it with the values normalized.
    public static func validate(_ given: [String: String], fifo: Bool) throws(SesameError) -> [String: String] {
        var out: [String: String] = [:]
        for (name, value) in given {
            guard let rule = settable[name] else {
                throw SesameError(.invalidAttributeName, "Unknown Attribute \(name).")
            }
            if let range = rule.range {
                guard let number = Int(value), range.contains(number) else {
                    throw SesameError(.invalidAttributeValue, "Invalid value for the parameter \(name).")
                }
            }
            switch name {
            case "FifoQueue":
                guard value == "true" && fifo || value == "false" && !fifo else {
                    throw SesameError(
                        .invalidAttributeValue,
                        fifo
                            ? "Invalid value for the parameter FifoQueue."
                            : "The name of a FIFO queue can only include alphanumeric characters, hyphens, or underscores, must end with .fifo suffix and be 1 to 80 in length."
                    )
                }
                if !fifo { continue }
            case "ContentBasedDeduplication", "DeduplicationScope", "FifoThroughputLimit":
                guard fifo else { throw SesameError(.invalidAttributeName, "Unknown Attribute \(name).") }
            case "RedrivePolicy" where !value.isEmpty:
                guard let data = value.data(using: .utf8), let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
                    object["deadLetterTargetArn"] is String,
                    let count = (object["maxReceiveCount"] as? Int) ?? Int("\(object["maxReceiveCount"] ?? "")"), (1...1000).contains(count)
                else {
                    throw SesameError(
                        .invalidAttributeValue,
                        "Value \(value) for parameter RedrivePolicy is invalid. Reason: Redrive policy is not a valid JSON map or does not contain deadLetterTargetArn and a maxReceiveCount from 1 to 1000."
                    )
                }
            case "Policy" where !value.isEmpty:
                guard let data = value.data(using: .utf8), (try? JSONSerialization.jsonObject(with: data)) is [String: Any] else {
                    throw SesameError(.invalidAttributeValue, "Invalid value for the parameter Policy.")
                }
            default: break
            }
            out[name] = value
        }
        if fifo { out["FifoQueue"] = "true" }
        return out
    }

    /// SQS's rule for names: 1–80 characters of letters, digits, `-` and `_`, and `.fifo` at the
    /// end of a FIFO queue's.
    public static func validName(_ name: String, fifo: Bool) -> Bool {
        let base = fifo && name.hasSuffix(".fifo") ? String(name.dropLast(5)) : name
        guard !name.isEmpty, name.count <= 80, !base.isEmpty else { return false }
        if fifo != name.hasSuffix(".fifo") { return false }
        return base.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }
    }
}
