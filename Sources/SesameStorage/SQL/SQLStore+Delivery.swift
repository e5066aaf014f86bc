import Foundation
import SQLKit
import SesameCore

// MARK: Delivery queue and events

extension SQLStoreSession {
    static let queueColumns =
        "message_id, recipient, region, state, attempts, queued_at, next_attempt_at, last_reply, updated_at, size"

    func queuedRecipient(_ row: any SQLRow) throws -> QueuedRecipient {
        QueuedRecipient(
            messageID: try row.decode(column: "message_id", as: String.self),
            recipient: try row.decode(column: "recipient", as: String.self),
            region: try row.decode(column: "region", as: String.self),
            state: DeliveryState(rawValue: try row.decode(column: "state", as: String.self)) ?? .queued,
            attempts: try row.decode(column: "attempts", as: Int.self),
            queuedAt: Timestamp.date(millis: try row.decode(column: "queued_at", as: Int64.self)),
            nextAttemptAt: Timestamp.date(millis: try row.decode(column: "next_attempt_at", as: Int64.self)),
            lastReply: try row.decode(column: "last_reply", as: String?.self),
            updatedAt: Timestamp.date(millis: try row.decode(column: "updated_at", as: Int64.self)),
            size: try row.decode(column: "size", as: Int.self))
    }

    /// Writes the queue rows and events that travel with accepted messages (same transaction).
    func insertDeliveries(of messages: [StoredMessage]) async throws {
        let rows = messages.flatMap(\.deliveries)
        // 10 bound values per row; SQLite allows 32,766 per statement.
        for chunk in stride(from: 0, to: rows.count, by: 1000) {
            var query = SQLQueryString(
                "INSERT INTO delivery_queue (message_id, recipient, region, state, attempts, queued_at, next_attempt_at, lease_until, last_reply, updated_at, size) VALUES "
            )
            for (index, row) in rows[chunk..<min(chunk + 1000, rows.count)].enumerated() {
                if index > 0 { query += ", " }
                query +=
                    ("""
                    (\(bind: row.messageID), \(bind: row.recipient), \(bind: row.region), \(bind: row.state.rawValue), \(bind: row.attempts),
                     \(bind: Timestamp.millis(row.queuedAt)), \(bind: Timestamp.millis(row.nextAttemptAt)), 0, \(bind: row.lastReply),
                     \(bind: Timestamp.millis(row.updatedAt)), \(bind: row.size))
                    """ as SQLQueryString)
            }
            try await db.raw(query).run()
        }
        try await insertEvents(messages.flatMap(\.events))
    }

    func claimDeliveries(owner: String, now: Date, leaseUntil: Date, limit: Int) async throws -> [QueuedRecipient] {
        let at = Timestamp.millis(now)
        // PostgreSQL: rows another node is claiming right now are skipped, not waited for.
        // SQLite: writers are serialized (BEGIN IMMEDIATE), so there is nobody to skip.
        let locking = source.engine == .postgresql ? " FOR UPDATE SKIP LOCKED" : ""
        let rows = try await db.raw(
            """
            UPDATE delivery_queue SET lease_owner = \(bind: owner), lease_until = \(bind: Timestamp.millis(leaseUntil)),
                attempts = attempts + 1
            WHERE (message_id, recipient) IN (
                SELECT message_id, recipient FROM delivery_queue
                WHERE state = 'queued' AND next_attempt_at <= \(bind: at) AND lease_until <= \(bind: at)
                ORDER BY next_attempt_at, message_id, recipient LIMIT \(bind: limit)\(unsafeRaw: locking))
            RETURNING \(unsafeRaw: Self.queueColumns)
            """
        ).all()
        return try rows.map(queuedRecipient).sorted { ($0.messageID, $0.recipient) < ($1.messageID, $1.recipient) }
    }

    func completeDeliveries(_ rows: [QueuedRecipient], owner: String) async throws -> Set<String> {
        var kept: Set<String> = []
        // VALUES columns are column1… in both engines; 6 bound values a row.
        for chunk in stride(from: 0, to: rows.count, by: 500) {
            var values = SQLQueryString("")
            for (index, row) in rows[chunk..<min(chunk + 500, rows.count)].enumerated() {
                if index > 0 { values += ", " }
                values +=
                    ("""
                    (\(bind: row.messageID), \(bind: row.recipient), \(bind: row.state.rawValue), \(bind: Timestamp.millis(row.nextAttemptAt)),
                     \(bind: row.lastReply ?? ""), \(bind: Timestamp.millis(row.updatedAt)))
                    """ as SQLQueryString)
            }
            let updated = try await db.raw(
                """
                UPDATE delivery_queue SET state = v.column3, next_attempt_at = v.column4, last_reply = v.column5, updated_at = v.column6,
                    lease_owner = NULL, lease_until = 0
                FROM (VALUES \(values)) AS v
                WHERE delivery_queue.message_id = v.column1 AND delivery_queue.recipient = v.column2 AND delivery_queue.lease_owner = \(bind: owner)
                RETURNING delivery_queue.message_id, delivery_queue.recipient
                """
            ).all()
            for row in updated {
                kept.insert(
                    try row.decode(column: "message_id", as: String.self) + "\u{0}" + (try row.decode(column: "recipient", as: String.self))
                )
            }
        }
        return kept
    }

    func queueEntries(messageID: String?, state: DeliveryState?, limit: Int) async throws -> [QueuedRecipient] {
        let rows: [any SQLRow]
        if let messageID {
            rows = try await db.raw(
                "SELECT \(unsafeRaw: Self.queueColumns) FROM delivery_queue WHERE message_id = \(bind: messageID) ORDER BY recipient"
            ).all()
        } else if let state {
            rows = try await db.raw(
                """
                SELECT \(unsafeRaw: Self.queueColumns) FROM delivery_queue WHERE state = \(bind: state.rawValue)
                ORDER BY queued_at, message_id, recipient LIMIT \(bind: limit)
                """
            ).all()
        } else {
            rows = try await db.raw(
                "SELECT \(unsafeRaw: Self.queueColumns) FROM delivery_queue ORDER BY queued_at, message_id, recipient LIMIT \(bind: limit)"
            ).all()
        }
        return try rows.map(queuedRecipient)
    }

    func retryDeliveries(messageID: String?, now: Date) async throws -> Int {
        let at = Timestamp.millis(now)
        let rows: [any SQLRow]
        if let messageID {
            rows = try await db.raw(
                """
                UPDATE delivery_queue SET next_attempt_at = \(bind: at) WHERE state = 'queued' AND message_id = \(bind: messageID)
                RETURNING message_id
                """
            ).all()
        } else {
            rows = try await db.raw("UPDATE delivery_queue SET next_attempt_at = \(bind: at) WHERE state = 'queued' RETURNING message_id")
                .all()
        }
        return rows.count
    }

    func deleteDeliveries(messageID: String) async throws -> Int {
        try await db.raw(
            "DELETE FROM delivery_queue WHERE message_id = \(bind: messageID) AND state = 'queued' RETURNING message_id"
        ).all().count
    }

    func queueCounts() async throws -> [DeliveryState: Int] {
        var counts: [DeliveryState: Int] = [:]
        for row in try await db.raw("SELECT state, COUNT(*) AS n FROM delivery_queue GROUP BY state").all() {
            if let state = DeliveryState(rawValue: try row.decode(column: "state", as: String.self)) {
                counts[state] = try row.decode(column: "n", as: Int.self)
            }
        }
        return counts
    }

    func backlog(now: Date) async throws -> Backlog {
        var out = Backlog()
        let millis = Timestamp.millis(now)
        if let row = try await db.raw(
            "SELECT COUNT(*) AS n, MIN(next_attempt_at) AS due FROM delivery_queue WHERE state = 'queued'"
        ).first() {
            out.queued = try row.decode(column: "n", as: Int.self)
            if let due = try row.decode(column: "due", as: Int64?.self), due <= millis { out.oldestDueAge = Double(millis - due) / 1000 }
        }
        func count(_ sql: SQLQueryString) async throws -> Int {
            try await db.raw(sql).first()?.decode(column: "n", as: Int.self) ?? 0
        }
        out.snsOutbox = try await count("SELECT COUNT(*) AS n FROM sns_outbox")
        out.sqsMessages = try await count("SELECT COUNT(*) AS n FROM sqs_messages")
        out.receivedPending = try await count("SELECT COUNT(*) AS n FROM inbound_messages WHERE state = 'pending'")
        return out
    }

    func insertEvents(_ events: [DeliveryEvent]) async throws {
        guard !events.isEmpty else { return }
        let encoder = JSONEncoder()
        for chunk in stride(from: 0, to: events.count, by: 1000) {
            var query = SQLQueryString(
                "INSERT INTO delivery_events (id, message_id, region, kind, recipients, type, sub_type, detail, reporting_mta, created_at, tags) VALUES "
            )
            for (index, event) in events[chunk..<min(chunk + 1000, events.count)].enumerated() {
                if index > 0 { query += ", " }
                let recipients = String(decoding: try encoder.encode(event.recipients), as: UTF8.self)
                let tags = event.tags.isEmpty ? nil : String(decoding: try encoder.encode(event.tags), as: UTF8.self)
                query +=
                    ("""
                    (\(bind: event.id), \(bind: event.messageID), \(bind: event.region), \(bind: event.kind.rawValue), \(bind: recipients),
                     \(bind: event.type), \(bind: event.subType), \(bind: event.detail), \(bind: event.reportingMTA),
                     \(bind: Timestamp.millis(event.createdAt)), \(bind: tags))
                    """ as SQLQueryString)
            }
            try await db.raw(query).run()
        }
    }

    func events(messageID: String?, limit: Int) async throws -> [DeliveryEvent] {
        let columns = "id, message_id, region, kind, recipients, type, sub_type, detail, reporting_mta, created_at, tags"
        let rows: [any SQLRow]
        if let messageID {
            rows = try await db.raw(
                "SELECT \(unsafeRaw: columns) FROM delivery_events WHERE message_id = \(bind: messageID) ORDER BY created_at, id"
            ).all()
        } else {
            rows = try await db.raw("SELECT \(unsafeRaw: columns) FROM delivery_events ORDER BY created_at, id LIMIT \(bind: limit)").all()
        }
        return try rows.map { row in
            var event = DeliveryEvent(
                id: try row.decode(column: "id", as: String.self),
                messageID: try row.decode(column: "message_id", as: String.self),
                region: try row.decode(column: "region", as: String.self),
                kind: DeliveryEvent.Kind(rawValue: try row.decode(column: "kind", as: String.self)) ?? .send,
                recipients: try JSONDecoder().decode([String].self, from: Data(try row.decode(column: "recipients", as: String.self).utf8)),
                type: try row.decode(column: "type", as: String?.self),
                subType: try row.decode(column: "sub_type", as: String?.self),
                detail: try row.decode(column: "detail", as: String?.self),
                reportingMTA: try row.decode(column: "reporting_mta", as: String?.self),
                createdAt: Timestamp.date(millis: try row.decode(column: "created_at", as: Int64.self)))
            if let tags = try row.decode(column: "tags", as: String?.self) {
                event.tags = (try? JSONDecoder().decode([String: [String]].self, from: Data(tags.utf8))) ?? [:]
            }
            return event
        }
    }
}

// MARK: DKIM keys

extension SQLStoreSession {
    func dkimKey(region: String, domain: String) async throws -> DkimSigningKey? {
        try await db.raw(
            """
            SELECT region, domain, origin, selectors, private_key_sealed, public_key, key_bits, signing_enabled, created_at
            FROM dkim_keys WHERE region = \(bind: region) AND domain = \(bind: domain)
            """
        ).first().map { row in
            DkimSigningKey(
                region: try row.decode(column: "region", as: String.self), domain: try row.decode(column: "domain", as: String.self),
                origin: try row.decode(column: "origin", as: String.self),
                selectors: try row.decode(column: "selectors", as: String.self).split(separator: " ").map(String.init),
                sealedPrivateKey: try row.decode(column: "private_key_sealed", as: String.self),
                publicKey: try row.decode(column: "public_key", as: String.self), keyBits: try row.decode(column: "key_bits", as: Int.self),
                signingEnabled: try row.decode(column: "signing_enabled", as: Int.self) != 0,
                createdAt: Timestamp.date(millis: try row.decode(column: "created_at", as: Int64.self)))
        }
    }

    func putDkimKey(_ key: DkimSigningKey) async throws {
        try await db.raw(
            """
            INSERT INTO dkim_keys (region, domain, origin, selectors, private_key_sealed, public_key, key_bits, signing_enabled, created_at)
            VALUES (\(bind: key.region), \(bind: key.domain), \(bind: key.origin), \(bind: key.selectors.joined(separator: " ")),
                    \(bind: key.sealedPrivateKey), \(bind: key.publicKey), \(bind: key.keyBits), \(bind: key.signingEnabled ? 1 : 0),
                    \(bind: Timestamp.millis(key.createdAt)))
            ON CONFLICT (region, domain) DO UPDATE SET origin = excluded.origin, selectors = excluded.selectors,
                private_key_sealed = excluded.private_key_sealed, public_key = excluded.public_key, key_bits = excluded.key_bits,
                signing_enabled = excluded.signing_enabled, created_at = excluded.created_at
            """
        ).run()
    }

    func deleteDkimKey(region: String, domain: String) async throws {
        try await db.raw("DELETE FROM dkim_keys WHERE region = \(bind: region) AND domain = \(bind: domain)").run()
    }
}
