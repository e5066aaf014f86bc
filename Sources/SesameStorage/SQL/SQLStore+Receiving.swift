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
}
