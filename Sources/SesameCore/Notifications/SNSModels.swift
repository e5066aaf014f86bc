public import Foundation

/// An SNS topic (the minimal SNS Sesame serves so SES notifications reach existing handlers).
public struct SNSTopic: Sendable, Equatable {
    public var arn: String
    public var region: String
    public var name: String
    public var attributes: [String: String]
    public var createdAt: Date
    public var tags: [String: String] = [:]
    /// FIFO topics (`.fifo` names, created with `FifoTopic=true`).
    public var isFIFO: Bool { attributes["FifoTopic"] == "true" }

    public init(arn: String, region: String, name: String, attributes: [String: String], createdAt: Date) {
        self.arn = arn
        self.region = region
        self.name = name
        self.attributes = attributes
        self.createdAt = createdAt
    }
}

public struct SNSSubscription: Sendable, Equatable {
    public var arn: String
    public var topicARN: String
    /// `http` or `https`.
    public var protocolName: String
    public var endpoint: String
    public var confirmed: Bool
    /// The confirmation token sent in the SubscriptionConfirmation message.
    public var token: String
    public var rawDelivery: Bool
    public var createdAt: Date
    /// Settable attributes as given (FilterPolicy, FilterPolicyScope, RedrivePolicy, DeliveryPolicy, …).
    public var attributes: [String: String] = [:]

    public init(
        arn: String, topicARN: String, protocolName: String, endpoint: String, confirmed: Bool, token: String, rawDelivery: Bool,
        createdAt: Date, attributes: [String: String] = [:]
    ) {
        self.attributes = attributes
        self.arn = arn
        self.topicARN = topicARN
        self.protocolName = protocolName
        self.endpoint = endpoint
        self.confirmed = confirmed
        self.token = token
        self.rawDelivery = rawDelivery
        self.createdAt = createdAt
    }
}

/// One HTTP POST SNS owes an endpoint, kept until it is answered with 2xx (or given up on).
public struct SNSOutboxItem: Sendable, Equatable {
    public enum State: String, Sendable { case pending, delivered, failed }

    public var id: String
    public var subscriptionARN: String
    public var endpoint: String
    /// `Notification`, `SubscriptionConfirmation` or `UnsubscribeConfirmation`.
    public var messageType: String
    public var topicARN: String
    /// The JSON document posted (already signed).
    public var body: String
    public var state: State
    public var attempts: Int
    public var nextAttemptAt: Date
    public var lastError: String?
    public var createdAt: Date

    public init(
        id: String, subscriptionARN: String, endpoint: String, messageType: String, topicARN: String, body: String, state: State = .pending,
        attempts: Int = 0, nextAttemptAt: Date, lastError: String? = nil, createdAt: Date
    ) {
        self.id = id
        self.subscriptionARN = subscriptionARN
        self.endpoint = endpoint
        self.messageType = messageType
        self.topicARN = topicARN
        self.body = body
        self.state = state
        self.attempts = attempts
        self.nextAttemptAt = nextAttemptAt
        self.lastError = lastError
        self.createdAt = createdAt
    }
}

/// SES v1 `SetIdentityNotificationTopic`: where an identity's Bounce, Complaint or Delivery
/// notifications go.
public struct NotificationTopicSetting: Sendable, Equatable {
    public var region: String
    public var identity: String
    /// `Bounce`, `Complaint` or `Delivery`.
    public var kind: String
    public var topicARN: String
    public var includeHeaders: Bool

    public init(region: String, identity: String, kind: String, topicARN: String, includeHeaders: Bool) {
        self.region = region
        self.identity = identity
        self.kind = kind
        self.topicARN = topicARN
        self.includeHeaders = includeHeaders
    }
}
