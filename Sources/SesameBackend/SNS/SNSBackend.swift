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
        guard (1...256).contains(name.count), name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") })
        else {
            throw SesameError(
                .invalidParameter,
                "Invalid parameter: Topic Name" + (name.hasSuffix(".fifo") ? " (FIFO topics are not supported by Sesame)" : ""))
        }
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
        let account = arn.split(separator: ":", omittingEmptySubsequences: false).dropFirst(4).first.map(String.init) ?? caller.accountID
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
        if protocolName == "sqs" {
            return (try await subscribeQueue(caller, topicARN: topicARN, queueARN: endpoint, rawDelivery: rawDelivery), true)
        }
        guard protocolName == "http" || protocolName == "https" else {
            throw SesameError(
                .invalidParameter,
                "Invalid parameter: Amazon SNS in Sesame delivers to http, https and sqs endpoints only (got \(protocolName))")
        }
        guard let url = URL(string: endpoint), url.scheme?.lowercased() == protocolName, url.host != nil else {
            throw SesameError(.invalidParameter, "Invalid parameter: Endpoint must be an \(protocolName):// URL")
        }
        _ = try await existingTopic(topicARN)
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

    // MARK: Publishing

    public func publish(
        _ caller: Caller, topicARN: String, message: String, subject: String?, attributes: [String: SQSAttributeValue] = [:]
    ) async throws -> String {
        try authorize(caller, "sns:Publish", topicARN)
        guard !message.isEmpty else { throw SesameError(.invalidParameter, "Invalid parameter: Empty message") }
        if let subject, subject.count > 100 { throw SesameError(.invalidParameter, "Invalid parameter: Subject") }
        guard message.utf8.count + attributes.reduce(0, { $0 + $1.value.size(named: $1.key) }) <= 262_144 else {
            throw SesameError(.invalidParameter, "Invalid parameter: Message too long")
        }
        do {
            try SQSAttributeValue.validate(attributes)
        } catch {
            throw SesameError(.invalidParameter, "Invalid parameter: MessageAttributes: \(error.message)")
        }
        _ = try await existingTopic(topicARN)
        let id = UUID().uuidString.lowercased()
        let now = clock.now()
        try await store.transaction { session in
            try await self.enqueue(
                session, topicARN: topicARN, message: message, subject: subject, messageID: id, now: now, attributes: attributes)
        }
        posted.signal()
        return id
    }

    /// Adds a notification for every confirmed subscription of the topic to the outbox, inside
    /// the caller's transaction (SES uses this to publish its events atomically with them).
    public func enqueue(
        _ session: any StoreSession, topicARN: String, message: String, subject: String?, messageID: String, now: Date,
        attributes: [String: SQSAttributeValue] = [:]
    ) async throws {
        let subscriptions = try await session.subscriptions(topicARN: topicARN).filter(\.confirmed)
        guard !subscriptions.isEmpty else { return }
        let version = try await session.topic(arn: topicARN)?.attributes["SignatureVersion"] == "2" ? "2" : "1"
        var posts: [SNSOutboxItem] = []
        let filterable = attributes.mapValues { (type: $0.dataType, value: $0.stringValue ?? "") }
        for subscription in subscriptions {
            // The subscription's filter policy (validated when it was set) decides what it gets.
            if let text = subscription.attributes["FilterPolicy"],
                let policy = try? SNSFilterPolicy.parse(text, scope: subscription.attributes["FilterPolicyScope"]),
                !policy.matches(attributes: filterable, body: message)
            {
                continue
            }
            var fields: [String: String] = [
                "Type": "Notification", "MessageId": messageID, "TopicArn": topicARN, "Message": message,
                "Timestamp": SESNotification.timestamp(now), "SignatureVersion": version, "SigningCertURL": certificateURL,
                "UnsubscribeURL": "\(baseURL)/_sns/unsubscribe?SubscriptionArn=\(Self.query(subscription.arn))",
            ]
            if let subject { fields["Subject"] = subject }
            var body = subscription.rawDelivery ? message : try await signed(fields)
            if !subscription.rawDelivery && !attributes.isEmpty {
                // Message attributes ride in the envelope (outside the signed fields, as in SNS).
                body = Self.withAttributes(body, attributes)
            }
            if subscription.protocolName == "sqs" {
                // Straight into the queue, in the publisher's transaction: nothing to post.
                try await deliverToQueue(
                    session, queueARN: subscription.endpoint, body: body, topicARN: topicARN, now: now,
                    attributes: subscription.rawDelivery ? attributes : [:])
                continue
            }
            posts.append(
                SNSOutboxItem(
                    id: RandomIDs.requestID(), subscriptionARN: subscription.arn, endpoint: subscription.endpoint,
                    messageType: "Notification",
                    topicARN: topicARN, body: body, nextAttemptAt: now, createdAt: now))
        }
        try await session.insertOutbox(posts)
    }

    /// Adds a notification to an SQS queue (a queue that does not exist gets nothing, as with SNS).
    func deliverToQueue(
        _ session: any StoreSession, queueARN: String, body: String, topicARN: String, now: Date, attributes: [String: SQSAttributeValue]
    ) async throws {
        guard let key = SQSQueue.key(arn: queueARN), let queue = try await session.queue(key: key) else { return }
        let account = topicARN.split(separator: ":", omittingEmptySubsequences: false).dropFirst(4).first.map(String.init) ?? ""
        // As in AWS, SNS may send only where the queue's policy lets it (sns.amazonaws.com, for
        // this topic: `aws:SourceArn`); otherwise the notification is not delivered (and counted).
        guard Self.queueAccepts(queue, topicARN: topicARN, account: account) else {
            Counter(label: "sesame_sns_deliveries_refused_total", dimensions: [("protocol", "sqs")]).increment()
            return
        }
        try await session.insertQueueMessages([
            SQSMessage(
                id: UUID().uuidString.lowercased(), queueKey: queue.key, body: body, attributes: attributes, sentAt: now,
                visibleAt: now.addingTimeInterval(TimeInterval(queue.delay)), senderID: account,
                groupID: queue.isFIFO ? "sns" : nil, deduplicationID: queue.isFIFO ? UUID().uuidString : nil)
        ])
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

    static func queueAccepts(_ queue: SQSQueue, topicARN: String, account: String) -> Bool {
        guard let text = queue.attributes["Policy"], !text.isEmpty,
            let policy = try? SendingAuthorizationPolicy.parse(
                text, resourceARN: nil, actionPrefix: "sqs:", service: "an SQS", invalid: { SesameError(.invalidAttributeValue, $0) })
        else { return false }
        var request = AuthorizationRequest(action: "sqs:SendMessage", resource: queue.arn)
        request.context = ["aws:sourcearn": [topicARN], "aws:sourceaccount": [account], "aws:sourceowner": [account]]
        return policy.evaluate(request, requester: TrustPolicy.Requester(accountID: account, arns: [], service: "sns.amazonaws.com"))
            == .allowed
    }

    /// The JSON envelope with SNS's `MessageAttributes` (`{"name": {"Type": …, "Value": …}}`).
    static func withAttributes(_ envelope: String, _ attributes: [String: SQSAttributeValue]) -> String {
        guard var object = (try? JSONSerialization.jsonObject(with: Data(envelope.utf8))) as? [String: Any] else { return envelope }
        object["MessageAttributes"] = attributes.mapValues { value -> [String: String] in
            ["Type": value.dataType, "Value": value.binaryValue.map { Data($0).base64EncodedString() } ?? value.stringValue ?? ""]
        }
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }

    static func query(_ value: String) -> String {
        value.addingPercentEncoding(withAllowedCharacters: CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? value
    }
}
