import Foundation
import SQLKit
import SesameCore

// MARK: SES identity settings, configuration set options, identity policies

extension SQLStoreSession {
    func putIdentitySettings(region: String, name: String, settings: IdentitySettings) async throws {
        try await db.raw(
            "UPDATE ses_identities SET settings = \(bind: settings.encoded()) WHERE region = \(bind: region) AND name = \(bind: name)"
        ).run()
    }

    func identityPolicies(region: String, identity: String) async throws -> [(name: String, document: String)] {
        try await db.raw(
            """
            SELECT name, document FROM ses_identity_policies WHERE region = \(bind: region) AND identity = \(bind: identity)
            ORDER BY name
            """
        ).all().map { (try $0.decode(column: "name", as: String.self), try $0.decode(column: "document", as: String.self)) }
    }

    func putIdentityPolicy(region: String, identity: String, name: String, document: String) async throws {
        try await db.raw(
            """
            INSERT INTO ses_identity_policies (region, identity, name, document)
            VALUES (\(bind: region), \(bind: identity), \(bind: name), \(bind: document))
            ON CONFLICT (region, identity, name) DO UPDATE SET document = excluded.document
            """
        ).run()
    }

    func deleteIdentityPolicy(region: String, identity: String, name: String) async throws {
        try await db.raw(
            """
            DELETE FROM ses_identity_policies WHERE region = \(bind: region) AND identity = \(bind: identity) AND name = \(bind: name)
            """
        ).run()
    }

    func configurationSet(region: String, name: String) async throws -> ConfigurationSet? {
        try await db.raw(
            "SELECT name, created_at, options FROM ses_configuration_sets WHERE region = \(bind: region) AND name = \(bind: name)"
        ).first().map { row in
            ConfigurationSet(
                region: region, name: try row.decode(column: "name", as: String.self),
                createdAt: Timestamp.date(millis: try row.decode(column: "created_at", as: Int64.self)),
                options: ConfigurationSetOptions.decode(try row.decode(column: "options", as: String?.self)))
        }
    }

    func putConfigurationSetOptions(region: String, name: String, options: ConfigurationSetOptions) async throws {
        try await db.raw(
            """
            UPDATE ses_configuration_sets SET options = \(bind: options.encoded()) WHERE region = \(bind: region) AND name = \(bind: name)
            """
        ).run()
    }
}

// MARK: Custom verification email templates

extension SQLStoreSession {
    func decodeCustomVerificationTemplate(_ row: any SQLRow) throws -> CustomVerificationTemplate {
        let tags = (try row.decode(column: "tags", as: String?.self)).flatMap { try? JSONDecoder().decode([Tag].self, from: Data($0.utf8)) }
        return CustomVerificationTemplate(
            region: try row.decode(column: "region", as: String.self), name: try row.decode(column: "name", as: String.self),
            fromAddress: try row.decode(column: "from_address", as: String.self),
            subject: try row.decode(column: "subject", as: String.self),
            content: try row.decode(column: "content", as: String.self), successURL: try row.decode(column: "success_url", as: String.self),
            failureURL: try row.decode(column: "failure_url", as: String.self), tags: tags ?? [],
            createdAt: Timestamp.date(millis: try row.decode(column: "created_at", as: Int64.self)))
    }

    func customVerificationTemplate(region: String, name: String) async throws -> CustomVerificationTemplate? {
        try await db.raw(
            "SELECT * FROM ses_custom_verification_templates WHERE region = \(bind: region) AND name = \(bind: name)"
        ).first().map(decodeCustomVerificationTemplate)
    }

    func customVerificationTemplates(region: String, afterName: String?, limit: Int) async throws -> [CustomVerificationTemplate] {
        try await db.raw(
            """
            SELECT * FROM ses_custom_verification_templates WHERE region = \(bind: region) AND name > \(bind: afterName ?? "")
            ORDER BY name LIMIT \(bind: limit)
            """
        ).all().map(decodeCustomVerificationTemplate)
    }

    func putCustomVerificationTemplate(_ template: CustomVerificationTemplate, replace: Bool) async throws -> Bool {
        let exists = try await customVerificationTemplate(region: template.region, name: template.name) != nil
        if exists && !replace { return false }
        let tags = template.tags.isEmpty ? nil : (try? JSONEncoder().encode(template.tags)).map { String(decoding: $0, as: UTF8.self) }
        try await db.raw(
            """
            INSERT INTO ses_custom_verification_templates
            (region, name, from_address, subject, content, success_url, failure_url, tags, created_at)
            VALUES (\(bind: template.region), \(bind: template.name), \(bind: template.fromAddress), \(bind: template.subject),
            \(bind: template.content), \(bind: template.successURL), \(bind: template.failureURL), \(bind: tags),
            \(bind: Timestamp.millis(template.createdAt)))
            ON CONFLICT (region, name) DO UPDATE SET from_address = excluded.from_address, subject = excluded.subject,
            content = excluded.content, success_url = excluded.success_url, failure_url = excluded.failure_url
            """
        ).run()
        return true
    }

    func deleteCustomVerificationTemplate(region: String, name: String) async throws {
        try await db.raw("DELETE FROM ses_custom_verification_templates WHERE region = \(bind: region) AND name = \(bind: name)").run()
    }
}
