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
