public import Foundation
import Metrics
public import SesameConcurrency
public import SesameCore
public import SesameStorage

/// The key and certificate SNS messages are signed with; the certificate is served at
/// `SigningCertURL` so handlers can check signatures as they do with AWS.
public struct SNSSigningIdentity: Sendable {
    public var certificatePEM: String
    /// RSA PKCS#1 v1.5 over the bytes, with SHA-1 (`sha256` false, SignatureVersion 1) or SHA-256.
    public var sign: @Sendable (_ data: [UInt8], _ sha256: Bool) throws -> [UInt8]

    public init(certificatePEM: String, sign: @escaping @Sendable (_ data: [UInt8], _ sha256: Bool) throws -> [UInt8]) {
        self.certificatePEM = certificatePEM
        self.sign = sign
    }
}

/// A minimal SNS: topics, HTTP(S) subscriptions with SNS's confirmation handshake, and
/// publishing. Every POST an endpoint is owed goes through the store's outbox, so it survives
/// a restart and is retried until the endpoint answers 2xx.
public struct SNSBackend: Sendable {
    public let store: any Store
    public let clock: any WallClock
    public let signing: SNSSigningIdentity
    /// Where this node's HTTP listener is reached (for SubscribeURL, UnsubscribeURL, SigningCertURL).
    public let baseURL: String
    /// Signalled after a commit that added posts to the outbox.
    public let posted = WakeSignal()

    /// How `email` and `email-json` subscriptions are mailed (set up by SES, which owns sending).
    public var mailSettings = MailSettings()

    public init(store: any Store, clock: any WallClock, signing: SNSSigningIdentity, baseURL: String) {
        self.store = store
        self.clock = clock
        self.signing = signing
        self.baseURL = baseURL
    }

    public static let certificatePath = "/_sns/SimpleNotificationService-sesame.pem"
    public var certificateURL: String { baseURL + Self.certificatePath }

    func authorize(_ caller: Caller, _ action: String, _ resource: String) throws(SesameError) {
        try Authorizer.authorize(caller, action: action, resource: resource)
    }

    static func topicARN(region: String, account: String, name: String) -> String {
        "arn:\(Partition.of(region: region)):sns:\(region):\(account):\(name)"
    }

    // MARK: Topics

    public func createTopic(_ caller: Caller, region: String, name: String, attributes: [String: String]) async throws -> String {
        let fifo = attributes["FifoTopic"] == "true"
        let base = fifo && name.hasSuffix(".fifo") ? String(name.dropLast(5)) : name
        guard (1...(fifo ? 251 : 256)).contains(base.count),
            base.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") })
        else {
            throw SesameError(.invalidParameter, "Invalid parameter: Topic Name")
        }
        if fifo && !name.hasSuffix(".fifo") {
            throw SesameError(
                .invalidParameter,
                "Invalid parameter: Fifo Topic names must end with .fifo and must be made up of only uppercase and lowercase ASCII letters, numbers, underscores, and hyphens, and must be between 1 and 256 characters long."
            )
        }
        if let value = attributes["FifoTopic"], value != "true" && value != "false" {
            throw SesameError(.invalidParameter, "Invalid parameter: FifoTopic Reason: Invalid value [\(value)]. Must be true or false.")
        }
        if !fifo && attributes["ContentBasedDeduplication"] == "true" {
            throw SesameError(
                .invalidParameter, "Invalid parameter: Attributes Reason: ContentBasedDeduplication can only be set for FIFO topics")
        }
        for (key, value) in attributes where key == "DeliveryPolicy" { try SNSDeliveryPolicy.validate(value, topic: true) }
        let arn = Self.topicARN(region: region, account: caller.accountID, name: name)
        try authorize(caller, "sns:CreateTopic", arn)
        let topic = SNSTopic(arn: arn, region: region, name: name, attributes: attributes, createdAt: clock.now())
        try await store.transaction { session in
            if let existing = try await session.topic(arn: arn) {
                // Creating an existing topic again is fine only with the same attributes, as in SNS.
                for (key, value) in attributes where existing.attributes[key] != value {
                    throw SesameError(
                        .invalidParameter, "Invalid parameter: Attributes Reason: Topic already exists with different attributes")
                }
                return
            }
            try await session.insertTopic(topic)
        }
        return arn
    }

    public func listTopics(_ caller: Caller, region: String) async throws -> [String] {
        try authorize(caller, "sns:ListTopics", "arn:\(Partition.of(region: region)):sns:\(region):\(caller.accountID):*")
        return try await store.read { try await $0.topics(region: region) }.map(\.arn)
    }

    public func deleteTopic(_ caller: Caller, arn: String) async throws {
        try authorize(caller, "sns:DeleteTopic", arn)
        try await store.transaction { try await $0.deleteTopic(arn: arn) }
    }

    func existingTopic(_ arn: String) async throws -> SNSTopic {
        guard let topic = try await store.read({ try await $0.topic(arn: arn) }) else {
            throw SesameError(.snsNotFound, "Topic does not exist")
        }
        return topic
    }

    public func topicAttributes(_ caller: Caller, arn: String) async throws -> [String: String] {
        try authorize(caller, "sns:GetTopicAttributes", arn)
        let topic = try await existingTopic(arn)
        let subscriptions = try await store.read { try await $0.subscriptions(topicARN: arn) }
        var attributes = topic.attributes
        attributes["TopicArn"] = arn
        attributes["Owner"] = caller.accountID
        let account = ARN.account(of: arn) ?? caller.accountID
        attributes["Policy"] = topic.attributes["Policy"] ?? Self.defaultPolicy(arn: arn, account: account)
        attributes["DisplayName"] = topic.attributes["DisplayName"] ?? ""
        attributes["EffectiveDeliveryPolicy"] = topic.attributes["DeliveryPolicy"] ?? Self.defaultDeliveryPolicy
        attributes["SubscriptionsConfirmed"] = String(subscriptions.filter(\.confirmed).count)
        attributes["SubscriptionsPending"] = String(subscriptions.filter { !$0.confirmed }.count)
        attributes["SubscriptionsDeleted"] = "0"
        return attributes
    }

    // MARK: Subscriptions

    /// Returns the subscription ARN and whether it is confirmed (http and https subscriptions
    /// wait for the endpoint to confirm; SNS then answers `pending confirmation`).
    public func subscribe(
        _ caller: Caller, topicARN: String, protocolName: String, endpoint: String, rawDelivery: Bool
    ) async throws -> (arn: String, confirmed: Bool) {
        try authorize(caller, "sns:Subscribe", topicARN)
        let topic = try await existingTopic(topicARN)
        switch protocolName {
        case "sqs":
            // SNS sends to FIFO queues only from FIFO topics.
            if !topic.isFIFO, endpoint.hasSuffix(".fifo") {
                throw SesameError(
                    .invalidParameter,
                    "Invalid parameter: Invalid parameter: Endpoint Reason: FIFO SQS Queues can not be subscribed to standard SNS topics")
            }
            return (try await subscribeQueue(caller, topicARN: topicARN, queueARN: endpoint, rawDelivery: rawDelivery), true)
        case _ where topic.isFIFO:
            throw SesameError(.invalidParameter, "Invalid parameter: Invalid protocol type: \(protocolName)")
        case "email", "email-json":
            return try await subscribeEmail(caller, topic: topic, protocolName: protocolName, endpoint: endpoint)
        case "http", "https":
            break
        case "lambda", "application", "sms", "firehose":
            throw SesameError(
                .invalidParameter,
                "Invalid parameter: Protocol Reason: Sesame has no \(protocolName) endpoints; it delivers to http, https, email, email-json and sqs"
            )
        default:
            throw SesameError(.invalidParameter, "Invalid parameter: Amazon SNS does not support this protocol string: \(protocolName)")
        }
        guard let url = URL(string: endpoint), url.scheme?.lowercased() == protocolName, url.host != nil else {
            throw SesameError(.invalidParameter, "Invalid parameter: Endpoint must be an \(protocolName):// URL")
        }
        let now = clock.now()
        let subscription = SNSSubscription(
            arn: "\(topicARN):\(UUID().uuidString.lowercased())", topicARN: topicARN, protocolName: protocolName, endpoint: endpoint,
            confirmed: false, token: RandomIDs.pick(64, from: Array("0123456789abcdef")), rawDelivery: rawDelivery, createdAt: now)
        let confirmation = try await confirmationPost(subscription, now: now)
        defer { posted.signal() }
        return try await store.transaction { session in
            if let existing = try await session.subscriptions(topicARN: topicARN).first(where: {
                $0.endpoint == endpoint && $0.protocolName == protocolName
            }) {
                return (existing.arn, existing.confirmed)
            }
            try await session.insertSubscription(subscription)
            try await session.insertOutbox([confirmation])
            return (subscription.arn, false)
        }
    }

    /// An SQS queue of the same account: confirmed at once, as SNS confirms it.
    func subscribeQueue(_ caller: Caller, topicARN: String, queueARN: String, rawDelivery: Bool) async throws -> String {
        guard SQSQueue.key(arn: queueARN) != nil else { throw SesameError(.invalidParameter, "Invalid parameter: SQS endpoint ARN") }
        _ = try await existingTopic(topicARN)
        let subscription = SNSSubscription(
            arn: "\(topicARN):\(UUID().uuidString.lowercased())", topicARN: topicARN, protocolName: "sqs", endpoint: queueARN,
            confirmed: true, token: RandomIDs.pick(64, from: Array("0123456789abcdef")), rawDelivery: rawDelivery, createdAt: clock.now())
        return try await store.transaction { session in
            if let existing = try await session.subscriptions(topicARN: topicARN).first(where: {
                $0.endpoint == queueARN && $0.protocolName == "sqs"
            }) {
                return existing.arn
            }
            try await session.insertSubscription(subscription)
            return subscription.arn
        }
    }

    /// `ConfirmSubscription`, signed or through the SubscribeURL (which needs only the token).
    public func confirmSubscription(topicARN: String, token: String) async throws -> String {
        try await store.transaction { session in
            guard let subscription = try await session.subscriptions(topicARN: topicARN).first(where: { $0.token == token }) else {
                throw SesameError(.invalidParameter, "Invalid token")
            }
            try await session.confirmSubscription(arn: subscription.arn)
            return subscription.arn
        }
    }

    /// Every subscription in the caller's account and `region`.
    public func allSubscriptions(_ caller: Caller, region: String) async throws -> [SNSSubscription] {
        try authorize(caller, "sns:ListSubscriptions", "arn:\(Partition.of(region: region)):sns:\(region):\(caller.accountID):*")
        let prefix = "arn:\(Partition.of(region: region)):sns:\(region):\(caller.accountID):"
        return try await store.read { try await $0.subscriptions(topicPrefix: prefix) }
    }

    public func listSubscriptions(_ caller: Caller, topicARN: String) async throws -> [SNSSubscription] {
        try authorize(caller, "sns:ListSubscriptionsByTopic", topicARN)
        _ = try await existingTopic(topicARN)
        return try await store.read { try await $0.subscriptions(topicARN: topicARN) }
    }

    /// `Unsubscribe`; `caller` nil is the UnsubscribeURL in a notification.
    public func unsubscribe(_ caller: Caller?, subscriptionARN: String) async throws {
        if let caller { try authorize(caller, "sns:Unsubscribe", subscriptionARN) }
        try await store.transaction { session in
            guard try await session.subscription(arn: subscriptionARN) != nil else {
                throw SesameError(.snsNotFound, "Subscription does not exist")
            }
            try await session.deleteSubscription(arn: subscriptionARN)
        }
    }

    func confirmationPost(_ subscription: SNSSubscription, now: Date) async throws -> SNSOutboxItem {
        let fields: [String: String] = [
            "Type": "SubscriptionConfirmation", "MessageId": UUID().uuidString.lowercased(), "Token": subscription.token,
            "TopicArn": subscription.topicARN,
            "Message":
                "You have chosen to subscribe to the topic \(subscription.topicARN).\nTo confirm the subscription, visit the SubscribeURL included in this message.",
            "SubscribeURL": "\(baseURL)/_sns/confirm?TopicArn=\(Self.query(subscription.topicARN))&Token=\(subscription.token)",
            "Timestamp": SESNotification.timestamp(now), "SignatureVersion": "1", "SigningCertURL": certificateURL,
        ]
        return SNSOutboxItem(
            id: RandomIDs.requestID(), subscriptionARN: subscription.arn, endpoint: subscription.endpoint,
            messageType: "SubscriptionConfirmation", topicARN: subscription.topicARN, body: try await signed(fields), nextAttemptAt: now,
            createdAt: now)
    }

    /// The JSON document with its `Signature` (an RSA signature, made off the event loops).
    func signed(_ fields: [String: String]) async throws -> String {
        var out = fields
        let data = Array(SNSSignedFields.stringToSign(fields).utf8)
        let signing = self.signing, sha256 = fields["SignatureVersion"] == "2"
        out["Signature"] = Data(try await BlockingWork.run { try signing.sign(data, sha256) }).base64EncodedString()
        let json = try JSONSerialization.data(withJSONObject: out, options: [.sortedKeys, .withoutEscapingSlashes])
        return String(decoding: json, as: UTF8.self)
    }

    static func query(_ value: String) -> String {
        value.addingPercentEncoding(withAllowedCharacters: CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? value
    }
}
