import Crypto
public import Foundation
import Metrics
import SesameConcurrency
public import SesameCore
public import SesameStorage

/// Publish and PublishBatch: standard and FIFO topics, per-protocol messages, filter policies,
/// and the fan-out to each subscription (the outbox for HTTP(S), the queue itself for SQS).
extension SNSBackend {
    /// What SNS answers for one published message.
    public struct Published: Sendable, Equatable {
        public var messageID: String
        /// FIFO topics only.
        public var sequenceNumber: String?
    }

    public func publish(_ caller: Caller, topicARN: String, _ publication: SNSPublication) async throws -> Published {
        try await publishBatch(caller, topicARN: topicARN, [publication])[0].get()
    }

    /// PublishBatch's request-wide checks: 1 to 10 entries with distinct, well-formed ids, and
    /// SNS's size limit for all of them together.
    public static func checkBatch(ids: [String], totalSize: Int) throws(SesameError) {
        guard !ids.isEmpty else { throw SesameError(.emptyBatchRequest, "The batch request doesn't contain any entries.") }
        guard ids.count <= 10 else {
            throw SesameError(.tooManyEntriesInBatchRequest, "The batch request contains more entries than permissible.")
        }
        guard Set(ids).count == ids.count else {
            throw SesameError(.batchEntryIdsNotDistinct, "Two or more batch entries in the request have the same Id.")
        }
        for id in ids
        where !BatchEntryID.isValid(id) {
            throw SesameError(.invalidBatchEntryId, "The Id of a batch entry in a batch request doesn't abide by the specification.")
        }
        guard totalSize <= SNSPublication.maximumSize else {
            throw SesameError(.batchRequestTooLong, "The length of all the messages put together is more than the limit.")
        }
    }

    /// Publishes each entry in one transaction; each gets its message ID or its error.
    public func publishBatch(
        _ caller: Caller, topicARN: String, _ entries: [SNSPublication]
    ) async throws -> [Result<Published, SesameError>] {
        try authorize(caller, "sns:Publish", topicARN)
        let topic = try await existingTopic(topicARN)
        let now = clock.now()
        let results = try await store.transaction { session -> [Result<Published, SesameError>] in
            var results: [Result<Published, SesameError>] = []
            var earlier: [String: Published] = [:]
            for entry in entries {
                let publication: SNSPublication
                do throws(SesameError) {
                    publication = try Self.checked(entry, for: topic)
                } catch {
                    results.append(.failure(error))
                    continue
                }
                // FIFO: a deduplication ID seen in the last 5 minutes is accepted again and not delivered twice.
                let dedupKey = "sns:" + topic.arn
                if let id = publication.deduplicationID {
                    if let seen = earlier[id] {
                        results.append(.success(seen))
                        continue
                    }
                    if let seen = try await session.deduplicated(key: dedupKey, deduplicationID: id, since: now.addingTimeInterval(-300)) {
                        results.append(.success(Published(messageID: seen.messageID, sequenceNumber: seen.sequence)))
                        continue
                    }
                }
                let millis = Int64(now.timeIntervalSince1970 * 1000)
                let published = Published(
                    messageID: UUID().uuidString.lowercased(),
                    sequenceNumber: topic.isFIFO ? String(format: "%020lld", millis * 1000 + Int64(results.count)) : nil)
                try await self.enqueue(session, topic: topic, publication, published, now: now)
                if let id = publication.deduplicationID {
                    earlier[id] = published
                    // The window is kept with SQS's, under a key no queue can have.
                    try await session.rememberDeduplication(
                        SQSMessage(
                            id: published.messageID, queueKey: dedupKey, body: "", attributes: [:], sentAt: now, visibleAt: now,
                            senderID: "", groupID: publication.groupID, deduplicationID: id, sequenceNumber: published.sequenceNumber))
                }
                results.append(.success(published))
            }
            return results
        }
        posted.signal()
        return results
    }

    /// The entry as the topic takes it: FIFO topics need a group and a deduplication ID (given, or
    /// the message's SHA-256 with content-based deduplication); standard topics take no deduplication ID.
    static func checked(_ entry: SNSPublication, for topic: SNSTopic) throws(SesameError) -> SNSPublication {
        var publication = entry
        guard topic.isFIFO else {
            if entry.deduplicationID != nil {
                throw SesameError(
                    .invalidParameter,
                    "Invalid parameter: MessageDeduplicationId Reason: The request includes MessageDeduplicationId parameter that is not valid for this topic type"
                )
            }
            return publication
        }
        guard entry.groupID != nil else {
            throw SesameError(.invalidParameter, "Invalid parameter: The MessageGroupId parameter is required for FIFO topics")
        }
        if publication.deduplicationID == nil {
            guard topic.attributes["ContentBasedDeduplication"] == "true" else {
                throw SesameError(
                    .invalidParameter,
                    "Invalid parameter: The topic should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly"
                )
            }
            publication.deduplicationID = SHA256.hash(data: Array(entry.message.utf8)).map { String(format: "%02x", $0) }.joined()
        }
        return publication
    }

    /// Adds a notification for every confirmed subscription of the topic, inside the caller's
    /// transaction (SES uses this to publish its events atomically with them). A topic that does
    /// not exist gets nothing.
    public func enqueue(
        _ session: any StoreSession, topicARN: String, message: String, subject: String?, messageID: String, now: Date
    )
        async throws
    {
        guard let topic = try await session.topic(arn: topicARN) else { return }
        var publication = SNSPublication(notification: message, subject: subject)
        if topic.isFIFO {
            publication.groupID = "ses"
            publication.deduplicationID = messageID
        }
        try await enqueue(session, topic: topic, publication, Published(messageID: messageID, sequenceNumber: nil), now: now)
    }

    func enqueue(
        _ session: any StoreSession, topic: SNSTopic, _ publication: SNSPublication, _ published: Published, now: Date
    )
        async throws
    {
        let subscriptions = try await session.subscriptions(topicARN: topic.arn).filter(\.confirmed)
        guard !subscriptions.isEmpty else { return }
        let version = topic.attributes["SignatureVersion"] == "2" ? "2" : "1"
        var posts: [SNSOutboxItem] = []
        let attributes = publication.attributes
        let filterable = attributes.mapValues { (type: $0.dataType, value: $0.stringValue ?? "") }
        for subscription in subscriptions {
            let message = publication.message(for: subscription.protocolName)
            // The subscription's filter policy (validated when it was set) decides what it gets.
            if let text = subscription.attributes["FilterPolicy"],
                let policy = try? SNSFilterPolicy.parse(text, scope: subscription.attributes["FilterPolicyScope"]),
                !policy.matches(attributes: filterable, body: message)
            {
                continue
            }
            var fields: [String: String] = [
                "Type": "Notification", "MessageId": published.messageID, "TopicArn": topic.arn, "Message": message,
                "Timestamp": SESNotification.timestamp(now), "SignatureVersion": version, "SigningCertURL": certificateURL,
                "UnsubscribeURL": "\(baseURL)/_sns/unsubscribe?SubscriptionArn=\(Self.query(subscription.arn))",
            ]
            if let subject = publication.subject { fields["Subject"] = subject }
            if let sequence = published.sequenceNumber { fields["SequenceNumber"] = sequence }
            var body = subscription.rawDelivery ? message : try await signed(fields)
            if !subscription.rawDelivery && !attributes.isEmpty {
                // Message attributes ride in the envelope (outside the signed fields, as in SNS).
                body = Self.withAttributes(body, attributes)
            }
            switch subscription.protocolName {
            case "sqs":
                // Straight into the queue, in the publisher's transaction: nothing to post.
                let delivered = try await Self.deliverToQueue(
                    session, queueARN: subscription.endpoint, body: body, topicARN: topic.arn, now: now,
                    attributes: subscription.rawDelivery ? attributes : [:], groupID: publication.groupID,
                    deduplicationID: publication.deduplicationID.map { _ in published.messageID })
                if !delivered {
                    try await Self.deadLetter(session, subscription: subscription, body: body, now: now)
                }
            case "email", "email-json":
                try await mailNotification(
                    session, subscription: subscription, json: subscription.protocolName == "email-json", body: body, message: message,
                    subject: publication.subject, now: now)
            default:
                posts.append(
                    SNSOutboxItem(
                        id: RandomIDs.requestID(), subscriptionARN: subscription.arn, endpoint: subscription.endpoint,
                        messageType: "Notification", topicARN: topic.arn, body: body, nextAttemptAt: now, createdAt: now))
            }
        }
        try await session.insertOutbox(posts)
    }

    /// Adds a notification to an SQS queue; false when the queue does not exist or its policy does
    /// not let this topic send (SNS then counts the delivery as failed).
    static func deliverToQueue(
        _ session: any StoreSession, queueARN: String, body: String, topicARN: String, now: Date, attributes: [String: SQSAttributeValue],
        groupID: String? = nil, deduplicationID: String? = nil
    ) async throws -> Bool {
        guard let key = SQSQueue.key(arn: queueARN), let queue = try await session.queue(key: key) else { return false }
        let account = Self.account(of: topicARN)
        // As in AWS, SNS may send only where the queue's policy lets it (sns.amazonaws.com, for
        // this topic: `aws:SourceArn`); otherwise the notification is not delivered (and counted).
        guard Self.queueAccepts(queue, topicARN: topicARN, account: account) else {
            Counter(label: "sesame_sns_deliveries_refused_total", dimensions: [("protocol", "sqs")]).increment()
            return false
        }
        let id = UUID().uuidString.lowercased()
        try await session.insertQueueMessages([
            SQSMessage(
                id: id, queueKey: queue.key, body: body, attributes: attributes, sentAt: now,
                visibleAt: now.addingTimeInterval(TimeInterval(queue.isFIFO ? 0 : queue.delay)), senderID: account,
                groupID: queue.isFIFO ? groupID ?? "sns" : nil, deduplicationID: queue.isFIFO ? deduplicationID ?? id : nil,
                sequenceNumber: queue.isFIFO ? String(format: "%020lld", Int64(now.timeIntervalSince1970 * 1_000_000)) : nil)
        ])
        return true
    }

    /// A notification a subscription could not take goes to the SQS queue its `RedrivePolicy`
    /// names, if any (and if that queue's policy lets SNS send); true when it was kept there.
    @discardableResult
    public static func deadLetter(_ session: any StoreSession, subscription: SNSSubscription, body: String, now: Date) async throws -> Bool
    {
        guard let text = subscription.attributes["RedrivePolicy"],
            let object = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any],
            let target = object["deadLetterTargetArn"] as? String
        else { return false }
        let kept = try await deliverToQueue(
            session, queueARN: target, body: body, topicARN: subscription.topicARN, now: now, attributes: [:])
        Counter(label: "sesame_sns_dead_lettered_total", dimensions: [("kept", kept ? "true" : "false")]).increment()
        return kept
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
}
