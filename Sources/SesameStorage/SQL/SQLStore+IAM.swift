import Foundation
import Logging
import SQLKit
import SesameCore

// MARK: Users, access keys, login profiles, policies

extension SQLStoreSession {
    // MARK: Users

    static let userColumns = "id, account_id, name, path, created_at, password_last_used, permissions_boundary"

    func decodeUser(_ row: any SQLRow) throws -> IAMUser {
        IAMUser(
            id: try row.decode(column: "id", as: String.self),
            accountID: try row.decode(column: "account_id", as: String.self),
            name: try row.decode(column: "name", as: String.self),
            path: try row.decode(column: "path", as: String.self),
            createdAt: Timestamp.date(millis: try row.decode(column: "created_at", as: Int64.self)),
            passwordLastUsed: try row.decode(column: "password_last_used", as: Int64?.self).map(Timestamp.date(millis:)),
            permissionsBoundary: try row.decode(column: "permissions_boundary", as: String?.self))
    }

    func user(named name: String) async throws -> IAMUser? {
        try await db.raw("SELECT \(unsafeRaw: Self.userColumns) FROM iam_users WHERE name_lower = \(bind: name.lowercased())")
            .first().map(decodeUser)
    }

    func user(id: String) async throws -> IAMUser? {
        try await db.raw("SELECT \(unsafeRaw: Self.userColumns) FROM iam_users WHERE id = \(bind: id)").first().map(decodeUser)
    }

    func users(pathPrefix: String, afterName: String?, limit: Int) async throws -> [IAMUser] {
        let rows = try await db.raw(
            """
            SELECT \(unsafeRaw: Self.userColumns) FROM iam_users
            WHERE name_lower > \(bind: afterName ?? "") AND substr(path, 1, \(bind: Int32(pathPrefix.count))) = \(bind: pathPrefix)
            ORDER BY name_lower LIMIT \(bind: limit)
            """
        ).all()
        return try rows.map(decodeUser)
    }

    func userCount() async throws -> Int {
        try await db.raw("SELECT COUNT(*) AS n FROM iam_users").first()?.decode(column: "n", as: Int.self) ?? 0
    }

    func insertUser(_ user: IAMUser) async throws {
        try await db.raw(
            """
            INSERT INTO iam_users (id, account_id, name, name_lower, path, created_at)
            VALUES (\(bind: user.id), \(bind: user.accountID), \(bind: user.name), \(bind: user.name.lowercased()), \(bind: user.path), \(bind: Timestamp.millis(user.createdAt)))
            """
        ).run()
        if !user.tags.isEmpty { try await putTags(userID: user.id, user.tags) }
    }

    func updateUser(id: String, name: String, path: String) async throws {
        try await db.raw(
            "UPDATE iam_users SET name = \(bind: name), name_lower = \(bind: name.lowercased()), path = \(bind: path) WHERE id = \(bind: id)"
        ).run()
    }

    func deleteUser(id: String) async throws {
        try await rememberDeletedKeys(where: "k.user_id", equals: id)
        try await db.raw("DELETE FROM console_sessions WHERE user_id = \(bind: id)").run()
        // Children first: foreign-key cascades are not enabled on every SQLite connection.
        for table in ["iam_user_tags", "access_keys", "login_profiles", "inline_policies", "attached_policies"] {
            try await db.raw("DELETE FROM \(unsafeRaw: table) WHERE user_id = \(bind: id)").run()
        }
        try await db.raw("DELETE FROM iam_users WHERE id = \(bind: id)").run()
    }

    func tags(userID: String) async throws -> [Tag] {
        try await db.raw("SELECT tag_key, tag_value FROM iam_user_tags WHERE user_id = \(bind: userID) ORDER BY position, tag_key")
            .all().map {
                Tag(key: try $0.decode(column: "tag_key", as: String.self), value: try $0.decode(column: "tag_value", as: String.self))
            }
    }

    func putTags(userID: String, _ tags: [Tag]) async throws {
        let start =
            try await db.raw("SELECT COALESCE(MAX(position), 0) AS p FROM iam_user_tags WHERE user_id = \(bind: userID)")
            .first()?.decode(column: "p", as: Int64.self) ?? 0
        for (offset, tag) in tags.enumerated() {
            try await db.raw(
                """
                INSERT INTO iam_user_tags (user_id, tag_key, tag_value, position) VALUES (\(bind: userID), \(bind: tag.key), \(bind: tag.value), \(bind: start + Int64(offset) + 1))
                ON CONFLICT (user_id, tag_key) DO UPDATE SET tag_value = excluded.tag_value
                """
            ).run()
        }
    }

    func removeTags(userID: String, keys: [String]) async throws {
        for key in keys {
            try await db.raw("DELETE FROM iam_user_tags WHERE user_id = \(bind: userID) AND tag_key = \(bind: key)").run()
        }
    }

    // MARK: Access keys

    static let keyColumns =
        "id, account_id, user_id, encrypted_secret, status, created_at, last_used_at, last_used_service, last_used_region"

    func decodeKey(_ row: any SQLRow) throws -> StoredAccessKey {
        StoredAccessKey(
            key: AccessKey(
                id: try row.decode(column: "id", as: String.self),
                accountID: try row.decode(column: "account_id", as: String.self),
                userID: try row.decode(column: "user_id", as: String?.self),
                status: AccessKeyStatus(rawValue: try row.decode(column: "status", as: String.self)) ?? .inactive,
                createdAt: Timestamp.date(millis: try row.decode(column: "created_at", as: Int64.self)),
                lastUsedAt: try row.decode(column: "last_used_at", as: Int64?.self).map(Timestamp.date(millis:)),
                lastUsedService: try row.decode(column: "last_used_service", as: String?.self),
                lastUsedRegion: try row.decode(column: "last_used_region", as: String?.self)),
            encryptedSecret: try row.decode(column: "encrypted_secret", as: String.self))
    }

    func accessKey(id: String) async throws -> StoredAccessKey? {
        try await db.raw("SELECT \(unsafeRaw: Self.keyColumns) FROM access_keys WHERE id = \(bind: id)").first().map(decodeKey)
    }

    func accessKeys(userID: String?) async throws -> [StoredAccessKey] {
        let rows: [any SQLRow]
        if let userID {
            rows = try await db.raw(
                "SELECT \(unsafeRaw: Self.keyColumns) FROM access_keys WHERE user_id = \(bind: userID) ORDER BY created_at, id"
            ).all()
        } else {
            rows = try await db.raw("SELECT \(unsafeRaw: Self.keyColumns) FROM access_keys WHERE user_id IS NULL ORDER BY created_at, id")
                .all()
        }
        return try rows.map(decodeKey)
    }

    func insertAccessKey(_ stored: StoredAccessKey) async throws {
        let key = stored.key
        try await db.raw(
            """
            INSERT INTO access_keys (id, account_id, user_id, encrypted_secret, status, created_at)
            VALUES (\(bind: key.id), \(bind: key.accountID), \(bind: key.userID), \(bind: stored.encryptedSecret), \(bind: key.status.rawValue), \(bind: Timestamp.millis(key.createdAt)))
            """
        ).run()
    }

    func updateAccessKeyStatus(id: String, _ status: AccessKeyStatus) async throws {
        try await db.raw("UPDATE access_keys SET status = \(bind: status.rawValue) WHERE id = \(bind: id)").run()
    }

    func deleteAccessKey(id: String) async throws {
        try await rememberDeletedKeys(where: "k.id", equals: id)
        try await db.raw("DELETE FROM access_keys WHERE id = \(bind: id)").run()
    }

    /// Keeps a tombstone for each key about to be deleted, so a later SMTP login with it can be
    /// told apart from a mistyped key.
    func rememberDeletedKeys(where column: String, equals value: String) async throws {
        try await db.raw(
            """
            INSERT INTO deleted_access_keys (id, user_name, deleted_at)
            SELECT k.id, u.name, \(bind: Timestamp.millis(Date())) FROM access_keys k LEFT JOIN iam_users u ON u.id = k.user_id
            WHERE \(unsafeRaw: column) = \(bind: value)
            ON CONFLICT (id) DO NOTHING
            """
        ).run()
    }

    func recordAccessKeyUse(id: String, at: Date, service: String, region: String) async throws {
        try await db.raw(
            """
            UPDATE access_keys SET last_used_at = \(bind: Timestamp.millis(at)), last_used_service = \(bind: service), last_used_region = \(bind: region)
            WHERE id = \(bind: id) AND (last_used_at IS NULL OR last_used_at < \(bind: Timestamp.millis(at)))
            """
        ).run()
    }

    // MARK: Login profiles

    func loginProfile(userID: String) async throws -> LoginProfile? {
        guard
            let row = try await db.raw(
                "SELECT user_id, password_hash, password_reset_required, created_at FROM login_profiles WHERE user_id = \(bind: userID)"
            ).first()
        else { return nil }
        return LoginProfile(
            userID: try row.decode(column: "user_id", as: String.self),
            passwordHash: try row.decode(column: "password_hash", as: String.self),
            passwordResetRequired: try row.decode(column: "password_reset_required", as: Int.self) != 0,
            createdAt: Timestamp.date(millis: try row.decode(column: "created_at", as: Int64.self)))
    }

    func putLoginProfile(_ profile: LoginProfile) async throws {
        try await db.raw(
            """
            INSERT INTO login_profiles (user_id, password_hash, password_reset_required, created_at)
            VALUES (\(bind: profile.userID), \(bind: profile.passwordHash), \(bind: profile.passwordResetRequired ? 1 : 0), \(bind: Timestamp.millis(profile.createdAt)))
            ON CONFLICT (user_id) DO UPDATE SET password_hash = excluded.password_hash, password_reset_required = excluded.password_reset_required
            """
        ).run()
    }

    func deleteLoginProfile(userID: String) async throws {
        try await db.raw("DELETE FROM login_profiles WHERE user_id = \(bind: userID)").run()
    }

    func recordPasswordUse(userID: String, at: Date) async throws {
        try await db.raw("UPDATE iam_users SET password_last_used = \(bind: Timestamp.millis(at)) WHERE id = \(bind: userID)").run()
    }

    // MARK: Policies

    func inlinePolicies(userID: String) async throws -> [InlinePolicy] {
        try await db.raw("SELECT name, document FROM inline_policies WHERE user_id = \(bind: userID) ORDER BY name").all().map {
            InlinePolicy(name: try $0.decode(column: "name", as: String.self), document: try $0.decode(column: "document", as: String.self))
        }
    }

    func putInlinePolicy(userID: String, _ policy: InlinePolicy) async throws {
        try await db.raw(
            """
            INSERT INTO inline_policies (user_id, name, document) VALUES (\(bind: userID), \(bind: policy.name), \(bind: policy.document))
            ON CONFLICT (user_id, name) DO UPDATE SET document = excluded.document
            """
        ).run()
    }

    func deleteInlinePolicy(userID: String, name: String) async throws {
        try await db.raw("DELETE FROM inline_policies WHERE user_id = \(bind: userID) AND name = \(bind: name)").run()
    }

    func attachedPolicyARNs(userID: String) async throws -> [String] {
        try await db.raw("SELECT policy_arn FROM attached_policies WHERE user_id = \(bind: userID) ORDER BY attached_at, policy_arn")
            .all().map { try $0.decode(column: "policy_arn", as: String.self) }
    }

    func attachPolicy(userID: String, arn: String, at: Date) async throws {
        try await db.raw(
            """
            INSERT INTO attached_policies (user_id, policy_arn, attached_at) VALUES (\(bind: userID), \(bind: arn), \(bind: Timestamp.millis(at)))
            ON CONFLICT (user_id, policy_arn) DO NOTHING
            """
        ).run()
    }

    func detachPolicy(userID: String, arn: String) async throws {
        try await db.raw("DELETE FROM attached_policies WHERE user_id = \(bind: userID) AND policy_arn = \(bind: arn)").run()
    }
}

// MARK: SMTP login failures

extension SQLStoreSession {
    func insertAuthFailure(_ failure: SMTPAuthFailure) async throws {
        try await db.raw(
            """
            INSERT INTO smtp_auth_failures (id, at, source_address, username, access_key_id, user_name, diagnosis, detail)
            VALUES (\(bind: RandomIDs.requestID()), \(bind: Timestamp.millis(failure.time)), \(bind: failure.sourceAddress),
            \(bind: failure.username), \(bind: failure.accessKeyID), \(bind: failure.userName), \(bind: failure.diagnosis.rawValue),
            \(bind: failure.detail))
            """
        ).run()
    }

    func authFailures(userName: String?, limit: Int) async throws -> [SMTPAuthFailure] {
        let columns = "at, source_address, username, access_key_id, user_name, diagnosis, detail"
        let rows: [any SQLRow]
        if let userName {
            rows = try await db.raw(
                """
                SELECT \(unsafeRaw: columns) FROM smtp_auth_failures WHERE user_name = \(bind: userName)
                ORDER BY at DESC LIMIT \(bind: limit)
                """
            ).all()
        } else {
            rows = try await db.raw("SELECT \(unsafeRaw: columns) FROM smtp_auth_failures ORDER BY at DESC LIMIT \(bind: limit)").all()
        }
        return try rows.map { row in
            SMTPAuthFailure(
                time: Timestamp.date(millis: try row.decode(column: "at", as: Int64.self)),
                sourceAddress: try row.decode(column: "source_address", as: String.self),
                username: try row.decode(column: "username", as: String.self),
                accessKeyID: try row.decode(column: "access_key_id", as: String?.self),
                userName: try row.decode(column: "user_name", as: String?.self),
                diagnosis: SMTPAuthDiagnosis(rawValue: try row.decode(column: "diagnosis", as: String.self)) ?? .wrongPassword,
                detail: try row.decode(column: "detail", as: String?.self))
        }
    }

    func pruneAuthFailures(before: Date) async throws {
        try await db.raw("DELETE FROM smtp_auth_failures WHERE at < \(bind: Timestamp.millis(before))").run()
    }

    func deletedAccessKey(id: String) async throws -> (userName: String?, deletedAt: Date)? {
        guard let row = try await db.raw("SELECT user_name, deleted_at FROM deleted_access_keys WHERE id = \(bind: id)").first() else {
            return nil
        }
        return (
            try row.decode(column: "user_name", as: String?.self),
            Timestamp.date(millis: try row.decode(column: "deleted_at", as: Int64.self))
        )
    }
}
