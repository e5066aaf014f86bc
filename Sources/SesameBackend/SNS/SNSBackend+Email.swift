public import Foundation
public import SesameConcurrency
public import SesameCore
import SesameStorage

/// SNS's `email` and `email-json` protocols: the confirmation mail and the notifications go
/// through Sesame's own sending path (captured in capture mode, delivered in relay and mx modes),
/// written in the publisher's transaction.
extension SNSBackend {
    public struct MailSettings: Sendable {
        /// SNS's mail comes from this address; the display name is the topic's `DisplayName`.
        public var sender = "no-reply@sns.sesame.localhost"
        public var deliveryMode = DeliveryMode.capture
        /// Signalled after mail was queued for delivery.
        public var queued: WakeSignal?

        public init() {}
    }

    /// An email subscription: pending until the link in the confirmation mail is followed.
    func subscribeEmail(
        _ caller: Caller, topic: SNSTopic, protocolName: String, endpoint: String
    ) async throws -> (
        arn: String, confirmed: Bool
    ) {
        guard let address = EmailAddress.parse(endpoint), address.displayName == nil else {
            throw SesameError(.invalidParameter, "Invalid parameter: Email address")
        }
        let now = clock.now()
        let subscription = SNSSubscription(
            arn: "\(topic.arn):\(UUID().uuidString.lowercased())", topicARN: topic.arn, protocolName: protocolName,
            endpoint: address.address, confirmed: false, token: RandomIDs.pick(64, from: Array("0123456789abcdef")), rawDelivery: false,
            createdAt: now)
        let result = try await store.transaction { session -> (arn: String, confirmed: Bool) in
            if let existing = try await session.subscriptions(topicARN: topic.arn).first(where: {
                $0.endpoint.lowercased() == address.address.lowercased() && $0.protocolName == protocolName
            }) {
                return (existing.arn, existing.confirmed)
            }
            try await session.insertSubscription(subscription)
            let link = "\(baseURL)/_sns/confirm?TopicArn=\(Self.query(topic.arn))&Token=\(subscription.token)"
            let text = """
                You have chosen to subscribe to the topic:
                \(topic.arn)

                To confirm this subscription, click or visit the link below (If this was in error no action is necessary):
                \(link)

                Please do not reply directly to this email. If you wish to remove yourself from receiving all future SNS subscription confirmation requests please send an email to the topic owner.
                """
            try await self.mail(
                session, topic: topic, to: address.address, subject: "AWS Notification - Subscription Confirmation", text: text, now: now)
            return (subscription.arn, false)
        }
        mailSettings.queued?.signal()
        return result
    }

    /// One notification by mail: the message with an unsubscribe link (`email`), or the JSON
    /// envelope as an HTTP endpoint gets it (`email-json`).
    func mailNotification(
        _ session: any StoreSession, subscription: SNSSubscription, json: Bool, body: String, message: String, subject: String?, now: Date
    ) async throws {
        guard let topic = try await session.topic(arn: subscription.topicARN) else { return }
        let unsubscribe = "\(baseURL)/_sns/unsubscribe?SubscriptionArn=\(Self.query(subscription.arn))"
        let text =
            json
            ? body
            : """
            \(message)

            --
            If you wish to stop receiving notifications from this topic, please click or visit the link below to unsubscribe:
            \(unsubscribe)

            Please do not reply directly to this email.
            """
        try await mail(
            session, topic: topic, to: subscription.endpoint, subject: subject ?? "AWS Notification Message", text: text, now: now)
        mailSettings.queued?.signal()
    }

    func mail(_ session: any StoreSession, topic: SNSTopic, to address: String, subject: String, text: String, now: Date) async throws {
        let id = MessageID.make(at: now)
        let displayName = topic.attributes["DisplayName"].flatMap { $0.isEmpty ? nil : $0 } ?? "AWS Notifications"
        let raw = MIME.simpleMessage(
            from: EmailAddress(displayName: displayName, address: mailSettings.sender), to: [EmailAddress(address: address)], cc: [],
            replyTo: [], subject: subject, text: text, html: nil, messageID: id, date: now)
        var message = StoredMessage(
            id: id, region: topic.region, source: mailSettings.sender, destinations: [address], subject: subject, raw: raw,
            principalARN: "arn:\(Partition.of(region: topic.region)):iam::\(Self.account(of: topic.arn)):root", via: .snsNotification,
            createdAt: now)
        // SNS's mail is not SES mail: no quota, no suppression list.
        message.countsTowardQuota = false
        SESBackend.plan(&message, mode: mailSettings.deliveryMode, suppressed: [])
        try await session.insertMessages([message])
    }

    static func account(of arn: String) -> String {
        ARN.account(of: arn) ?? ""
    }
}
