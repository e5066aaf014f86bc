import Foundation
import Logging
import SQLKit
import SesameCore

// MARK: SES templates and configuration sets

extension SQLStoreSession {
    func decodeTemplate(_ row: any SQLRow) throws -> EmailTemplate {
        EmailTemplate(
            name: try row.decode(column: "name", as: String.self),
            subject: try row.decode(column: "subject", as: String?.self),
            text: try row.decode(column: "text_part", as: String?.self),
            html: try row.decode(column: "html_part", as: String?.self),
            createdAt: Timestamp.date(millis: try row.decode(column: "created_at", as: Int64.self)))
    }

    func template(region: String, name: String) async throws -> EmailTemplate? {
        try await db.raw(
            "SELECT name, subject, text_part, html_part, created_at FROM ses_templates WHERE region = \(bind: region) AND name = \(bind: name)"
        ).first().map(decodeTemplate)
    }

    func templates(region: String, afterName: String?, limit: Int) async throws -> [EmailTemplate] {
        try await db.raw(
            """
            SELECT name, subject, text_part, html_part, created_at FROM ses_templates
            WHERE region = \(bind: region) AND name > \(bind: afterName ?? "") ORDER BY name LIMIT \(bind: limit)
            """
        ).all().map(decodeTemplate)
    }

    func putTemplate(region: String, _ template: EmailTemplate, replace: Bool) async throws -> Bool {
        if try await self.template(region: region, name: template.name) != nil {
            guard replace else { return false }
            try await db.raw(
                """
                UPDATE ses_templates SET subject = \(bind: template.subject), text_part = \(bind: template.text), html_part = \(bind: template.html)
                WHERE region = \(bind: region) AND name = \(bind: template.name)
                """
            ).run()
            return true
        }
        try await db.raw(
            """
            INSERT INTO ses_templates (region, name, subject, text_part, html_part, created_at)
            VALUES (\(bind: region), \(bind: template.name), \(bind: template.subject), \(bind: template.text), \(bind: template.html), \(bind: Timestamp.millis(template.createdAt)))
            """
        ).run()
        return true
    }

    func deleteTemplate(region: String, name: String) async throws {
        try await db.raw("DELETE FROM ses_templates WHERE region = \(bind: region) AND name = \(bind: name)").run()
    }

    func configurationSetExists(region: String, name: String) async throws -> Bool {
        try await db.raw("SELECT name FROM ses_configuration_sets WHERE region = \(bind: region) AND name = \(bind: name)").first() != nil
    }

    func configurationSets(region: String, afterName: String?, limit: Int) async throws -> [(name: String, createdAt: Date)] {
        try await db.raw(
            """
            SELECT name, created_at FROM ses_configuration_sets WHERE region = \(bind: region) AND name > \(bind: afterName ?? "")
            ORDER BY name LIMIT \(bind: limit)
            """
        ).all().map {
            (try $0.decode(column: "name", as: String.self), Timestamp.date(millis: try $0.decode(column: "created_at", as: Int64.self)))
        }
    }

    func insertConfigurationSet(region: String, name: String, at: Date) async throws -> Bool {
        if try await configurationSetExists(region: region, name: name) { return false }
        try await db.raw(
            "INSERT INTO ses_configuration_sets (region, name, created_at) VALUES (\(bind: region), \(bind: name), \(bind: Timestamp.millis(at)))"
        ).run()
        return true
    }

    func deleteConfigurationSet(region: String, name: String) async throws {
        try await db.raw("DELETE FROM ses_configuration_sets WHERE region = \(bind: region) AND name = \(bind: name)").run()
    }

    func recipientBuckets(region: String, since: Date, bucketMillis: Int64) async throws -> [(Int64, Int)] {
        try await db.raw(
            """
            SELECT ((minute * 60000) / \(bind: bucketMillis)) * \(bind: bucketMillis) AS bucket, CAST(SUM(recipients) AS BIGINT) AS n FROM send_counters
            WHERE region = \(bind: region) AND minute >= \(bind: Timestamp.millis(since) / 60_000)
            GROUP BY 1 ORDER BY 1
            """
        ).all().map { (try $0.decode(column: "bucket", as: Int64.self), try $0.decode(column: "n", as: Int.self)) }
    }
}

// MARK: Suppression list

extension SQLStoreSession {
    func suppressed(region: String, address: String) async throws -> (reason: String, updatedAt: Date)? {
        guard
            let row = try await db.raw(
                "SELECT reason, updated_at FROM ses_suppressed WHERE region = \(bind: region) AND address = \(bind: address.lowercased())"
            ).first()
        else { return nil }
        return (
            try row.decode(column: "reason", as: String.self), Timestamp.date(millis: try row.decode(column: "updated_at", as: Int64.self))
        )
    }

    func suppressedList(
        region: String, reason: String?, afterAddress: String?, limit: Int
    ) async throws -> [(address: String, reason: String, updatedAt: Date)] {
        let rows: [any SQLRow]
        if let reason {
            rows = try await db.raw(
                """
                SELECT address, reason, updated_at FROM ses_suppressed WHERE region = \(bind: region) AND reason = \(bind: reason)
                AND address > \(bind: afterAddress ?? "") ORDER BY address LIMIT \(bind: limit)
                """
            ).all()
        } else {
            rows = try await db.raw(
                """
                SELECT address, reason, updated_at FROM ses_suppressed WHERE region = \(bind: region)
                AND address > \(bind: afterAddress ?? "") ORDER BY address LIMIT \(bind: limit)
                """
            ).all()
        }
        return try rows.map {
            (
                try $0.decode(column: "address", as: String.self), try $0.decode(column: "reason", as: String.self),
                Timestamp.date(millis: try $0.decode(column: "updated_at", as: Int64.self))
            )
        }
    }

    func putSuppressed(region: String, address: String, reason: String, at: Date) async throws {
        try await db.raw(
            """
            INSERT INTO ses_suppressed (region, address, reason, updated_at) VALUES (\(bind: region), \(bind: address.lowercased()), \(bind: reason), \(bind: Timestamp.millis(at)))
            ON CONFLICT (region, address) DO UPDATE SET reason = excluded.reason, updated_at = excluded.updated_at
            """
        ).run()
    }

    func deleteSuppressed(region: String, address: String) async throws {
        try await db.raw("DELETE FROM ses_suppressed WHERE region = \(bind: region) AND address = \(bind: address.lowercased())").run()
    }
}
