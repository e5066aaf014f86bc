public import Foundation

/// How SNS retries an HTTP(S) delivery: a topic's `DeliveryPolicy` (`http.defaultHealthyRetryPolicy`)
/// or a subscription's (`healthyRetryPolicy`), which wins unless the topic sets
/// `disableSubscriptionOverrides`.
///
/// Retries run in SNS's four phases: `numNoDelayRetries` at once, `numMinDelayRetries` after
/// `minDelayTarget`, the backoff phase from `minDelayTarget` to `maxDelayTarget`, and
/// `numMaxDelayRetries` after `maxDelayTarget`. In the backoff phase the delay follows the share
/// of the phase done: `linear` in proportion, `arithmetic` as its square, `geometric` as its cube,
/// `exponential` as a constant ratio between retries (Sesame's own curves with SNS's names).
public struct SNSDeliveryPolicy: Sendable, Equatable {
    public enum Backoff: String, Sendable, CaseIterable { case linear, arithmetic, geometric, exponential }

    public var minDelayTarget = 20
    public var maxDelayTarget = 20
    public var numRetries = 3
    public var numNoDelayRetries = 0
    public var numMinDelayRetries = 0
    public var numMaxDelayRetries = 0
    public var backoffFunction = Backoff.linear

    /// SNS's default for HTTP(S): three retries, 20 seconds apart.
    public static let `default` = SNSDeliveryPolicy()

    public init() {}

    /// The policy in force for a subscription, given the topic's and the subscription's JSON
    /// (both validated when they were set; unreadable ones count as absent).
    public static func effective(topic: String?, subscription: String?) -> SNSDeliveryPolicy {
        let topicObject = topic.flatMap(Self.object)?["http"] as? [String: Any]
        let topicPolicy = (topicObject?["defaultHealthyRetryPolicy"] as? [String: Any]).flatMap { try? Self(retry: $0, field: "") }
        if topicObject?["disableSubscriptionOverrides"] as? Bool != true,
            let retry = subscription.flatMap(Self.object)?["healthyRetryPolicy"] as? [String: Any],
            let policy = try? Self(retry: retry, field: "")
        {
            return policy
        }
        return topicPolicy ?? .default
    }

    /// Checks a topic's (`topic` true) or a subscription's `DeliveryPolicy` document.
    public static func validate(_ text: String, topic: Bool) throws(SesameError) {
        guard let object = Self.object(text) else {
            throw SesameError(.invalidParameter, "Invalid parameter: DeliveryPolicy: failed to parse JSON")
        }
        if topic {
            guard let http = object["http"] else { return }
            guard let http = http as? [String: Any] else {
                throw SesameError(.invalidParameter, "Invalid parameter: DeliveryPolicy: http must be an object")
            }
            if let retry = http["defaultHealthyRetryPolicy"] {
                _ = try Self(retry: retry as? [String: Any] ?? [:], field: "http.defaultHealthyRetryPolicy.")
            }
        } else if let retry = object["healthyRetryPolicy"] {
            _ = try Self(retry: retry as? [String: Any] ?? [:], field: "healthyRetryPolicy.")
        }
    }

    init(retry: [String: Any], field: String) throws(SesameError) {
        func number(_ name: String, _ range: ClosedRange<Int>, default value: Int) throws(SesameError) -> Int {
            guard let raw = retry[name] else { return value }
            guard let number = raw as? Int, range.contains(number) else {
                throw SesameError(
                    .invalidParameter,
                    "Invalid parameter: DeliveryPolicy: \(field)\(name) must be an integer from \(range.lowerBound) to \(range.upperBound)")
            }
            return number
        }
        minDelayTarget = try number("minDelayTarget", 1...3600, default: 20)
        maxDelayTarget = try number("maxDelayTarget", 1...3600, default: 20)
        numRetries = try number("numRetries", 0...100, default: 3)
        numNoDelayRetries = try number("numNoDelayRetries", 0...100, default: 0)
        numMinDelayRetries = try number("numMinDelayRetries", 0...100, default: 0)
        numMaxDelayRetries = try number("numMaxDelayRetries", 0...100, default: 0)
        if let name = retry["backoffFunction"] {
            guard let backoff = (name as? String).flatMap(Backoff.init(rawValue:)) else {
                throw SesameError(
                    .invalidParameter,
                    "Invalid parameter: DeliveryPolicy: \(field)backoffFunction must be one of arithmetic, exponential, geometric, linear")
            }
            backoffFunction = backoff
        }
        guard minDelayTarget <= maxDelayTarget else {
            throw SesameError(
                .invalidParameter, "Invalid parameter: DeliveryPolicy: \(field)minDelayTarget must be less than or equal to maxDelayTarget")
        }
        guard numNoDelayRetries + numMinDelayRetries + numMaxDelayRetries <= numRetries else {
            throw SesameError(
                .invalidParameter,
                "Invalid parameter: DeliveryPolicy: \(field)numRetries must be at least numNoDelayRetries + numMinDelayRetries + numMaxDelayRetries"
            )
        }
    }

    /// The wait before retry `retry` (1 is the first retry), or nil when the retries are used up.
    public func delay(beforeRetry retry: Int) -> TimeInterval? {
        guard retry >= 1, retry <= numRetries else { return nil }
        if retry <= numNoDelayRetries { return 0 }
        if retry <= numNoDelayRetries + numMinDelayRetries { return TimeInterval(minDelayTarget) }
        let backoffRetries = numRetries - numNoDelayRetries - numMinDelayRetries - numMaxDelayRetries
        let step = retry - numNoDelayRetries - numMinDelayRetries
        guard step <= backoffRetries else { return TimeInterval(maxDelayTarget) }
        let low = Double(minDelayTarget), high = Double(maxDelayTarget)
        let share = Double(step) / Double(backoffRetries)
        let delay: Double =
            switch backoffFunction {
            case .linear: low + (high - low) * share
            case .arithmetic: low + (high - low) * share * share
            case .geometric: low + (high - low) * share * share * share
            case .exponential: low * pow(high / low, share)
            }
        return delay.rounded()
    }

    static func object(_ text: String) -> [String: Any]? {
        (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any]
    }
}
