import Foundation
import SQLKit
import SesameCore

// MARK: Customer managed policies, their versions and uses

extension SQLStoreSession {
    static let policyColumns =
        "p.id, p.account_id, p.name, p.path, p.description, p.default_version, p.created_at, p.updated_at, v.document"

    func decodePolicy(_ row: any SQLRow) throws -> ManagedPolicy {
        ManagedPolicy(
            name: try row.decode(column: "name", as: String.self), path: try row.decode(column: "path", as: String.self),
            id: try row.decode(column: "id", as: String.self), description: try row.decode(column: "description", as: String.self),
            document: try row.decode(column: "document", as: String.self),
            accountID: try row.decode(column: "account_id", as: String.self),
            defaultVersion: try row.decode(column: "default_version", as: Int.self),
            createdAt: Timestamp.date(millis: try row.decode(column: "created_at", as: Int64.self)),
            updatedAt: Timestamp.date(millis: try row.decode(column: "updated_at", as: Int64.self)))
    }

    /// Policies joined with their default version's document.
    func selectPolicies(where condition: SQLQueryString) async throws -> [ManagedPolicy] {
        try await db.raw(
            """
            SELECT \(unsafeRaw: Self.policyColumns) FROM iam_policies p
            JOIN iam_policy_versions v ON v.policy_id = p.id AND v.version = p.default_version
            WHERE \(condition) ORDER BY p.name_lower
            """
        ).all().map(decodePolicy)
    }

    func customerPolicy(arn: String) async throws -> ManagedPolicy? {
        try await selectPolicies(where: "p.arn = \(bind: arn)").first
    }

    func customerPolicy(named name: String) async throws -> ManagedPolicy? {
        try await selectPolicies(where: "p.name_lower = \(bind: name.lowercased())").first
    }

    func customerPolicies() async throws -> [ManagedPolicy] {
        try await selectPolicies(where: "1 = 1")
    }

    func insertCustomerPolicy(_ policy: ManagedPolicy) async throws {
        try await db.raw(
            """
            INSERT INTO iam_policies (id, account_id, arn, name, name_lower, path, description, default_version, next_version, created_at, updated_at)
            VALUES (\(bind: policy.id), \(bind: policy.accountID ?? ""), \(bind: policy.arn), \(bind: policy.name), \(bind: policy.name.lowercased()),
                \(bind: policy.path), \(bind: policy.description), 1, 2, \(bind: Timestamp.millis(policy.createdAt)), \(bind: Timestamp.millis(policy.updatedAt)))
            """
        ).run()
        try await db.raw(
            """
            INSERT INTO iam_policy_versions (policy_id, version, document, created_at)
            VALUES (\(bind: policy.id), 1, \(bind: policy.document), \(bind: Timestamp.millis(policy.createdAt)))
            """
        ).run()
    }

    func deleteCustomerPolicy(id: String) async throws {
        // Children first: foreign-key cascades are not enabled on every SQLite connection.
        try await db.raw("DELETE FROM iam_policy_versions WHERE policy_id = \(bind: id)").run()
        try await db.raw("DELETE FROM iam_entity_tags WHERE entity_id = \(bind: id)").run()
        try await db.raw("DELETE FROM iam_policies WHERE id = \(bind: id)").run()
    }

    func policyVersions(policyID: String) async throws -> [PolicyVersion] {
        try await db.raw(
            "SELECT version, document, created_at FROM iam_policy_versions WHERE policy_id = \(bind: policyID) ORDER BY version DESC"
        ).all().map {
            PolicyVersion(
                number: try $0.decode(column: "version", as: Int.self), document: try $0.decode(column: "document", as: String.self),
                createdAt: Timestamp.date(millis: try $0.decode(column: "created_at", as: Int64.self)))
        }
    }

    func insertPolicyVersion(policyID: String, document: String, at date: Date) async throws -> Int {
        guard
            let number = try await db.raw("SELECT next_version FROM iam_policies WHERE id = \(bind: policyID)").first()?
                .decode(column: "next_version", as: Int.self)
        else { throw StoreConflict(detail: "policy \(policyID) is gone") }
        try await db.raw(
            """
            INSERT INTO iam_policy_versions (policy_id, version, document, created_at)
            VALUES (\(bind: policyID), \(bind: number), \(bind: document), \(bind: Timestamp.millis(date)))
            """
        ).run()
        try await db.raw("UPDATE iam_policies SET next_version = \(bind: number + 1) WHERE id = \(bind: policyID)").run()
        return number
    }

    func deletePolicyVersion(policyID: String, number: Int) async throws {
        try await db.raw("DELETE FROM iam_policy_versions WHERE policy_id = \(bind: policyID) AND version = \(bind: number)").run()
    }

    func setDefaultPolicyVersion(policyID: String, number: Int, at date: Date) async throws {
        try await db.raw(
            "UPDATE iam_policies SET default_version = \(bind: number), updated_at = \(bind: Timestamp.millis(date)) WHERE id = \(bind: policyID)"
        ).run()
    }

    func attachmentCount(policyARN: String) async throws -> Int {
        try await db.raw(
            """
            SELECT (SELECT COUNT(*) FROM attached_policies WHERE policy_arn = \(bind: policyARN))
                + (SELECT COUNT(*) FROM iam_group_attached_policies WHERE policy_arn = \(bind: policyARN))
                + (SELECT COUNT(*) FROM iam_role_attached_policies WHERE policy_arn = \(bind: policyARN)) AS n
            """
        ).first()?.decode(column: "n", as: Int.self) ?? 0
    }

    func boundaryUsageCount(policyARN: String) async throws -> Int {
        try await db.raw(
            """
            SELECT (SELECT COUNT(*) FROM iam_users WHERE permissions_boundary = \(bind: policyARN))
                + (SELECT COUNT(*) FROM iam_roles WHERE permissions_boundary = \(bind: policyARN)) AS n
            """
        ).first()?.decode(column: "n", as: Int.self) ?? 0
    }

    func entities(attachedTo policyARN: String) async throws -> (users: [IAMUser], groups: [IAMGroup], roles: [IAMRole]) {
        let users = try await db.raw(
            """
            SELECT \(unsafeRaw: Self.prefixed(Self.userColumns, "u"))
            FROM attached_policies a JOIN iam_users u ON u.id = a.user_id WHERE a.policy_arn = \(bind: policyARN) ORDER BY u.name_lower
            """
        ).all().map(decodeUser)
        let groups = try await db.raw(
            """
            SELECT \(unsafeRaw: Self.prefixed(Self.groupColumns, "g"))
            FROM iam_group_attached_policies a JOIN iam_groups g ON g.id = a.group_id WHERE a.policy_arn = \(bind: policyARN)
            ORDER BY g.name_lower
            """
        ).all().map(decodeGroup)
        let roles = try await db.raw(
            """
            SELECT \(unsafeRaw: Self.prefixed(Self.roleColumns, "r"))
            FROM iam_role_attached_policies a JOIN iam_roles r ON r.id = a.role_id WHERE a.policy_arn = \(bind: policyARN)
            ORDER BY r.name_lower
            """
        ).all().map(decodeRole)
        return (users, groups, roles)
    }

    /// `id, name` → `t.id, t.name`.
    static func prefixed(_ columns: String, _ table: String) -> String {
        columns.split(separator: ",").map { "\(table)." + $0.trimmingCharacters(in: .whitespaces) }.joined(separator: ", ")
    }

    func setUserPermissionsBoundary(userID: String, arn: String?) async throws {
        try await db.raw("UPDATE iam_users SET permissions_boundary = \(bind: arn) WHERE id = \(bind: userID)").run()
    }

    // MARK: Tags of policies and roles

    func entityTags(_ entityID: String) async throws -> [Tag] {
        try await db.raw("SELECT tag_key, tag_value FROM iam_entity_tags WHERE entity_id = \(bind: entityID) ORDER BY position, tag_key")
            .all().map {
                Tag(key: try $0.decode(column: "tag_key", as: String.self), value: try $0.decode(column: "tag_value", as: String.self))
            }
    }

    func putEntityTags(_ entityID: String, _ tags: [Tag]) async throws {
        let start =
            try await db.raw("SELECT COALESCE(MAX(position), 0) AS p FROM iam_entity_tags WHERE entity_id = \(bind: entityID)")
            .first()?.decode(column: "p", as: Int64.self) ?? 0
        for (offset, tag) in tags.enumerated() {
            try await db.raw(
                """
                INSERT INTO iam_entity_tags (entity_id, tag_key, tag_value, position)
                VALUES (\(bind: entityID), \(bind: tag.key), \(bind: tag.value), \(bind: start + Int64(offset) + 1))
                ON CONFLICT (entity_id, tag_key) DO UPDATE SET tag_value = excluded.tag_value
                """
            ).run()
        }
    }

    func removeEntityTags(_ entityID: String, keys: [String]) async throws {
        for key in keys {
            try await db.raw("DELETE FROM iam_entity_tags WHERE entity_id = \(bind: entityID) AND tag_key = \(bind: key)").run()
        }
    }
}
