import Foundation
import SQLKit
import SesameCore

// MARK: SQS

extension SQLStoreSession {
    func queue(key: String) async throws -> SQSQueue? {
        try await db.raw("SELECT document FROM sqs_queues WHERE key = \(bind: key)").first().flatMap {
            try? StoredDocument.decoder.decode(SQSQueue.self, from: Data(try $0.decode(column: "document", as: String.self).utf8))
        }
    }

    func queues(region: String, prefix: String, after: String?, limit: Int) async throws -> [SQSQueue] {
        try await db.raw(
            """
            SELECT document FROM sqs_queues WHERE region = \(bind: region) AND name >= \(bind: prefix) AND name > \(bind: after ?? "")
            ORDER BY name LIMIT \(bind: limit)
            """
        ).all().compactMap {
            try? StoredDocument.decoder.decode(SQSQueue.self, from: Data(try $0.decode(column: "document", as: String.self).utf8))
        }.filter { $0.name.hasPrefix(prefix) }
    }

    func putQueue(_ queue: SQSQueue) async throws {
        let json = String(decoding: try StoredDocument.encoder.encode(queue), as: UTF8.self)
        try await db.raw(
            """
            INSERT INTO sqs_queues (key, region, name, document) VALUES (\(bind: queue.key), \(bind: queue.region), \(bind: queue.name), \(bind: json))
            ON CONFLICT (key) DO UPDATE SET document = excluded.document
            """
        ).run()
    }

    func deleteQueue(key: String) async throws {
        try await db.raw("DELETE FROM sqs_messages WHERE queue_key = \(bind: key)").run()
        try await db.raw("DELETE FROM sqs_queues WHERE key = \(bind: key)").run()
    }

    /// Deletes every message; false when the queue was purged less than 60 s ago (SQS's rule).
    func purgeQueue(key: String, now: Date) async throws -> Bool {
        let at = Timestamp.millis(now)
        guard
            let row = try await db.raw("SELECT purged_at FROM sqs_queues WHERE key = \(bind: key)").first(),
            try row.decode(column: "purged_at", as: Int64.self) <= at - 60_000
        else { return false }
        try await db.raw("UPDATE sqs_queues SET purged_at = \(bind: at) WHERE key = \(bind: key)").run()
        try await db.raw("DELETE FROM sqs_messages WHERE queue_key = \(bind: key)").run()
        return true
    }

    func insertQueueMessages(_ messages: [SQSMessage]) async throws {
        let encoder = StoredDocument.encoder
        for message in messages {
            let attributes = message.attributes.isEmpty ? nil : String(decoding: try encoder.encode(message.attributes), as: UTF8.self)
            try await db.raw(
                """
                INSERT INTO sqs_messages (id, queue_key, body, attributes, sender_id, sent_at, visible_at, receive_count, group_id,
                    deduplication_id, sequence_number)
                VALUES (\(bind: message.id), \(bind: message.queueKey), \(bind: message.body), \(bind: attributes), \(bind: message.senderID),
                    \(bind: Timestamp.millis(message.sentAt)), \(bind: Timestamp.millis(message.visibleAt)), 0, \(bind: message.groupID),
                    \(bind: message.deduplicationID), \(bind: message.sequenceNumber))
                """
            ).run()
        }
    }

    func deduplicated(key: String, deduplicationID: String, since: Date) async throws -> (messageID: String, sequence: String?)? {
        try await db.raw(
            """
            SELECT message_id, sequence_number FROM sqs_deduplication
            WHERE queue_key = \(bind: key) AND deduplication_id = \(bind: deduplicationID) AND sent_at >= \(bind: Timestamp.millis(since))
            """
        ).first().map { (try $0.decode(column: "message_id", as: String.self), try $0.decode(column: "sequence_number", as: String?.self)) }
    }

    func rememberDeduplication(_ message: SQSMessage) async throws {
        guard let id = message.deduplicationID else { return }
        try await db.raw(
            """
            INSERT INTO sqs_deduplication (queue_key, deduplication_id, message_id, sequence_number, sent_at)
            VALUES (\(bind: message.queueKey), \(bind: id), \(bind: message.id), \(bind: message.sequenceNumber), \(bind: Timestamp.millis(message.sentAt)))
            ON CONFLICT (queue_key, deduplication_id) DO UPDATE SET message_id = excluded.message_id,
                sequence_number = excluded.sequence_number, sent_at = excluded.sent_at
            """
        ).run()
        // Entries older than the window are of no more use.
        try await db.raw(
            "DELETE FROM sqs_deduplication WHERE queue_key = \(bind: message.queueKey) AND sent_at < \(bind: Timestamp.millis(message.sentAt) - 300_000)"
        ).run()
    }

    static let queueMessageColumns = """
        id, queue_key, body, attributes, sender_id, sent_at, visible_at, receive_count, first_received_at, receipt_handle, group_id,
        deduplication_id, sequence_number
        """

    func queueMessage(_ row: any SQLRow) throws -> SQSMessage {
        var message = SQSMessage(
            id: try row.decode(column: "id", as: String.self), queueKey: try row.decode(column: "queue_key", as: String.self),
            body: try row.decode(column: "body", as: String.self),
            attributes: try row.decode(column: "attributes", as: String?.self).flatMap {
                try? StoredDocument.decoder.decode([String: SQSAttributeValue].self, from: Data($0.utf8))
            } ?? [:],
            sentAt: Timestamp.date(millis: try row.decode(column: "sent_at", as: Int64.self)),
            visibleAt: Timestamp.date(millis: try row.decode(column: "visible_at", as: Int64.self)),
            senderID: try row.decode(column: "sender_id", as: String.self), groupID: try row.decode(column: "group_id", as: String?.self),
            deduplicationID: try row.decode(column: "deduplication_id", as: String?.self),
            sequenceNumber: try row.decode(column: "sequence_number", as: String?.self))
        message.receiveCount = try row.decode(column: "receive_count", as: Int.self)
        message.firstReceivedAt = try row.decode(column: "first_received_at", as: Int64?.self).map(Timestamp.date(millis:))
        message.receiptHandle = try row.decode(column: "receipt_handle", as: String?.self)
        return message
    }

    /// Takes up to `limit` visible messages: each becomes invisible until `visibleUntil` under a
    /// new receipt handle, its receive count raised. Rows another node is taking are skipped.
    func receiveQueueMessages(key: String, now: Date, visibleUntil: Date, limit: Int) async throws -> [SQSMessage] {
        let at = Timestamp.millis(now)
        let locking = source.engine == .postgresql ? " FOR UPDATE SKIP LOCKED" : ""
        let ids = try await db.raw(
            """
            SELECT id FROM sqs_messages WHERE queue_key = \(bind: key) AND visible_at <= \(bind: at)
            ORDER BY visible_at, sent_at, id LIMIT \(bind: limit)\(unsafeRaw: locking)
            """
        ).all().map { try $0.decode(column: "id", as: String.self) }
        var out: [SQSMessage] = []
        for id in ids {
            let handle = UUID().uuidString.lowercased() + "-" + id
            let rows = try await db.raw(
                """
                UPDATE sqs_messages SET visible_at = \(bind: Timestamp.millis(visibleUntil)), receive_count = receive_count + 1,
                    receipt_handle = \(bind: handle), first_received_at = COALESCE(first_received_at, \(bind: at))
                WHERE id = \(bind: id) AND visible_at <= \(bind: at)
                RETURNING \(unsafeRaw: Self.queueMessageColumns)
                """
            ).all()
            out += try rows.map(queueMessage)
        }
        return out
    }

    func peekQueueMessages(key: String, limit: Int) async throws -> [SQSMessage] {
        try await db.raw(
            """
            SELECT \(unsafeRaw: Self.queueMessageColumns) FROM sqs_messages WHERE queue_key = \(bind: key)
            ORDER BY sent_at, id LIMIT \(bind: limit)
            """
        ).all().map(queueMessage)
    }

    func queueMessage(receiptHandle: String) async throws -> SQSMessage? {
        try await db.raw("SELECT \(unsafeRaw: Self.queueMessageColumns) FROM sqs_messages WHERE receipt_handle = \(bind: receiptHandle)")
            .first().map(queueMessage)
    }

    func deleteQueueMessage(id: String) async throws {
        try await db.raw("DELETE FROM sqs_messages WHERE id = \(bind: id)").run()
    }

    func setQueueMessageVisibility(id: String, visibleAt: Date) async throws {
        try await db.raw("UPDATE sqs_messages SET visible_at = \(bind: Timestamp.millis(visibleAt)) WHERE id = \(bind: id)").run()
    }

    /// Moves a message to another queue (a dead-letter queue), keeping its ID and receive count.
    func moveQueueMessage(id: String, to key: String, visibleAt: Date) async throws {
        try await db.raw(
            """
            UPDATE sqs_messages SET origin_key = queue_key, queue_key = \(bind: key), visible_at = \(bind: Timestamp.millis(visibleAt)),
                receipt_handle = NULL WHERE id = \(bind: id)
            """
        ).run()
    }

    /// (visible, in flight, delayed) message counts.
    func queueCounts(key: String, now: Date) async throws -> (visible: Int, inFlight: Int, delayed: Int) {
        let at = Timestamp.millis(now)
        let row = try await db.raw(
            """
            SELECT
              CAST(COALESCE(SUM(CASE WHEN visible_at <= \(bind: at) THEN 1 ELSE 0 END), 0) AS BIGINT) AS visible,
              CAST(COALESCE(SUM(CASE WHEN visible_at > \(bind: at) AND receive_count > 0 THEN 1 ELSE 0 END), 0) AS BIGINT) AS in_flight,
              CAST(COALESCE(SUM(CASE WHEN visible_at > \(bind: at) AND receive_count = 0 THEN 1 ELSE 0 END), 0) AS BIGINT) AS delayed
            FROM sqs_messages WHERE queue_key = \(bind: key)
            """
        ).first()
        return (
            try row?.decode(column: "visible", as: Int.self) ?? 0, try row?.decode(column: "in_flight", as: Int.self) ?? 0,
            try row?.decode(column: "delayed", as: Int.self) ?? 0
        )
    }

    /// Deletes messages older than their queue's retention period; returns how many.
    func expireQueueMessages(key: String, sentBefore: Date) async throws {
        try await db.raw("DELETE FROM sqs_messages WHERE queue_key = \(bind: key) AND sent_at < \(bind: Timestamp.millis(sentBefore))")
            .run()
    }
}
