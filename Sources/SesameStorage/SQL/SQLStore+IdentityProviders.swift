import Foundation
import SQLKit
import SesameCore

// MARK: OpenID Connect providers

extension SQLStoreSession {
    func decodeOIDCProvider(_ row: any SQLRow) throws -> OIDCProvider {
        OIDCProvider(
            url: try row.decode(column: "url", as: String.self), accountID: try row.decode(column: "account_id", as: String.self),
            clientIDs: Self.parseJSONList(try row.decode(column: "client_ids", as: String.self)),
            thumbprints: Self.parseJSONList(try row.decode(column: "thumbprints", as: String.self)),
            createdAt: Timestamp.date(millis: try row.decode(column: "created_at", as: Int64.self)))
    }

    func oidcProvider(url: String) async throws -> OIDCProvider? {
        try await db.raw("SELECT * FROM iam_oidc_providers WHERE url = \(bind: url)").first().map(decodeOIDCProvider)
    }

    func oidcProviders() async throws -> [OIDCProvider] {
        try await db.raw("SELECT * FROM iam_oidc_providers ORDER BY url").all().map(decodeOIDCProvider)
    }

    func insertOIDCProvider(_ provider: OIDCProvider) async throws {
        try await db.raw(
            """
            INSERT INTO iam_oidc_providers (url, account_id, client_ids, thumbprints, created_at)
            VALUES (\(bind: provider.url), \(bind: provider.accountID), \(bind: Self.jsonList(provider.clientIDs)),
                \(bind: Self.jsonList(provider.thumbprints)), \(bind: Timestamp.millis(provider.createdAt)))
            """
        ).run()
    }

    func updateOIDCProvider(_ provider: OIDCProvider) async throws {
        try await db.raw(
            """
            UPDATE iam_oidc_providers SET client_ids = \(bind: Self.jsonList(provider.clientIDs)),
                thumbprints = \(bind: Self.jsonList(provider.thumbprints)) WHERE url = \(bind: provider.url)
            """
        ).run()
    }

    func deleteOIDCProvider(url: String) async throws {
        if let provider = try await oidcProvider(url: url) {
            try await db.raw("DELETE FROM iam_entity_tags WHERE entity_id = \(bind: provider.arn)").run()
        }
        try await db.raw("DELETE FROM iam_oidc_providers WHERE url = \(bind: url)").run()
    }
}
