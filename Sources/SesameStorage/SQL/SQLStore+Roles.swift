import Foundation
import SQLKit
import SesameCore

// MARK: Roles and their policies

extension SQLStoreSession {
    static let roleColumns =
        "id, account_id, name, path, description, trust_policy, max_session_duration, permissions_boundary, created_at, last_used_at, last_used_region"

    func decodeRole(_ row: any SQLRow) throws -> IAMRole {
        IAMRole(
            id: try row.decode(column: "id", as: String.self), accountID: try row.decode(column: "account_id", as: String.self),
            name: try row.decode(column: "name", as: String.self), path: try row.decode(column: "path", as: String.self),
            description: try row.decode(column: "description", as: String?.self),
            trustPolicy: try row.decode(column: "trust_policy", as: String.self),
            maxSessionDuration: try row.decode(column: "max_session_duration", as: Int.self),
            permissionsBoundary: try row.decode(column: "permissions_boundary", as: String?.self),
            createdAt: Timestamp.date(millis: try row.decode(column: "created_at", as: Int64.self)),
            lastUsedAt: try row.decode(column: "last_used_at", as: Int64?.self).map(Timestamp.date(millis:)),
            lastUsedRegion: try row.decode(column: "last_used_region", as: String?.self))
    }

    func role(named name: String) async throws -> IAMRole? {
        try await db.raw("SELECT \(unsafeRaw: Self.roleColumns) FROM iam_roles WHERE name_lower = \(bind: name.lowercased())")
            .first().map(decodeRole)
    }

    func role(id: String) async throws -> IAMRole? {
        try await db.raw("SELECT \(unsafeRaw: Self.roleColumns) FROM iam_roles WHERE id = \(bind: id)").first().map(decodeRole)
    }

    func roles(pathPrefix: String, afterName: String?, limit: Int) async throws -> [IAMRole] {
        try await db.raw(
            """
            SELECT \(unsafeRaw: Self.roleColumns) FROM iam_roles
            WHERE name_lower > \(bind: afterName ?? "") AND substr(path, 1, \(bind: Int32(pathPrefix.count))) = \(bind: pathPrefix)
            ORDER BY name_lower LIMIT \(bind: limit)
            """
        ).all().map(decodeRole)
    }

    func roleCount() async throws -> Int {
        try await db.raw("SELECT COUNT(*) AS n FROM iam_roles").first()?.decode(column: "n", as: Int.self) ?? 0
    }

    func insertRole(_ role: IAMRole) async throws {
        try await db.raw(
            """
            INSERT INTO iam_roles (id, account_id, name, name_lower, path, description, trust_policy, max_session_duration,
                permissions_boundary, created_at)
            VALUES (\(bind: role.id), \(bind: role.accountID), \(bind: role.name), \(bind: role.name.lowercased()), \(bind: role.path),
                \(bind: role.description), \(bind: role.trustPolicy), \(bind: role.maxSessionDuration), \(bind: role.permissionsBoundary),
                \(bind: Timestamp.millis(role.createdAt)))
            """
        ).run()
    }

    func updateRole(_ role: IAMRole) async throws {
        try await db.raw(
            """
            UPDATE iam_roles SET description = \(bind: role.description), trust_policy = \(bind: role.trustPolicy),
                max_session_duration = \(bind: role.maxSessionDuration), permissions_boundary = \(bind: role.permissionsBoundary),
                last_used_at = \(bind: role.lastUsedAt.map(Timestamp.millis)), last_used_region = \(bind: role.lastUsedRegion)
            WHERE id = \(bind: role.id)
            """
        ).run()
    }

    func deleteRole(id: String) async throws {
        // Children first: foreign-key cascades are not enabled on every SQLite connection.
        try await db.raw("DELETE FROM iam_role_policies WHERE role_id = \(bind: id)").run()
        try await db.raw("DELETE FROM iam_role_attached_policies WHERE role_id = \(bind: id)").run()
        try await db.raw("DELETE FROM iam_entity_tags WHERE entity_id = \(bind: id)").run()
        try await db.raw("DELETE FROM iam_roles WHERE id = \(bind: id)").run()
    }

    func roleInlinePolicies(roleID: String) async throws -> [InlinePolicy] {
        try await db.raw("SELECT name, document FROM iam_role_policies WHERE role_id = \(bind: roleID) ORDER BY name").all().map {
            InlinePolicy(name: try $0.decode(column: "name", as: String.self), document: try $0.decode(column: "document", as: String.self))
        }
    }

    func putRoleInlinePolicy(roleID: String, _ policy: InlinePolicy) async throws {
        try await db.raw(
            """
            INSERT INTO iam_role_policies (role_id, name, document) VALUES (\(bind: roleID), \(bind: policy.name), \(bind: policy.document))
            ON CONFLICT (role_id, name) DO UPDATE SET document = excluded.document
            """
        ).run()
    }

    func deleteRoleInlinePolicy(roleID: String, name: String) async throws {
        try await db.raw("DELETE FROM iam_role_policies WHERE role_id = \(bind: roleID) AND name = \(bind: name)").run()
    }

    func roleAttachedPolicyARNs(roleID: String) async throws -> [String] {
        try await db.raw(
            "SELECT policy_arn FROM iam_role_attached_policies WHERE role_id = \(bind: roleID) ORDER BY attached_at, policy_arn"
        ).all().map { try $0.decode(column: "policy_arn", as: String.self) }
    }

    func attachRolePolicy(roleID: String, arn: String, at: Date) async throws {
        try await db.raw(
            """
            INSERT INTO iam_role_attached_policies (role_id, policy_arn, attached_at)
            VALUES (\(bind: roleID), \(bind: arn), \(bind: Timestamp.millis(at)))
            ON CONFLICT (role_id, policy_arn) DO NOTHING
            """
        ).run()
    }

    func recordRoleUse(roleID: String, at date: Date, region: String) async throws {
        try await db.raw(
            "UPDATE iam_roles SET last_used_at = \(bind: Timestamp.millis(date)), last_used_region = \(bind: region) WHERE id = \(bind: roleID)"
        ).run()
    }

    func detachRolePolicy(roleID: String, arn: String) async throws {
        try await db.raw("DELETE FROM iam_role_attached_policies WHERE role_id = \(bind: roleID) AND policy_arn = \(bind: arn)").run()
    }
}
