import Foundation
import SQLKit
import SesameCore

// MARK: SES receiving: rule sets, the active set, filters

extension SQLStoreSession {
    func receiptRuleSets(region: String) async throws -> [ReceiptRuleSet] {
        try await db.raw("SELECT document FROM ses_receipt_rule_sets WHERE region = \(bind: region) ORDER BY name").all().map {
            try StoredDocument.decoder.decode(ReceiptRuleSet.self, from: Data(try $0.decode(column: "document", as: String.self).utf8))
        }
    }

    func receiptRuleSet(region: String, name: String) async throws -> ReceiptRuleSet? {
        try await db.raw("SELECT document FROM ses_receipt_rule_sets WHERE region = \(bind: region) AND name = \(bind: name)").first().map {
            try StoredDocument.decoder.decode(ReceiptRuleSet.self, from: Data(try $0.decode(column: "document", as: String.self).utf8))
        }
    }

    func putReceiptRuleSet(_ set: ReceiptRuleSet) async throws {
        let document = String(decoding: try StoredDocument.encoder.encode(set), as: UTF8.self)
        try await db.raw(
            """
            INSERT INTO ses_receipt_rule_sets (region, name, created_at, document)
            VALUES (\(bind: set.region), \(bind: set.name), \(bind: Timestamp.millis(set.createdAt)), \(bind: document))
            ON CONFLICT (region, name) DO UPDATE SET document = excluded.document
            """
        ).run()
    }

    func deleteReceiptRuleSet(region: String, name: String) async throws {
        try await db.raw("DELETE FROM ses_receipt_rule_sets WHERE region = \(bind: region) AND name = \(bind: name)").run()
    }

    func activeReceiptRuleSetName(region: String) async throws -> String? {
        try await db.raw("SELECT name FROM ses_receipt_active WHERE region = \(bind: region)").first()?.decode(
            column: "name", as: String.self)
    }

    func setActiveReceiptRuleSet(region: String, name: String?) async throws {
        guard let name else {
            try await db.raw("DELETE FROM ses_receipt_active WHERE region = \(bind: region)").run()
            return
        }
        try await db.raw(
            """
            INSERT INTO ses_receipt_active (region, name) VALUES (\(bind: region), \(bind: name))
            ON CONFLICT (region) DO UPDATE SET name = excluded.name
            """
        ).run()
    }

    func receiptFilters(region: String) async throws -> [ReceiptFilter] {
        try await db.raw("SELECT document FROM ses_receipt_filters WHERE region = \(bind: region) ORDER BY name").all().map {
            try StoredDocument.decoder.decode(ReceiptFilter.self, from: Data(try $0.decode(column: "document", as: String.self).utf8))
        }
    }

    func putReceiptFilter(_ filter: ReceiptFilter) async throws {
        let document = String(decoding: try StoredDocument.encoder.encode(filter), as: UTF8.self)
        try await db.raw(
            """
            INSERT INTO ses_receipt_filters (region, name, document) VALUES (\(bind: filter.region), \(bind: filter.name), \(bind: document))
            ON CONFLICT (region, name) DO UPDATE SET document = excluded.document
            """
        ).run()
    }

    func deleteReceiptFilter(region: String, name: String) async throws {
        try await db.raw("DELETE FROM ses_receipt_filters WHERE region = \(bind: region) AND name = \(bind: name)").run()
    }

    func activeReceiptRuleSets() async throws -> [ReceiptRuleSet] {
        try await db.raw(
            """
            SELECT s.document FROM ses_receipt_active a JOIN ses_receipt_rule_sets s ON s.region = a.region AND s.name = a.name
            ORDER BY a.region
            """
        ).all().map {
            try StoredDocument.decoder.decode(ReceiptRuleSet.self, from: Data(try $0.decode(column: "document", as: String.self).utf8))
        }
    }

    func insertReceivedMessages(_ messages: [ReceivedMessage]) async throws {
        for message in messages {
            let recipients = String(decoding: try StoredDocument.encoder.encode(message.recipients), as: UTF8.self)
            try await db.raw(
                """
                INSERT INTO inbound_messages (id, region, rule_set, mail_from, recipients, raw_base64, remote_address, tls, received_at, state)
                VALUES (\(bind: message.id), \(bind: message.region), \(bind: message.ruleSet), \(bind: message.mailFrom), \(bind: recipients),
                    \(bind: Data(message.raw).base64EncodedString()), \(bind: message.remoteAddress), \(bind: message.tls ? 1 : 0),
                    \(bind: Timestamp.millis(message.receivedAt)), \(bind: message.state.rawValue))
                """
            ).run()
        }
    }

    func receivedMessages(region: String, limit: Int) async throws -> [ReceivedMessage] {
        try await db.raw(
            """
            SELECT id, region, rule_set, mail_from, recipients, raw_base64, remote_address, tls, received_at, state FROM inbound_messages
            WHERE region = \(bind: region) ORDER BY received_at DESC, id LIMIT \(bind: limit)
            """
        ).all().map { row in
            var message = ReceivedMessage(
                id: try row.decode(column: "id", as: String.self), region: try row.decode(column: "region", as: String.self),
                ruleSet: try row.decode(column: "rule_set", as: String.self),
                mailFrom: try row.decode(column: "mail_from", as: String.self),
                recipients: (try? StoredDocument.decoder.decode(
                    [String].self, from: Data(try row.decode(column: "recipients", as: String.self).utf8))) ?? [],
                raw: Array(Data(base64Encoded: try row.decode(column: "raw_base64", as: String.self)) ?? Data()),
                remoteAddress: try row.decode(column: "remote_address", as: String.self),
                tls: try row.decode(column: "tls", as: Int.self) != 0,
                receivedAt: Timestamp.date(millis: try row.decode(column: "received_at", as: Int64.self)))
            message.state = ReceivedMessage.State(rawValue: try row.decode(column: "state", as: String.self)) ?? .pending
            return message
        }
    }
}
