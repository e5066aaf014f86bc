import Foundation
import SQLKit
import SesameCore

// MARK: Groups, their members and policies

extension SQLStoreSession {
    static let groupColumns = "id, account_id, name, path, created_at"

    func decodeGroup(_ row: any SQLRow) throws -> IAMGroup {
        IAMGroup(
            id: try row.decode(column: "id", as: String.self),
            accountID: try row.decode(column: "account_id", as: String.self),
            name: try row.decode(column: "name", as: String.self),
            path: try row.decode(column: "path", as: String.self),
            createdAt: Timestamp.date(millis: try row.decode(column: "created_at", as: Int64.self)))
    }

    func group(named name: String) async throws -> IAMGroup? {
        try await db.raw("SELECT \(unsafeRaw: Self.groupColumns) FROM iam_groups WHERE name_lower = \(bind: name.lowercased())")
            .first().map(decodeGroup)
    }

    func groups(pathPrefix: String, afterName: String?, limit: Int) async throws -> [IAMGroup] {
        try await db.raw(
            """
            SELECT \(unsafeRaw: Self.groupColumns) FROM iam_groups
            WHERE name_lower > \(bind: afterName ?? "") AND substr(path, 1, \(bind: Int32(pathPrefix.count))) = \(bind: pathPrefix)
            ORDER BY name_lower LIMIT \(bind: limit)
            """
        ).all().map(decodeGroup)
    }

    func groupCount() async throws -> Int {
        try await db.raw("SELECT COUNT(*) AS n FROM iam_groups").first()?.decode(column: "n", as: Int.self) ?? 0
    }

    func insertGroup(_ group: IAMGroup) async throws {
        try await db.raw(
            """
            INSERT INTO iam_groups (id, account_id, name, name_lower, path, created_at)
            VALUES (\(bind: group.id), \(bind: group.accountID), \(bind: group.name), \(bind: group.name.lowercased()), \(bind: group.path), \(bind: Timestamp.millis(group.createdAt)))
            """
        ).run()
    }

    func updateGroup(id: String, name: String, path: String) async throws {
        try await db.raw(
            "UPDATE iam_groups SET name = \(bind: name), name_lower = \(bind: name.lowercased()), path = \(bind: path) WHERE id = \(bind: id)"
        ).run()
    }

    func deleteGroup(id: String) async throws {
        try await db.raw("DELETE FROM iam_groups WHERE id = \(bind: id)").run()
    }

    func groupMembers(groupID: String) async throws -> [IAMUser] {
        try await db.raw(
            """
            SELECT \(unsafeRaw: Self.userColumns.split(separator: ",").map { "u." + $0.trimmingCharacters(in: .whitespaces) }.joined(separator: ", "))
            FROM iam_group_members m JOIN iam_users u ON u.id = m.user_id WHERE m.group_id = \(bind: groupID) ORDER BY u.name_lower
            """
        ).all().map(decodeUser)
    }

    func groups(ofUser userID: String) async throws -> [IAMGroup] {
        try await db.raw(
            """
            SELECT \(unsafeRaw: Self.groupColumns.split(separator: ",").map { "g." + $0.trimmingCharacters(in: .whitespaces) }.joined(separator: ", "))
            FROM iam_group_members m JOIN iam_groups g ON g.id = m.group_id WHERE m.user_id = \(bind: userID) ORDER BY g.name_lower
            """
        ).all().map(decodeGroup)
    }

    func addGroupMember(groupID: String, userID: String) async throws {
        try await db.raw(
            """
            INSERT INTO iam_group_members (group_id, user_id) VALUES (\(bind: groupID), \(bind: userID))
            ON CONFLICT (group_id, user_id) DO NOTHING
            """
        ).run()
    }

    func removeGroupMember(groupID: String, userID: String) async throws {
        try await db.raw("DELETE FROM iam_group_members WHERE group_id = \(bind: groupID) AND user_id = \(bind: userID)").run()
    }

    func groupInlinePolicies(groupID: String) async throws -> [InlinePolicy] {
        try await db.raw("SELECT name, document FROM iam_group_policies WHERE group_id = \(bind: groupID) ORDER BY name").all().map {
            InlinePolicy(name: try $0.decode(column: "name", as: String.self), document: try $0.decode(column: "document", as: String.self))
        }
    }

    func putGroupInlinePolicy(groupID: String, _ policy: InlinePolicy) async throws {
        try await db.raw(
            """
            INSERT INTO iam_group_policies (group_id, name, document) VALUES (\(bind: groupID), \(bind: policy.name), \(bind: policy.document))
            ON CONFLICT (group_id, name) DO UPDATE SET document = excluded.document
            """
        ).run()
    }

    func deleteGroupInlinePolicy(groupID: String, name: String) async throws {
        try await db.raw("DELETE FROM iam_group_policies WHERE group_id = \(bind: groupID) AND name = \(bind: name)").run()
    }

    func groupAttachedPolicyARNs(groupID: String) async throws -> [String] {
        try await db.raw(
            "SELECT policy_arn FROM iam_group_attached_policies WHERE group_id = \(bind: groupID) ORDER BY attached_at, policy_arn"
        ).all().map { try $0.decode(column: "policy_arn", as: String.self) }
    }

    func attachGroupPolicy(groupID: String, arn: String, at: Date) async throws {
        try await db.raw(
            """
            INSERT INTO iam_group_attached_policies (group_id, policy_arn, attached_at)
            VALUES (\(bind: groupID), \(bind: arn), \(bind: Timestamp.millis(at)))
            ON CONFLICT (group_id, policy_arn) DO NOTHING
            """
        ).run()
    }

    func detachGroupPolicy(groupID: String, arn: String) async throws {
        try await db.raw("DELETE FROM iam_group_attached_policies WHERE group_id = \(bind: groupID) AND policy_arn = \(bind: arn)").run()
    }
}
