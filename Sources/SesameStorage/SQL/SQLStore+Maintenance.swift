import Foundation
import SQLKit
import SesameCore

// MARK: Retention and statistics

extension SQLStoreSession {
    /// The tables `storeStats` reports, in the order shown.
    static let reportedTables = [
        "messages", "delivery_queue", "delivery_events", "ses_suppressed", "inbound_messages", "sqs_messages", "sns_outbox",
        "smtp_auth_failures", "iam_users", "access_keys", "ses_identities",
    ]

    func pruneMessages(before cutoff: Date, limit: Int) async throws -> Int {
        let ids = try await db.raw(
            """
            SELECT id FROM messages m
            WHERE m.created_at < \(bind: Timestamp.millis(cutoff))
              AND NOT EXISTS (SELECT 1 FROM delivery_queue q WHERE q.message_id = m.id AND q.state = 'queued')
            ORDER BY m.created_at LIMIT \(bind: limit)
            """
        ).all().map { try $0.decode(column: "id", as: String.self) }
        guard !ids.isEmpty else { return 0 }
        try await db.raw(Self.inList("DELETE FROM delivery_queue WHERE message_id IN (", ids)).run()
        try await db.raw(Self.inList("DELETE FROM messages WHERE id IN (", ids)).run()
        return ids.count
    }

    func pruneEvents(before cutoff: Date, limit: Int) async throws -> Int {
        let ids = try await db.raw(
            "SELECT id FROM delivery_events WHERE created_at < \(bind: Timestamp.millis(cutoff)) ORDER BY created_at LIMIT \(bind: limit)"
        ).all().map { try $0.decode(column: "id", as: String.self) }
        guard !ids.isEmpty else { return 0 }
        try await db.raw(Self.inList("DELETE FROM delivery_events WHERE id IN (", ids)).run()
        return ids.count
    }

    func pruneReceived(before cutoff: Date, limit: Int) async throws -> Int {
        let ids = try await db.raw(
            """
            SELECT id FROM inbound_messages WHERE state <> 'pending' AND received_at < \(bind: Timestamp.millis(cutoff))
            ORDER BY received_at LIMIT \(bind: limit)
            """
        ).all().map { try $0.decode(column: "id", as: String.self) }
        guard !ids.isEmpty else { return 0 }
        try await db.raw(Self.inList("DELETE FROM inbound_messages WHERE id IN (", ids)).run()
        return ids.count
    }

    func pruneSuppressed(before cutoff: Date, limit: Int) async throws -> Int {
        let rows = try await db.raw(
            """
            SELECT region, address FROM ses_suppressed WHERE updated_at < \(bind: Timestamp.millis(cutoff)) ORDER BY updated_at
            LIMIT \(bind: limit)
            """
        ).all().map { (try $0.decode(column: "region", as: String.self), try $0.decode(column: "address", as: String.self)) }
        for (region, address) in rows {
            try await db.raw("DELETE FROM ses_suppressed WHERE region = \(bind: region) AND address = \(bind: address)").run()
        }
        return rows.count
    }

    func storeStats() async throws -> [StoreTableStats] {
        var out: [StoreTableStats] = []
        for table in Self.reportedTables {
            let rows = try await db.raw("SELECT COUNT(*) AS n FROM \(unsafeRaw: table)").first()?.decode(column: "n", as: Int.self) ?? 0
            var bytes: Int?
            if source.engine == .postgresql {
                bytes = try await db.raw("SELECT pg_total_relation_size(\(bind: table)) AS n").first()?.decode(column: "n", as: Int.self)
            }
            out.append(StoreTableStats(table: table, rows: rows, bytes: bytes))
        }
        return out
    }

    func takeSendTokens(region: String, count: Int, perSecond: Int, now: Date) async throws -> Bool {
        let millis = Timestamp.millis(now)
        try await db.raw(
            """
            INSERT INTO send_rate_buckets (region, tokens, updated_at) VALUES (\(bind: region), \(bind: Double(perSecond)), \(bind: millis))
            ON CONFLICT (region) DO NOTHING
            """
        ).run()
        let locking = source.engine == .postgresql ? " FOR UPDATE" : ""
        guard
            let row = try await db.raw(
                "SELECT tokens, updated_at FROM send_rate_buckets WHERE region = \(bind: region)\(unsafeRaw: locking)"
            ).first()
        else { return false }
        let updated = try row.decode(column: "updated_at", as: Int64.self)
        // Nodes' clocks differ a little: time never runs backwards for the bucket.
        let elapsed = Double(max(0, millis - updated)) / 1000
        var tokens = min(Double(max(perSecond, count)), try row.decode(column: "tokens", as: Double.self) + elapsed * Double(perSecond))
        let admitted = tokens >= Double(count)
        if admitted { tokens -= Double(count) }
        try await db.raw(
            """
            UPDATE send_rate_buckets SET tokens = \(bind: tokens), updated_at = \(bind: max(millis, updated)) WHERE region = \(bind: region)
            """
        ).run()
        return admitted
    }

    func holdLease(job: String, owner: String, now: Date, until: Date) async throws -> Bool {
        try await db.raw(
            """
            INSERT INTO background_leases (job, owner, until_at) VALUES (\(bind: job), \(bind: owner), \(bind: Timestamp.millis(until)))
            ON CONFLICT (job) DO UPDATE SET owner = excluded.owner, until_at = excluded.until_at
            WHERE background_leases.owner = excluded.owner OR background_leases.until_at < \(bind: Timestamp.millis(now))
            """
        ).run()
        let holder = try await db.raw("SELECT owner FROM background_leases WHERE job = \(bind: job)").first()?.decode(
            column: "owner", as: String.self)
        return holder == owner
    }

    func releaseLease(job: String, owner: String) async throws {
        try await db.raw("DELETE FROM background_leases WHERE job = \(bind: job) AND owner = \(bind: owner)").run()
    }

    func putNode(_ node: NodeRecord) async throws {
        try await db.raw(
            """
            INSERT INTO nodes (name, version, started_at, last_seen, doing)
            VALUES (\(bind: node.name), \(bind: node.version), \(bind: Timestamp.millis(node.startedAt)), \(bind: Timestamp.millis(node.lastSeen)),
                \(bind: node.doing))
            ON CONFLICT (name) DO UPDATE SET version = excluded.version, started_at = excluded.started_at,
                last_seen = excluded.last_seen, doing = excluded.doing
            """
        ).run()
    }

    func nodes(seenSince since: Date) async throws -> [NodeRecord] {
        try await db.raw(
            """
            SELECT name, version, started_at, last_seen, doing FROM nodes WHERE last_seen >= \(bind: Timestamp.millis(since))
            ORDER BY last_seen DESC, name
            """
        ).all().map { row in
            NodeRecord(
                name: try row.decode(column: "name", as: String.self), version: try row.decode(column: "version", as: String.self),
                startedAt: Timestamp.date(millis: try row.decode(column: "started_at", as: Int64.self)),
                lastSeen: Timestamp.date(millis: try row.decode(column: "last_seen", as: Int64.self)),
                doing: try row.decode(column: "doing", as: String.self))
        }
    }

    /// `prefix` followed by the bound values, comma-separated, and `)`.
    static func inList(_ prefix: String, _ values: [String]) -> SQLQueryString {
        var query = SQLQueryString(stringLiteral: prefix)
        for (index, value) in values.enumerated() { query += index == 0 ? "\(bind: value)" : ", \(bind: value)" }
        query += ")"
        return query
    }
}
