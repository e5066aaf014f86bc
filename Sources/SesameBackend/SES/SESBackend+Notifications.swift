import Foundation
import Metrics
public import SesameCore
import SesameStorage

/// SES's feedback: identity notification topics (v1 `SetIdentityNotificationTopic`), feedback
/// forwarding, and configuration-set event destinations of type SNS; and the fan-out that turns
/// events into SNS notifications in the same transaction that records them.
extension SESBackend {
    static let notificationKinds = ["Bounce", "Complaint", "Delivery"]
    /// SES v1 event type names; v2's (`DELIVERY_DELAY`) map onto these.
    static let eventTypeNames = [
        "send", "reject", "bounce", "complaint", "delivery", "open", "click", "renderingFailure", "deliveryDelay", "subscription",
    ]

    static func forwardingKey(_ region: String, _ identity: String) -> String { "ses-feedback-forwarding:\(region):\(identity)" }

    public struct NotificationAttributes: Sendable {
        public var identity: String
        public var topics: [String: String]
        public var headersIncluded: [String: Bool]
        public var forwardingEnabled: Bool
    }

    public func setIdentityNotificationTopic(
        _ caller: Caller, region: String, identity: String, kind: String, topicARN: String?
    ) async throws {
        guard Self.notificationKinds.contains(kind) else {
            throw SesameError(.invalidParameterValue, "NotificationType must be Bounce, Complaint or Delivery (got \(kind)).")
        }
        try authorize(caller, "ses:SetIdentityNotificationTopic", identityARN(caller, region, identity))
        let name = identity.lowercased()
        try await store.transaction { session in
            guard try await session.identity(region: region, name: name) != nil else {
                throw SesameError(.invalidParameterValue, "Identity <\(identity)> does not exist.")
            }
            guard let topicARN else {
                try await session.deleteNotificationTopic(region: region, identity: name, kind: kind)
                return
            }
            guard try await session.topic(arn: topicARN) != nil else {
                throw SesameError(.invalidParameterValue, "Invalid SNS topic <\(topicARN)>: the topic does not exist.")
            }
            let headers =
                try await session.notificationTopics(region: region, identities: [name]).first { $0.kind == kind }?.includeHeaders ?? false
            try await session.putNotificationTopic(
                NotificationTopicSetting(region: region, identity: name, kind: kind, topicARN: topicARN, includeHeaders: headers))
        }
        sendingState.invalidate(region)
    }

    public func setHeadersInNotifications(_ caller: Caller, region: String, identity: String, kind: String, enabled: Bool) async throws {
        try authorize(caller, "ses:SetIdentityHeadersInNotificationsEnabled", identityARN(caller, region, identity))
        try await store.transaction { session in
            guard
                var setting = try await session.notificationTopics(region: region, identities: [identity.lowercased()]).first(where: {
                    $0.kind == kind
                })
            else { return }
            setting.includeHeaders = enabled
            try await session.putNotificationTopic(setting)
        }
    }

    /// Forwarding may be turned off only when bounces and complaints go to topics, as in SES.
    public func setFeedbackForwarding(_ caller: Caller, region: String, identity: String, enabled: Bool, v2: Bool = false) async throws {
        try authorize(
            caller, v2 ? "ses:PutEmailIdentityFeedbackAttributes" : "ses:SetIdentityFeedbackForwardingEnabled",
            identityARN(caller, region, identity))
        let name = identity.lowercased()
        try await store.transaction { session in
            guard try await session.identity(region: region, name: name) != nil else {
                throw v2
                    ? Self.identityMissing(identity, v2: true)
                    : SesameError(.invalidParameterValue, "Identity <\(identity)> does not exist.")
            }
            if !enabled {
                let kinds = Set(try await session.notificationTopics(region: region, identities: [name]).map(\.kind))
                guard kinds.contains("Bounce") && kinds.contains("Complaint") else {
                    throw SesameError(
                        .invalidParameterValue,
                        "Feedback forwarding can be disabled only when Amazon SNS topics are set for both bounces and complaints for <\(identity)>."
                    )
                }
            }
            try await session.putSetting(Self.forwardingKey(region, name), enabled ? "true" : "false")
        }
    }

    public func notificationAttributes(_ caller: Caller, region: String, identities: [String]) async throws -> [NotificationAttributes] {
        try authorize(caller, "ses:GetIdentityNotificationAttributes", "*")
        return try await store.read { session in
            var out: [NotificationAttributes] = []
            for identity in identities {
                let name = identity.lowercased()
                guard try await session.identity(region: region, name: name) != nil else { continue }
                let settings = try await session.notificationTopics(region: region, identities: [name])
                out.append(
                    NotificationAttributes(
                        identity: identity, topics: Dictionary(uniqueKeysWithValues: settings.map { ($0.kind, $0.topicARN) }),
                        headersIncluded: Dictionary(uniqueKeysWithValues: settings.map { ($0.kind, $0.includeHeaders) }),
                        forwardingEnabled: try await session.setting(Self.forwardingKey(region, name)) != "false"))
            }
            return out
        }
    }

    // MARK: Configuration-set event destinations

    /// Creates or replaces an event destination (v1 and v2 take the same information). Every
    /// type is stored; only SNS destinations receive events (the others count what they miss).
    public func putEventDestination(
        _ caller: Caller, region: String, configurationSet: String, name: String, enabled: Bool, eventTypes: [String],
        target: EventDestinationTarget, create: Bool, action: String
    ) async throws {
        try authorize(
            caller, action, "arn:\(Partition.of(region: region)):ses:\(region):\(caller.accountID):configuration-set/\(configurationSet)")
        let types = try eventTypes.map { type throws(SesameError) -> String in
            let camel =
                type.contains("_") || type == type.uppercased()
                ? type.lowercased().split(separator: "_").enumerated().map { $0.offset == 0 ? String($0.element) : $0.element.capitalized }
                    .joined()
                : type
            guard Self.eventTypeNames.contains(camel) else { throw SesameError(.invalidParameterValue, "Unknown event type \(type).") }
            return camel
        }
        guard !types.isEmpty else { throw SesameError(.invalidParameterValue, "MatchingEventTypes must name at least one event type.") }
        try await store.transaction { session in
            guard try await session.configurationSetExists(region: region, name: configurationSet) else {
                throw SesameError(.configurationSetDoesNotExist, "Configuration set <\(configurationSet)> does not exist.")
            }
            if let topicARN = target.topicARN, try await session.topic(arn: topicARN) == nil {
                throw SesameError(.invalidParameterValue, "Invalid SNS topic <\(topicARN)>: the topic does not exist.")
            }
            let exists = try await session.eventDestinations(region: region, configurationSet: configurationSet).contains {
                $0.name == name
            }
            if create && exists {
                throw SesameError(.alreadyExists, "Event destination \(name) already exists in configuration set \(configurationSet).")
            }
            if !create && !exists { throw SesameError(.notFound, "Event destination \(name) does not exist.") }
            try await session.putEventDestination(
                EventDestination(
                    region: region, configurationSet: configurationSet, name: name, enabled: enabled, eventTypes: types, target: target)
            )
        }
        sendingState.invalidate(region)
    }

    public func eventDestinations(
        _ caller: Caller, region: String, configurationSet: String, action: String
    ) async throws -> [EventDestination] {
        try authorize(
            caller, action, "arn:\(Partition.of(region: region)):ses:\(region):\(caller.accountID):configuration-set/\(configurationSet)")
        return try await store.read { session in
            guard try await session.configurationSetExists(region: region, name: configurationSet) else {
                throw SesameError(.configurationSetDoesNotExist, "Configuration set <\(configurationSet)> does not exist.")
            }
            return try await session.eventDestinations(region: region, configurationSet: configurationSet)
        }
    }

    public func deleteEventDestination(
        _ caller: Caller, region: String, configurationSet: String, name: String, action: String
    ) async throws {
        try authorize(
            caller, action, "arn:\(Partition.of(region: region)):ses:\(region):\(caller.accountID):configuration-set/\(configurationSet)")
        try await store.transaction { session in
            guard
                try await session.eventDestinations(region: region, configurationSet: configurationSet).contains(where: { $0.name == name })
            else {
                throw SesameError(.notFound, "Event destination \(name) does not exist.")
            }
            try await session.deleteEventDestination(region: region, configurationSet: configurationSet, name: name)
        }
        sendingState.invalidate(region)
    }

    // MARK: Fan-out

    /// Publishes events to the topics that want them, in `session`'s transaction: the sending
    /// identity's notification topic (the address's own setting first, then its domain's) for
    /// Bounce, Complaint and Delivery, and the message's configuration-set event destinations.
    static func publish(_ events: [DeliveryEvent], messages: [StoredMessage], sns: SNSBackend, session: any StoreSession) async throws {
        guard !events.isEmpty else { return }
        var known = Dictionary(messages.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        for event in events {
            if known[event.messageID] == nil, let message = try await session.messages(ids: [event.messageID]).first {
                known[event.messageID] = message
            }
            guard let message = known[event.messageID] else { continue }
            if notificationKinds.contains(event.kind.rawValue) {
                let source = message.source.lowercased()
                let domain = String(source.split(separator: "@").last ?? "")
                let settings = try await session.notificationTopics(region: message.region, identities: [source, domain])
                    .filter { $0.kind == event.kind.rawValue }
                if let setting = settings.first(where: { $0.identity == source }) ?? settings.first {
                    let json = SESNotification.json(
                        event, message: message, includeHeaders: setting.includeHeaders, format: .identityNotification)
                    try await sns.enqueue(
                        session, topicARN: setting.topicARN, message: json, subject: nil, messageID: UUID().uuidString.lowercased(),
                        now: event.createdAt)
                }
            }
            if let set = message.configurationSet {
                for destination in try await session.eventDestinations(region: message.region, configurationSet: set)
                where destination.enabled && destination.eventTypes.contains(event.kind.eventTypeName) {
                    guard let topicARN = destination.topicARN else {
                        // CloudWatch, Firehose, EventBridge and Pinpoint do not exist here: counted, not dropped silently.
                        try await session.countUndeliveredEvent(region: message.region, configurationSet: set, name: destination.name)
                        Counter(
                            label: "sesame_events_undelivered_total",
                            dimensions: [("destination_type", destination.target.metricName), ("event_type", event.kind.eventTypeName)]
                        ).increment()
                        continue
                    }
                    let json = SESNotification.json(event, message: message, includeHeaders: true, format: .eventPublishing)
                    try await sns.enqueue(
                        session, topicARN: topicARN, message: json, subject: nil, messageID: UUID().uuidString.lowercased(),
                        now: event.createdAt)
                }
            }
        }
    }
}
