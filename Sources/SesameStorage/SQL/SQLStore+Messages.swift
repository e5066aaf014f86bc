import Foundation
import Logging
import SQLKit
import SesameCore

// MARK: SES

extension SQLStoreSession {
    static let identityColumns = "region, name, kind, status, verification_token, created_at, dkim_tokens, settings, dns_state"

    func decodeIdentity(_ row: any SQLRow) throws -> Identity {
        var identity = Identity(
            region: try row.decode(column: "region", as: String.self),
            name: try row.decode(column: "name", as: String.self),
            kind: Identity.Kind(rawValue: try row.decode(column: "kind", as: String.self)) ?? .emailAddress,
            status: Identity.Status(rawValue: try row.decode(column: "status", as: String.self)) ?? .pending,
            verificationToken: try row.decode(column: "verification_token", as: String?.self),
            createdAt: Timestamp.date(millis: try row.decode(column: "created_at", as: Int64.self)),
            dkimTokens: (try row.decode(column: "dkim_tokens", as: String?.self) ?? "").split(separator: " ").map(String.init))
        identity.settings = IdentitySettings.decode(try row.decode(column: "settings", as: String?.self))
        identity.dns = DNSVerificationState.stored(try row.decode(column: "dns_state", as: String?.self))
        return identity
    }

    func identity(region: String, name: String) async throws -> Identity? {
        try await db.raw(
            "SELECT \(unsafeRaw: Self.identityColumns) FROM ses_identities WHERE region = \(bind: region) AND name = \(bind: name)"
        ).first().map(decodeIdentity)
    }

    func identities(region: String, kind: Identity.Kind?, afterName: String?, limit: Int) async throws -> [Identity] {
        let rows: [any SQLRow]
        if let kind {
            rows = try await db.raw(
                """
                SELECT \(unsafeRaw: Self.identityColumns) FROM ses_identities
                WHERE region = \(bind: region) AND kind = \(bind: kind.rawValue) AND name > \(bind: afterName ?? "") ORDER BY name LIMIT \(bind: limit)
                """
            ).all()
        } else {
            rows = try await db.raw(
                """
                SELECT \(unsafeRaw: Self.identityColumns) FROM ses_identities
                WHERE region = \(bind: region) AND name > \(bind: afterName ?? "") ORDER BY name LIMIT \(bind: limit)
                """
            ).all()
        }
        return try rows.map(decodeIdentity)
    }

    func putIdentity(_ identity: Identity) async throws {
        try await db.raw(
            """
            INSERT INTO ses_identities (region, name, kind, status, verification_token, created_at, dkim_tokens, settings, dns_state, dns_next_check)
            VALUES (\(bind: identity.region), \(bind: identity.name), \(bind: identity.kind.rawValue), \(bind: identity.status.rawValue), \(bind: identity.verificationToken), \(bind: Timestamp.millis(identity.createdAt)),
            \(bind: identity.dkimTokens.isEmpty ? nil : identity.dkimTokens.joined(separator: " ")), \(bind: identity.settings.encoded()),
            \(bind: identity.dns?.storedJSON), \(bind: identity.dns?.nextCheckAt.map(Timestamp.millis)))
            ON CONFLICT (region, name) DO UPDATE SET status = excluded.status, verification_token = excluded.verification_token,
            dkim_tokens = excluded.dkim_tokens, dns_state = excluded.dns_state, dns_next_check = excluded.dns_next_check
            """
        ).run()
    }

    func identitiesDueForDNSCheck(at now: Date, limit: Int) async throws -> [Identity] {
        try await db.raw(
            """
            SELECT \(unsafeRaw: Self.identityColumns) FROM ses_identities
            WHERE dns_next_check IS NOT NULL AND dns_next_check <= \(bind: Timestamp.millis(now)) ORDER BY dns_next_check LIMIT \(bind: limit)
            """
        ).all().map(decodeIdentity)
    }

    func nextDNSCheck() async throws -> Date? {
        try await db.raw("SELECT MIN(dns_next_check) AS next FROM ses_identities").first()
            .flatMap { try $0.decode(column: "next", as: Int64?.self) }.map(Timestamp.date(millis:))
    }

    func deleteIdentity(region: String, name: String) async throws {
        try await db.raw("DELETE FROM ses_identities WHERE region = \(bind: region) AND name = \(bind: name)").run()
        try await db.raw("DELETE FROM ses_identity_policies WHERE region = \(bind: region) AND identity = \(bind: name)").run()
        try await deleteDkimKey(region: region, domain: name)
    }

    func insertMessage(_ message: StoredMessage) async throws {
        try await insertMessages([message])
    }

    func messageSummaries(
        filter: MessageFilter, after cursor: MessageCursor?, newestFirst: Bool, limit: Int
    ) async throws -> [MessageSummary] {
        var query = SQLQueryString(
            "SELECT id, region, source, destinations, subject, principal_arn, via, created_at, LENGTH(raw_base64) AS raw_length FROM messages WHERE 1 = 1"
        )
        if let source = filter.source { query += " AND source = \(bind: source)" }
        if let recipient = filter.recipient {
            // destinations is a JSON array of strings: the address with its quotes matches one element.
            query +=
                " AND LOWER(destinations) LIKE \(bind: "%" + Self.likeEscaped(Self.jsonArray([recipient.lowercased()]).dropFirst().dropLast()) + "%") ESCAPE '\\'"
        }
        if let subject = filter.subject {
            query += " AND LOWER(subject) LIKE \(bind: "%" + Self.likeEscaped(subject.lowercased()) + "%") ESCAPE '\\'"
        }
        if let since = filter.since { query += " AND created_at >= \(bind: Timestamp.millis(since))" }
        if let cursor {
            let millis = Timestamp.millis(cursor.createdAt)
            query +=
                newestFirst
                ? " AND (created_at < \(bind: millis) OR (created_at = \(bind: millis) AND id < \(bind: cursor.id)))"
                : " AND (created_at > \(bind: millis) OR (created_at = \(bind: millis) AND id > \(bind: cursor.id)))"
        }
        query += newestFirst ? " ORDER BY created_at DESC, id DESC" : " ORDER BY created_at, id"
        query += " LIMIT \(bind: limit)"
        return try await db.raw(query).all().map { row in
            MessageSummary(
                id: try row.decode(column: "id", as: String.self),
                region: try row.decode(column: "region", as: String.self),
                source: try row.decode(column: "source", as: String.self),
                destinations: try JSONDecoder().decode(
                    [String].self, from: Data(try row.decode(column: "destinations", as: String.self).utf8)),
                subject: try row.decode(column: "subject", as: String?.self),
                principalARN: try row.decode(column: "principal_arn", as: String.self),
                via: try decodeOrigin(row),
                createdAt: Timestamp.date(millis: try row.decode(column: "created_at", as: Int64.self)),
                size: try row.decode(column: "raw_length", as: Int.self) / 4 * 3)
        }
    }

    static let messageColumns = "id, region, source, destinations, subject, raw_base64, principal_arn, via, created_at, configuration_set"

    func messages(ids: [String]) async throws -> [StoredMessage] {
        var out: [StoredMessage] = []
        for chunk in stride(from: 0, to: ids.count, by: 500) {
            var query = SQLQueryString("SELECT \(unsafeRaw: Self.messageColumns) FROM messages WHERE id IN (")
            for (index, id) in ids[chunk..<min(chunk + 500, ids.count)].enumerated() {
                query += index == 0 ? "\(bind: id)" : ", \(bind: id)"
            }
            query += ")"
            out += try await db.raw(query).all().map(storedMessage)
        }
        return out
    }

    func storedMessage(_ row: any SQLRow) throws -> StoredMessage {
        var message = StoredMessage(
            id: try row.decode(column: "id", as: String.self),
            region: try row.decode(column: "region", as: String.self),
            source: try row.decode(column: "source", as: String.self),
            destinations: try JSONDecoder().decode([String].self, from: Data(try row.decode(column: "destinations", as: String.self).utf8)),
            subject: try row.decode(column: "subject", as: String?.self),
            raw: Array(Data(base64Encoded: try row.decode(column: "raw_base64", as: String.self)) ?? Data()),
            principalARN: try row.decode(column: "principal_arn", as: String.self),
            via: try decodeOrigin(row),
            createdAt: Timestamp.date(millis: try row.decode(column: "created_at", as: Int64.self)))
        message.configurationSet = try row.decode(column: "configuration_set", as: String?.self)
        return message
    }

    func deleteMessages(id: String?) async throws {
        if let id {
            try await db.raw("DELETE FROM messages WHERE id = \(bind: id)").run()
        } else {
            try await db.raw("DELETE FROM messages").run()
        }
    }

    func recipientsAccepted(region: String, since: Date) async throws -> Int {
        try await db.raw(
            "SELECT CAST(COALESCE(SUM(recipients), 0) AS BIGINT) AS n FROM send_counters WHERE region = \(bind: region) AND minute >= \(bind: Timestamp.millis(since) / 60_000)"
        ).first()?.decode(column: "n", as: Int.self) ?? 0
    }
}

// MARK: Batches

extension SQLStoreSession {
    /// Stores messages with their queue rows and events, inside the caller's transaction.
    func insertMessages(_ messages: [StoredMessage]) async throws {
        guard !messages.isEmpty else { return }
        // The messages_count_recipients trigger adds each message's recipients to send_counters.
        try await db.raw(Self.messageRows(messages).insertStatement).run()
        try await insertDeliveries(of: messages)
    }

    /// `strings` as a JSON array (what JSONEncoder writes, without its cost on the writer's path).
    static func jsonArray(_ strings: [String]) -> String {
        var out = "["
        for (index, string) in strings.enumerated() {
            if index > 0 { out += "," }
            out += "\""
            for scalar in string.unicodeScalars {
                switch scalar.value {
                case 0x22: out += "\\\""
                case 0x5C: out += "\\\\"
                case 0..<0x20:
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                default: out.unicodeScalars.append(scalar)
                }
            }
            out += "\""
        }
        return out + "]"
    }

    /// The `messages` rows of `messages` (their queue rows and events are not part of them).
    static func messageRows(_ messages: [StoredMessage]) -> SQLRows {
        SQLRows(
            table: "messages",
            columns: [
                "id", "region", "source", "destinations", "recipient_count", "subject", "raw_base64", "principal_arn", "via", "created_at",
                "configuration_set", "quota_exempt",
            ],
            rows: messages.map { message in
                [
                    .text(message.id), .text(message.region), .text(message.source), .text(Self.jsonArray(message.destinations)),
                    .integer(Int64(message.destinations.count)), message.subject.map(SQLValue.text) ?? .null,
                    .text(Data(message.raw).base64EncodedString()), .text(message.principalARN), .text(message.via.rawValue),
                    .integer(Int64(Timestamp.millis(message.createdAt))), message.configurationSet.map(SQLValue.text) ?? .null,
                    .integer(message.countsTowardQuota ? 0 : 1),
                ]
            })
    }

    func allConfigurationSets(region: String) async throws -> [ConfigurationSet] {
        try await db.raw("SELECT name, created_at, options FROM ses_configuration_sets WHERE region = \(bind: region)").all().map { row in
            ConfigurationSet(
                region: region, name: try row.decode(column: "name", as: String.self),
                createdAt: Timestamp.date(millis: try row.decode(column: "created_at", as: Int64.self)),
                options: ConfigurationSetOptions.decode(try row.decode(column: "options", as: String?.self)))
        }
    }

    func allIdentityPolicies(region: String) async throws -> [(identity: String, name: String, document: String)] {
        try await db.raw(
            "SELECT identity, name, document FROM ses_identity_policies WHERE region = \(bind: region) ORDER BY identity, name"
        )
        .all().map {
            (
                try $0.decode(column: "identity", as: String.self), try $0.decode(column: "name", as: String.self),
                try $0.decode(column: "document", as: String.self)
            )
        }
    }
}

extension SQLStoreSession {
    /// A stored message's origin; every value Sesame has written is a `MessageOrigin`.
    func decodeOrigin(_ row: any SQLRow) throws -> MessageOrigin {
        let text = try row.decode(column: "via", as: String.self)
        guard let origin = MessageOrigin(rawValue: text) else { throw StoredValueUnknown(column: "via", value: text) }
        return origin
    }
}

/// A column holds a value this version of Sesame does not know (written by a newer one).
struct StoredValueUnknown: Error, CustomStringConvertible {
    var column: String
    var value: String
    var description: String { "the store's \(column) column holds '\(value)', which this version of Sesame does not know" }
}
