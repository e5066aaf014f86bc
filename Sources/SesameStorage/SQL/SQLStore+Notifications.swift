import Foundation
import SQLKit
import SesameCore

// MARK: SNS topics, subscriptions and the outbox of HTTP posts

extension SQLStoreSession {
    func insertTopic(_ topic: SNSTopic) async throws {
        let attributes = String(decoding: try JSONEncoder().encode(topic.attributes), as: UTF8.self)
        try await db.raw(
            """
            INSERT INTO sns_topics (arn, region, name, attributes, created_at)
            VALUES (\(bind: topic.arn), \(bind: topic.region), \(bind: topic.name), \(bind: attributes), \(bind: Timestamp.millis(topic.createdAt)))
            """
        ).run()
    }

    func snsTopic(_ row: any SQLRow) throws -> SNSTopic {
        var topic = SNSTopic(
            arn: try row.decode(column: "arn", as: String.self), region: try row.decode(column: "region", as: String.self),
            name: try row.decode(column: "name", as: String.self),
            attributes: try JSONDecoder().decode(
                [String: String].self, from: Data(try row.decode(column: "attributes", as: String.self).utf8)),
            createdAt: Timestamp.date(millis: try row.decode(column: "created_at", as: Int64.self)))
        topic.tags =
            try row.decode(column: "tags", as: String?.self).flatMap {
                try? JSONDecoder().decode([String: String].self, from: Data($0.utf8))
            } ?? [:]
        return topic
    }

    func topic(arn: String) async throws -> SNSTopic? {
        try await db.raw("SELECT arn, region, name, attributes, created_at, tags FROM sns_topics WHERE arn = \(bind: arn)").first()
            .map(snsTopic)
    }

    func putTopicTags(arn: String, tags: [String: String]) async throws {
        let json = String(decoding: try JSONEncoder().encode(tags), as: UTF8.self)
        try await db.raw("UPDATE sns_topics SET tags = \(bind: json) WHERE arn = \(bind: arn)").run()
    }

    func topics(region: String) async throws -> [SNSTopic] {
        try await db.raw(
            "SELECT arn, region, name, attributes, created_at, tags FROM sns_topics WHERE region = \(bind: region) ORDER BY arn"
        )
        .all()
        .map(snsTopic)
    }

    func putTopicAttributes(arn: String, attributes: [String: String]) async throws {
        let json = String(decoding: try JSONEncoder().encode(attributes), as: UTF8.self)
        try await db.raw("UPDATE sns_topics SET attributes = \(bind: json) WHERE arn = \(bind: arn)").run()
    }

    func putSubscriptionAttributes(arn: String, attributes: [String: String], rawDelivery: Bool) async throws {
        let json = String(decoding: try JSONEncoder().encode(attributes), as: UTF8.self)
        try await db.raw(
            "UPDATE sns_subscriptions SET attributes = \(bind: json), raw_delivery = \(bind: rawDelivery ? 1 : 0) WHERE arn = \(bind: arn)"
        ).run()
    }

    func deleteTopic(arn: String) async throws {
        try await db.raw("DELETE FROM sns_subscriptions WHERE topic_arn = \(bind: arn)").run()
        try await db.raw("DELETE FROM sns_topics WHERE arn = \(bind: arn)").run()
    }

    static let subscriptionColumns = "arn, topic_arn, protocol, endpoint, confirmed, token, raw_delivery, created_at, attributes"

    func snsSubscription(_ row: any SQLRow) throws -> SNSSubscription {
        SNSSubscription(
            arn: try row.decode(column: "arn", as: String.self), topicARN: try row.decode(column: "topic_arn", as: String.self),
            protocolName: try row.decode(column: "protocol", as: String.self),
            endpoint: try row.decode(column: "endpoint", as: String.self),
            confirmed: try row.decode(column: "confirmed", as: Int.self) != 0, token: try row.decode(column: "token", as: String.self),
            rawDelivery: try row.decode(column: "raw_delivery", as: Int.self) != 0,
            createdAt: Timestamp.date(millis: try row.decode(column: "created_at", as: Int64.self)),
            attributes: try row.decode(column: "attributes", as: String?.self).flatMap {
                try? JSONDecoder().decode([String: String].self, from: Data($0.utf8))
            } ?? [:])
    }

    func insertSubscription(_ s: SNSSubscription) async throws {
        try await db.raw(
            """
            INSERT INTO sns_subscriptions (\(unsafeRaw: Self.subscriptionColumns))
            VALUES (\(bind: s.arn), \(bind: s.topicARN), \(bind: s.protocolName), \(bind: s.endpoint), \(bind: s.confirmed ? 1 : 0),
                    \(bind: s.token), \(bind: s.rawDelivery ? 1 : 0), \(bind: Timestamp.millis(s.createdAt)),
                    \(bind: s.attributes.isEmpty ? nil : String(decoding: try JSONEncoder().encode(s.attributes), as: UTF8.self)))
            """
        ).run()
    }

    func subscription(arn: String) async throws -> SNSSubscription? {
        try await db.raw("SELECT \(unsafeRaw: Self.subscriptionColumns) FROM sns_subscriptions WHERE arn = \(bind: arn)").first()
            .map(snsSubscription)
    }

    func subscriptions(topicARN: String) async throws -> [SNSSubscription] {
        try await db.raw(
            "SELECT \(unsafeRaw: Self.subscriptionColumns) FROM sns_subscriptions WHERE topic_arn = \(bind: topicARN) ORDER BY created_at, arn"
        ).all().map(snsSubscription)
    }

    func subscriptions(topicPrefix: String) async throws -> [SNSSubscription] {
        try await db.raw(
            """
            SELECT \(unsafeRaw: Self.subscriptionColumns) FROM sns_subscriptions WHERE topic_arn LIKE \(bind: topicPrefix + "%")
            ORDER BY created_at, arn
            """
        ).all().map(snsSubscription)
    }

    func confirmSubscription(arn: String) async throws {
        try await db.raw("UPDATE sns_subscriptions SET confirmed = 1 WHERE arn = \(bind: arn)").run()
    }

    func deleteSubscription(arn: String) async throws {
        try await db.raw("DELETE FROM sns_subscriptions WHERE arn = \(bind: arn)").run()
    }

    static let outboxColumns =
        "id, subscription_arn, endpoint, message_type, topic_arn, body, state, attempts, next_attempt_at, last_error, created_at"

    func outboxItem(_ row: any SQLRow) throws -> SNSOutboxItem {
        SNSOutboxItem(
            id: try row.decode(column: "id", as: String.self), subscriptionARN: try row.decode(column: "subscription_arn", as: String.self),
            endpoint: try row.decode(column: "endpoint", as: String.self),
            messageType: try row.decode(column: "message_type", as: String.self),
            topicARN: try row.decode(column: "topic_arn", as: String.self), body: try row.decode(column: "body", as: String.self),
            state: SNSOutboxItem.State(rawValue: try row.decode(column: "state", as: String.self)) ?? .pending,
            attempts: try row.decode(column: "attempts", as: Int.self),
            nextAttemptAt: Timestamp.date(millis: try row.decode(column: "next_attempt_at", as: Int64.self)),
            lastError: try row.decode(column: "last_error", as: String?.self),
            createdAt: Timestamp.date(millis: try row.decode(column: "created_at", as: Int64.self)))
    }

    func insertOutbox(_ items: [SNSOutboxItem]) async throws {
        for item in items {
            try await db.raw(
                """
                INSERT INTO sns_outbox (id, subscription_arn, endpoint, message_type, topic_arn, body, state, attempts, next_attempt_at,
                    lease_until, last_error, created_at)
                VALUES (\(bind: item.id), \(bind: item.subscriptionARN), \(bind: item.endpoint), \(bind: item.messageType),
                    \(bind: item.topicARN), \(bind: item.body), \(bind: item.state.rawValue), \(bind: item.attempts),
                    \(bind: Timestamp.millis(item.nextAttemptAt)), 0, \(bind: item.lastError), \(bind: Timestamp.millis(item.createdAt)))
                """
            ).run()
        }
    }

    func claimOutbox(owner: String, now: Date, leaseUntil: Date, limit: Int) async throws -> [SNSOutboxItem] {
        let at = Timestamp.millis(now)
        let locking = source.engine == .postgresql ? " FOR UPDATE SKIP LOCKED" : ""
        return try await db.raw(
            """
            UPDATE sns_outbox SET lease_owner = \(bind: owner), lease_until = \(bind: Timestamp.millis(leaseUntil)), attempts = attempts + 1
            WHERE id IN (
                SELECT id FROM sns_outbox WHERE state = 'pending' AND next_attempt_at <= \(bind: at) AND lease_until <= \(bind: at)
                ORDER BY next_attempt_at, created_at LIMIT \(bind: limit)\(unsafeRaw: locking))
            RETURNING \(unsafeRaw: Self.outboxColumns)
            """
        ).all().map(outboxItem).sorted { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }
    }

    func completeOutbox(_ item: SNSOutboxItem, owner: String) async throws {
        try await db.raw(
            """
            UPDATE sns_outbox SET state = \(bind: item.state.rawValue), next_attempt_at = \(bind: Timestamp.millis(item.nextAttemptAt)),
                last_error = \(bind: item.lastError), lease_owner = NULL, lease_until = 0
            WHERE id = \(bind: item.id) AND lease_owner = \(bind: owner)
            """
        ).run()
    }

    func outbox(limit: Int) async throws -> [SNSOutboxItem] {
        try await db.raw("SELECT \(unsafeRaw: Self.outboxColumns) FROM sns_outbox ORDER BY created_at DESC, id LIMIT \(bind: limit)").all()
            .map(outboxItem)
    }

    // MARK: SES notification settings

    func putNotificationTopic(_ setting: NotificationTopicSetting) async throws {
        try await db.raw(
            """
            INSERT INTO ses_notification_topics (region, identity, kind, topic_arn, include_headers)
            VALUES (\(bind: setting.region), \(bind: setting.identity), \(bind: setting.kind), \(bind: setting.topicARN),
                    \(bind: setting.includeHeaders ? 1 : 0))
            ON CONFLICT (region, identity, kind) DO UPDATE SET topic_arn = excluded.topic_arn, include_headers = excluded.include_headers
            """
        ).run()
    }

    func deleteNotificationTopic(region: String, identity: String, kind: String) async throws {
        try await db.raw(
            "DELETE FROM ses_notification_topics WHERE region = \(bind: region) AND identity = \(bind: identity) AND kind = \(bind: kind)"
        ).run()
    }

    func notificationTopics(region: String, identities: [String]) async throws -> [NotificationTopicSetting] {
        guard !identities.isEmpty else { return [] }
        var query = SQLQueryString(
            "SELECT region, identity, kind, topic_arn, include_headers FROM ses_notification_topics WHERE region = \(bind: region) AND identity IN ("
        )
        for (index, identity) in identities.enumerated() {
            query += index == 0 ? "\(bind: identity)" : ", \(bind: identity)"
        }
        query += ") ORDER BY identity, kind"
        return try await db.raw(query).all().map { row in
            NotificationTopicSetting(
                region: try row.decode(column: "region", as: String.self), identity: try row.decode(column: "identity", as: String.self),
                kind: try row.decode(column: "kind", as: String.self), topicARN: try row.decode(column: "topic_arn", as: String.self),
                includeHeaders: try row.decode(column: "include_headers", as: Int.self) != 0)
        }
    }

    func hasNotificationSettings(region: String) async throws -> Bool {
        let topics = try await db.raw("SELECT 1 AS x FROM ses_notification_topics WHERE region = \(bind: region) LIMIT 1").first()
        if topics != nil { return true }
        return try await db.raw("SELECT 1 AS x FROM ses_event_destinations WHERE region = \(bind: region) LIMIT 1").first() != nil
    }

    func putEventDestination(_ d: EventDestination) async throws {
        let json: String? = d.topicARN == nil ? d.target.storedJSON : nil
        try await db.raw(
            """
            INSERT INTO ses_event_destinations (region, configuration_set, name, enabled, event_types, topic_arn, target)
            VALUES (\(bind: d.region), \(bind: d.configurationSet), \(bind: d.name), \(bind: d.enabled ? 1 : 0),
                    \(bind: d.eventTypes.joined(separator: " ")), \(bind: d.topicARN ?? ""), \(bind: json))
            ON CONFLICT (region, configuration_set, name) DO UPDATE SET enabled = excluded.enabled, event_types = excluded.event_types,
                topic_arn = excluded.topic_arn, target = excluded.target
            """
        ).run()
    }

    func eventDestinations(region: String, configurationSet: String) async throws -> [EventDestination] {
        try await db.raw(
            """
            SELECT region, configuration_set, name, enabled, event_types, topic_arn, target, undelivered FROM ses_event_destinations
            WHERE region = \(bind: region) AND configuration_set = \(bind: configurationSet) ORDER BY name
            """
        ).all().map(Self.eventDestination)
    }

    func allEventDestinations(region: String) async throws -> [EventDestination] {
        try await db.raw(
            """
            SELECT region, configuration_set, name, enabled, event_types, topic_arn, target, undelivered FROM ses_event_destinations
            WHERE region = \(bind: region) ORDER BY configuration_set, name
            """
        ).all().map(Self.eventDestination)
    }

    static func eventDestination(_ row: any SQLRow) throws -> EventDestination {
        EventDestination(
            region: try row.decode(column: "region", as: String.self),
            configurationSet: try row.decode(column: "configuration_set", as: String.self),
            name: try row.decode(column: "name", as: String.self),
            enabled: try row.decode(column: "enabled", as: Int.self) != 0,
            eventTypes: try row.decode(column: "event_types", as: String.self).split(separator: " ").map(String.init),
            target: EventDestinationTarget.stored(
                json: try row.decode(column: "target", as: String?.self), topicARN: try row.decode(column: "topic_arn", as: String.self)),
            undelivered: try row.decode(column: "undelivered", as: Int.self))
    }

    func countUndeliveredEvent(region: String, configurationSet: String, name: String) async throws {
        try await db.raw(
            """
            UPDATE ses_event_destinations SET undelivered = undelivered + 1
            WHERE region = \(bind: region) AND configuration_set = \(bind: configurationSet) AND name = \(bind: name)
            """
        ).run()
    }

    func deleteEventDestination(region: String, configurationSet: String, name: String) async throws {
        try await db.raw(
            """
            DELETE FROM ses_event_destinations WHERE region = \(bind: region) AND configuration_set = \(bind: configurationSet) AND name = \(bind: name)
            """
        ).run()
    }
}
