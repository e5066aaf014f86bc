import Foundation
import SQLKit
import SesameCore

// MARK: Captured-mail workbench

extension SQLStoreSession {
    func mailAwaitingIndex(limit: Int) async throws -> [(id: String, size: Int)] {
        try await db.raw(
            """
            SELECT m.id, LENGTH(m.raw_base64) AS raw_length FROM mail_index_pending p JOIN messages m ON m.id = p.message_id
            ORDER BY m.created_at LIMIT \(bind: limit)
            """
        ).all().map { (try $0.decode(column: "id", as: String.self), try $0.decode(column: "raw_length", as: Int.self) / 4 * 3) }
    }

    func indexMail(_ entries: [MailIndexEntry]) async throws {
        // A few statements per 100 entries rather than three per entry: on PostgreSQL each
        // statement is a round trip, and indexing was bound by them.
        for start in stride(from: 0, to: entries.count, by: 100) {
            try await indexMailChunk(Array(entries[start..<min(start + 100, entries.count)]))
        }
        guard !entries.isEmpty else { return }
        try await db.raw(Self.inList("DELETE FROM mail_index_pending WHERE message_id IN (", entries.map(\.messageID))).run()
    }

    private func indexMailChunk(_ entries: [MailIndexEntry]) async throws {
        guard !entries.isEmpty else { return }
        // A message deleted since it was read is left out rather than failing the batch; one
        // indexed already keeps its entry.
        var insert = SQLQueryString(
            """
            WITH v (message_id, region, created_at, from_key, to_key, cc_key, bcc_key, reply_to_key, subject, subject_key,
                header_message_id, principal, via, size, attachments, inline_parts) AS (VALUES
            """)
        for (index, entry) in entries.enumerated() {
            insert += index == 0 ? "(" : ", ("
            insert += """
                \(bind: entry.messageID), \(bind: entry.region), \(bind: Timestamp.millis(entry.createdAt)), \(bind: entry.fromKey), \
                \(bind: entry.toKey), \(bind: entry.ccKey), \(bind: entry.bccKey), \(bind: entry.replyToKey), \(bind: entry.subject), \
                \(bind: entry.subject.lowercased()), \(bind: entry.headerMessageID), \(bind: entry.principal), \(bind: entry.via), \
                \(bind: entry.size), \(bind: entry.attachments), \(bind: entry.inline))
                """
        }
        insert += """
            )
            INSERT INTO mail_index (message_id, region, created_at, from_key, to_key, cc_key, bcc_key, reply_to_key, subject,
                subject_key, header_message_id, principal, via, size, attachments, inline_parts, seen)
            SELECT v.message_id, v.region, v.created_at, v.from_key, v.to_key, v.cc_key, v.bcc_key, v.reply_to_key, v.subject,
                v.subject_key, v.header_message_id, v.principal, v.via, v.size, v.attachments, v.inline_parts, 0
            FROM v WHERE EXISTS (SELECT 1 FROM messages m WHERE m.id = v.message_id)
            ON CONFLICT (message_id) DO NOTHING RETURNING seq, message_id
            """
        var seqs: [String: Int64] = [:]
        for row in try await db.raw(insert).all() {
            seqs[try row.decode(column: "message_id", as: String.self)] = try row.decode(column: "seq", as: Int64.self)
        }
        let added = entries.compactMap { entry in seqs[entry.messageID].map { (seq: $0, entry: entry) } }
        guard !added.isEmpty else { return }
        var summaries = SQLQueryString("INSERT INTO mail_summaries (seq, snippet, addresses) VALUES ")
        var text =
            source.engine == .postgresql
            ? SQLQueryString("INSERT INTO mail_text (seq, doc) VALUES ") : SQLQueryString("INSERT INTO mail_text (rowid, text) VALUES ")
        for (index, row) in added.enumerated() {
            let comma = index == 0 ? "" : ", "
            summaries += "\(unsafeRaw: comma)(\(bind: row.seq), \(bind: row.entry.snippet), \(bind: row.entry.addresses.encoded()))"
            if source.engine == .postgresql {
                text += "\(unsafeRaw: comma)(\(bind: row.seq), to_tsvector('simple', \(bind: row.entry.text)))"
            } else {
                text += "\(unsafeRaw: comma)(\(bind: row.seq), \(bind: row.entry.text))"
            }
        }
        try await db.raw(summaries).run()
        try await db.raw(text).run()
        if source.engine == .postgresql { try await announce(added.map(\.entry.messageID)) }
    }

    /// Names the messages added on `SQLStore.indexedMailChannel`, heard by every node's live views
    /// when this transaction commits; a payload stays under PostgreSQL's 8,000 bytes.
    private func announce(_ ids: [String]) async throws {
        var payloads: [String] = []
        for id in ids {
            if let last = payloads.last, last.utf8.count + 1 + id.utf8.count < 7000 {
                payloads[payloads.count - 1] = last + " " + id
            } else {
                payloads.append(id)
            }
        }
        for payload in payloads { try await db.raw("SELECT pg_notify(\(bind: SQLStore.indexedMailChannel), \(bind: payload))").run() }
    }

    static let summaryColumns =
        "i.seq, i.message_id, i.region, i.created_at, i.subject, i.header_message_id, i.principal, i.via, i.size, i.attachments, i.inline_parts, i.seen"

    func searchMail(_ search: MailSearch, start: Int, limit: Int) async throws -> [MailSummary] {
        var query = SQLQueryString("SELECT \(unsafeRaw: Self.summaryColumns) FROM mail_index i WHERE ")
        query += whereClause(search)
        query += " ORDER BY i.created_at DESC, i.message_id DESC LIMIT \(bind: limit) OFFSET \(bind: start)"
        let rows = try await db.raw(query).all()
        // The page's snippets and addresses, read for its rows alone.
        var display: [Int64: (String, String)] = [:]
        let seqs = try rows.map { try $0.decode(column: "seq", as: Int64.self) }
        for chunk in stride(from: 0, to: seqs.count, by: 500) {
            var lookup = SQLQueryString("SELECT seq, snippet, addresses FROM mail_summaries WHERE seq IN (")
            for (index, seq) in seqs[chunk..<min(chunk + 500, seqs.count)].enumerated() {
                lookup += index == 0 ? "\(bind: seq)" : ", \(bind: seq)"
            }
            lookup += ")"
            for row in try await db.raw(lookup).all() {
                display[try row.decode(column: "seq", as: Int64.self)] = (
                    try row.decode(column: "snippet", as: String.self), try row.decode(column: "addresses", as: String.self)
                )
            }
        }
        return try rows.map { row in
            let shown = display[try row.decode(column: "seq", as: Int64.self)] ?? ("", "")
            return MailSummary(
                messageID: try row.decode(column: "message_id", as: String.self),
                region: try row.decode(column: "region", as: String.self),
                createdAt: Timestamp.date(millis: try row.decode(column: "created_at", as: Int64.self)),
                subject: try row.decode(column: "subject", as: String.self),
                headerMessageID: try row.decode(column: "header_message_id", as: String.self),
                principal: try row.decode(column: "principal", as: String.self), via: try row.decode(column: "via", as: String.self),
                size: try row.decode(column: "size", as: Int.self), attachments: try row.decode(column: "attachments", as: Int.self),
                inline: try row.decode(column: "inline_parts", as: Int.self), seen: try row.decode(column: "seen", as: Int.self) != 0,
                snippet: shown.0,
                addresses: MailAddressBook.decode(shown.1)
                    ?? MailAddressBook(from: nil, to: [], cc: [], bcc: [], replyTo: [], returnPath: ""))
        }
    }

    func refreshMailStatistics() async throws {
        // PostgreSQL plans by statistics that autovacuum refreshes only now and then; after a
        // large batch of new mail they are refreshed at once. SQLite plans without them.
        if source.engine == .postgresql { try await db.raw("ANALYZE mail_index").run() }
    }

    func countMail(_ search: MailSearch) async throws -> (matching: Int, unread: Int) {
        var query = SQLQueryString("SELECT COUNT(*) AS n, CAST(COALESCE(SUM(1 - i.seen), 0) AS BIGINT) AS unread FROM mail_index i WHERE ")
        query += whereClause(search)
        let row = try await db.raw(query).first()
        return (try row?.decode(column: "n", as: Int.self) ?? 0, try row?.decode(column: "unread", as: Int.self) ?? 0)
    }

    func mailTotals() async throws -> (total: Int, unread: Int) {
        // Two counts each answered from an index, not one pass over the rows.
        let total = try await db.raw("SELECT COUNT(*) AS n FROM mail_index").first()?.decode(column: "n", as: Int.self) ?? 0
        let unread = try await db.raw("SELECT COUNT(*) AS n FROM mail_index WHERE seen = 0").first()?.decode(column: "n", as: Int.self) ?? 0
        return (total, unread)
    }

    func markMail(ids: [String]?, seen: Bool) async throws -> Int {
        let value = seen ? 1 : 0
        guard let ids else {
            return try await db.raw("UPDATE mail_index SET seen = \(bind: value) WHERE seen <> \(bind: value) RETURNING seq").all().count
        }
        var changed = 0
        for chunk in stride(from: 0, to: ids.count, by: 500) {
            var query = SQLQueryString("UPDATE mail_index SET seen = \(bind: value) WHERE seen <> \(bind: value) AND message_id IN (")
            for (index, id) in ids[chunk..<min(chunk + 500, ids.count)].enumerated() {
                query += index == 0 ? "\(bind: id)" : ", \(bind: id)"
            }
            query += ") RETURNING seq"
            changed += try await db.raw(query).all().count
        }
        return changed
    }

    func markMail(matching search: MailSearch, seen: Bool) async throws -> Int {
        let value = seen ? 1 : 0
        var query = SQLQueryString("UPDATE mail_index SET seen = \(bind: value) WHERE seq IN (SELECT i.seq FROM mail_index i WHERE ")
        query += whereClause(search)
        query += ") AND seen <> \(bind: value) RETURNING seq"
        return try await db.raw(query).all().count
    }

    func deleteMail(ids: [String]) async throws -> Int {
        var deleted = 0
        for chunk in stride(from: 0, to: ids.count, by: 500) {
            let some = Array(ids[chunk..<min(chunk + 500, ids.count)])
            try await db.raw(Self.inList("DELETE FROM delivery_queue WHERE message_id IN (", some)).run()
            // The index entries and notes go with their messages (ON DELETE CASCADE).
            var query = Self.inList("DELETE FROM messages WHERE id IN (", some)
            query += " RETURNING id"
            deleted += try await db.raw(query).all().count
        }
        return deleted
    }

    /// The search as SQL conditions on `mail_index i` (always a whole condition, `1 = 1` when empty).
    func whereClause(_ search: MailSearch) -> SQLQueryString {
        var out = SQLQueryString("1 = 1")
        for clause in search.clauses {
            out += clause.negated ? " AND NOT (" : " AND ("
            out += condition(clause.condition)
            out += ")"
        }
        return out
    }

    func condition(_ condition: MailSearch.Condition) -> SQLQueryString {
        switch condition {
        case .contains(let field, let text):
            let pattern = "%" + Self.likeEscaped(text) + "%"
            let columns: [String] =
                switch field {
                case .from: ["i.from_key"]
                case .to: ["i.to_key"]
                case .cc: ["i.cc_key"]
                case .bcc: ["i.bcc_key"]
                case .replyTo: ["i.reply_to_key"]
                case .addressed: ["i.from_key", "i.to_key", "i.cc_key", "i.bcc_key", "i.reply_to_key"]
                case .subject: ["i.subject_key"]
                case .messageID: ["LOWER(i.header_message_id)"]
                case .principal: ["LOWER(i.principal)"]
                }
            var out = SQLQueryString("")
            for (index, column) in columns.enumerated() {
                out += index == 0 ? "" : " OR "
                out += "\(unsafeRaw: column) LIKE \(bind: pattern) ESCAPE '\\'"
            }
            return out
        case .via(let origins): return Self.inList("i.via IN (", origins)
        case .ids(let ids): return ids.isEmpty ? "1 = 0" : Self.inList("i.message_id IN (", ids)
        case .read(let seen): return "i.seen = \(bind: seen ? 1 : 0)"
        case .hasAttachments: return "i.attachments > 0"
        case .hasInline: return "i.inline_parts > 0"
        case .before(let date): return "i.created_at < \(bind: Timestamp.millis(date))"
        case .after(let date): return "i.created_at >= \(bind: Timestamp.millis(date))"
        case .larger(let size): return "i.size > \(bind: size)"
        case .smaller(let size): return "i.size < \(bind: size)"
        case .words(let words):
            // Letters and digits only (MailSearch.words), so no word can carry query syntax.
            if source.engine == .postgresql {
                let query = words.map { "\($0):*" }.joined(separator: " & ")
                return "i.seq IN (SELECT seq FROM mail_text WHERE doc @@ to_tsquery('simple', \(bind: query)))"
            }
            let query = words.map { "\"\($0)\"*" }.joined(separator: " ")
            return "i.seq IN (SELECT rowid FROM mail_text WHERE mail_text MATCH \(bind: query))"
        }
    }

    static func likeEscaped(_ text: some StringProtocol) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(
            of: "_", with: "\\_")
    }
}
