import Foundation
import Logging
import SQLKit
import SesameCore

/// The one `Store` implementation, written against SQLKit so both engines share every query.
public final class SQLStore: Store {
    let source: any SQLConnectionSource
    let logger: Logger

    public init(source: any SQLConnectionSource, logger: Logger) {
        self.source = source
        self.logger = logger
    }

    public var engine: String { source.engine }
    public var location: String { source.location }

    public func read<R: Sendable>(_ body: @escaping @Sendable (any StoreSession) async throws -> R) async throws -> R {
        try await transaction(write: false, body)
    }

    public func write<R: Sendable>(_ body: @escaping @Sendable (any StoreSession) async throws -> R) async throws -> R {
        try await transaction(write: true, body)
    }

    public func appendMessages(_ messages: [StoredMessage]) async throws {
        precondition(messages.allSatisfy { $0.deliveries.isEmpty && $0.events.isEmpty }, "appendMessages takes messages without queue rows or events")
        guard !messages.isEmpty else { return }
        do {
            try await source.insertRows(SQLStoreSession.messageRows(messages))
        } catch {
            throw classify(error)
        }
    }

    /// A store that cannot serve for now becomes `temporarilyUnavailable`, which every front end
    /// answers with "try again" (AWS 503, SMTP 451); the driver's text goes to the log only.
    func classify(_ error: any Error) -> any Error {
        guard !(error is SesameError), source.isUnavailable(error) else { return error }
        return SesameError(.temporarilyUnavailable, "Service is unable to handle request.", reason: String(describing: error))
    }

    public var hasSingleWriter: Bool { source.engine == "sqlite" }

    public var writeExecutor: (any TaskExecutor)? { source.writeExecutor }

    func transaction<R: Sendable>(write: Bool, _ body: @escaping @Sendable (any StoreSession) async throws -> R) async throws -> R {
        do {
            return try await runTransaction(write: write, body)
        } catch {
            throw classify(error)
        }
    }

    func runTransaction<R: Sendable>(write: Bool, _ body: @escaping @Sendable (any StoreSession) async throws -> R) async throws -> R {
        let source = self.source
        return try await source.withConnection(write: write) { db in
            try await db.raw(SQLQueryString(source.beginStatement(write: write))).run()
            do {
                let result = try await body(SQLStoreSession(db: db, source: source))
                try await db.raw("COMMIT").run()
                return result
            } catch {
                try? await db.raw("ROLLBACK").run()
                if source.isUniqueViolation(error) { throw StoreConflict(detail: String(describing: error)) }
                throw error
            }
        }
    }

    public func migrate() async throws {
        let source = self.source
        let logger = self.logger
        try await source.withConnection(write: true) { db in
            try await source.withMigrationLock(db) {
                try await db.raw(
                    "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)"
                ).run()
                let applied = Set(
                    try await db.raw("SELECT version FROM schema_migrations").all().map { try $0.decode(column: "version", as: Int.self) })
                for migration in Migrations.all where !applied.contains(migration.version) {
                    try await db.raw(SQLQueryString(source.beginStatement(write: true))).run()
                    do {
                        for statement in migration.statements(for: source.engine) { try await db.raw(SQLQueryString(statement)).run() }
                        try await db.raw(
                            "INSERT INTO schema_migrations (version, name, applied_at) VALUES (\(bind: migration.version), \(bind: migration.name), \(bind: Timestamp.millis(Date())))"
                        ).run()
                        try await db.raw("COMMIT").run()
                        logger.info("applied migration \(migration.version): \(migration.name)")
                    } catch {
                        try? await db.raw("ROLLBACK").run()
                        throw error
                    }
                }
            }
        }
    }

    public func shutdown() async { await source.shutdown() }
}

/// One transaction's view of the store.
struct SQLStoreSession: StoreSession {
    let db: any SQLDatabase
    let source: any SQLConnectionSource

    // MARK: Account

    func account() async throws -> StoredAccount? {
        guard let row = try await db.raw("SELECT id, root_email, root_password_hash, created_at FROM accounts LIMIT 1").first() else {
            return nil
        }
        return StoredAccount(
            account: Account(
                id: try row.decode(column: "id", as: String.self),
                rootEmail: try row.decode(column: "root_email", as: String.self),
                createdAt: Timestamp.date(millis: try row.decode(column: "created_at", as: Int64.self))),
            rootPasswordHash: try row.decode(column: "root_password_hash", as: String.self))
    }

    func insertAccount(_ stored: StoredAccount) async throws {
        try await db.raw(
            """
            INSERT INTO accounts (id, root_email, root_password_hash, created_at)
            VALUES (\(bind: stored.account.id), \(bind: stored.account.rootEmail), \(bind: stored.rootPasswordHash), \(bind: Timestamp.millis(stored.account.createdAt)))
            """
        ).run()
    }

    func updateRootPasswordHash(_ hash: String) async throws {
        try await db.raw("UPDATE accounts SET root_password_hash = \(bind: hash)").run()
    }

    func setting(_ key: String) async throws -> String? {
        try await db.raw("SELECT value FROM settings WHERE key = \(bind: key)").first()?.decode(column: "value", as: String.self)
    }

    func putSetting(_ key: String, _ value: String) async throws {
        try await db.raw(
            "INSERT INTO settings (key, value) VALUES (\(bind: key), \(bind: value)) ON CONFLICT (key) DO UPDATE SET value = excluded.value"
        ).run()
    }

    // MARK: Users

    static let userColumns = "id, account_id, name, path, created_at, password_last_used"

    func decodeUser(_ row: any SQLRow) throws -> IAMUser {
        IAMUser(
            id: try row.decode(column: "id", as: String.self),
            accountID: try row.decode(column: "account_id", as: String.self),
            name: try row.decode(column: "name", as: String.self),
            path: try row.decode(column: "path", as: String.self),
            createdAt: Timestamp.date(millis: try row.decode(column: "created_at", as: Int64.self)),
            passwordLastUsed: try row.decode(column: "password_last_used", as: Int64?.self).map(Timestamp.date(millis:)))
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
            .all().map { Tag(key: try $0.decode(column: "tag_key", as: String.self), value: try $0.decode(column: "tag_value", as: String.self)) }
    }

    func putTags(userID: String, _ tags: [Tag]) async throws {
        let start = try await db.raw("SELECT COALESCE(MAX(position), 0) AS p FROM iam_user_tags WHERE user_id = \(bind: userID)")
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

    func attachmentCount(policyARN: String) async throws -> Int {
        try await db.raw("SELECT COUNT(*) AS n FROM attached_policies WHERE policy_arn = \(bind: policyARN)").first()?
            .decode(column: "n", as: Int.self) ?? 0
    }
}

// MARK: SES

extension SQLStoreSession {
    func decodeIdentity(_ row: any SQLRow) throws -> Identity {
        Identity(
            region: try row.decode(column: "region", as: String.self),
            name: try row.decode(column: "name", as: String.self),
            kind: Identity.Kind(rawValue: try row.decode(column: "kind", as: String.self)) ?? .emailAddress,
            status: Identity.Status(rawValue: try row.decode(column: "status", as: String.self)) ?? .pending,
            verificationToken: try row.decode(column: "verification_token", as: String?.self),
            createdAt: Timestamp.date(millis: try row.decode(column: "created_at", as: Int64.self)),
            dkimTokens: (try row.decode(column: "dkim_tokens", as: String?.self) ?? "").split(separator: " ").map(String.init))
    }

    func identity(region: String, name: String) async throws -> Identity? {
        try await db.raw(
            "SELECT region, name, kind, status, verification_token, created_at, dkim_tokens FROM ses_identities WHERE region = \(bind: region) AND name = \(bind: name)"
        ).first().map(decodeIdentity)
    }

    func identities(region: String, kind: Identity.Kind?, afterName: String?, limit: Int) async throws -> [Identity] {
        let rows: [any SQLRow]
        if let kind {
            rows = try await db.raw(
                """
                SELECT region, name, kind, status, verification_token, created_at, dkim_tokens FROM ses_identities
                WHERE region = \(bind: region) AND kind = \(bind: kind.rawValue) AND name > \(bind: afterName ?? "") ORDER BY name LIMIT \(bind: limit)
                """
            ).all()
        } else {
            rows = try await db.raw(
                """
                SELECT region, name, kind, status, verification_token, created_at, dkim_tokens FROM ses_identities
                WHERE region = \(bind: region) AND name > \(bind: afterName ?? "") ORDER BY name LIMIT \(bind: limit)
                """
            ).all()
        }
        return try rows.map(decodeIdentity)
    }

    func putIdentity(_ identity: Identity) async throws {
        try await db.raw(
            """
            INSERT INTO ses_identities (region, name, kind, status, verification_token, created_at, dkim_tokens)
            VALUES (\(bind: identity.region), \(bind: identity.name), \(bind: identity.kind.rawValue), \(bind: identity.status.rawValue), \(bind: identity.verificationToken), \(bind: Timestamp.millis(identity.createdAt)),
            \(bind: identity.dkimTokens.isEmpty ? nil : identity.dkimTokens.joined(separator: " ")))
            ON CONFLICT (region, name) DO UPDATE SET status = excluded.status, verification_token = excluded.verification_token,
            dkim_tokens = excluded.dkim_tokens
            """
        ).run()
    }

    func deleteIdentity(region: String, name: String) async throws {
        try await db.raw("DELETE FROM ses_identities WHERE region = \(bind: region) AND name = \(bind: name)").run()
        try await deleteDkimKey(region: region, domain: name)
    }

    func insertMessage(_ message: StoredMessage) async throws {
        try await insertMessages([message])
    }

    func messages(id: String?, source: String?, limit: Int) async throws -> [StoredMessage] {
        let rows: [any SQLRow]
        let columns = Self.messageColumns
        if let id {
            rows = try await db.raw("SELECT \(unsafeRaw: columns) FROM messages WHERE id = \(bind: id)").all()
        } else if let source {
            rows = try await db.raw(
                "SELECT \(unsafeRaw: columns) FROM messages WHERE source = \(bind: source) ORDER BY created_at, id LIMIT \(bind: limit)"
            ).all()
        } else {
            rows = try await db.raw("SELECT \(unsafeRaw: columns) FROM messages ORDER BY created_at, id LIMIT \(bind: limit)").all()
        }
        return try rows.map(storedMessage)
    }

    func messageSummaries(source: String?, after cursor: MessageCursor?, newestFirst: Bool, limit: Int) async throws -> [MessageSummary] {
        var query = SQLQueryString(
            "SELECT id, region, source, destinations, subject, principal_arn, via, created_at, LENGTH(raw_base64) AS raw_length FROM messages WHERE 1 = 1")
        if let source { query += " AND source = \(bind: source)" }
        if let cursor {
            let millis = Timestamp.millis(cursor.createdAt)
            query += newestFirst
                ? " AND (created_at < \(bind: millis) OR (created_at = \(bind: millis) AND id < \(bind: cursor.id)))"
                : " AND (created_at > \(bind: millis) OR (created_at = \(bind: millis) AND id > \(bind: cursor.id)))"
        }
        query += newestFirst ? " ORDER BY created_at DESC, id DESC" : " ORDER BY created_at, id"
        query += " LIMIT \(bind: limit)"
        return try await db.raw(query).all().map { row in
            MessageSummary(
                id: try row.decode(column: "id", as: String.self),
                region: try row.decode(column: "region", as: String.self),
                source: try row.decode(column: "source", as: String.self),
                destinations: try JSONDecoder().decode([String].self, from: Data(try row.decode(column: "destinations", as: String.self).utf8)),
                subject: try row.decode(column: "subject", as: String?.self),
                principalARN: try row.decode(column: "principal_arn", as: String.self),
                via: try row.decode(column: "via", as: String.self),
                createdAt: Timestamp.date(millis: try row.decode(column: "created_at", as: Int64.self)),
                size: try row.decode(column: "raw_length", as: Int.self) / 4 * 3)
        }
    }

    static let messageColumns = "id, region, source, destinations, subject, raw_base64, principal_arn, via, created_at, configuration_set"

    func messages(ids: [String]) async throws -> [StoredMessage] {
        var out: [StoredMessage] = []
        for chunk in stride(from: 0, to: ids.count, by: 500) {
            var query = SQLQueryString("SELECT \(unsafeRaw: Self.messageColumns) FROM messages WHERE id IN (")
            for (index, id) in ids[chunk..<min(chunk + 500, ids.count)].enumerated() {
                query += index == 0 ? "\(bind: id)" : ", \(bind: id)"
            }
            query += ")"
            out += try await db.raw(query).all().map(storedMessage)
        }
        return out
    }

    func storedMessage(_ row: any SQLRow) throws -> StoredMessage {
        var message = StoredMessage(
                id: try row.decode(column: "id", as: String.self),
                region: try row.decode(column: "region", as: String.self),
                source: try row.decode(column: "source", as: String.self),
                destinations: try JSONDecoder().decode([String].self, from: Data(try row.decode(column: "destinations", as: String.self).utf8)),
                subject: try row.decode(column: "subject", as: String?.self),
                raw: Array(Data(base64Encoded: try row.decode(column: "raw_base64", as: String.self)) ?? Data()),
                principalARN: try row.decode(column: "principal_arn", as: String.self),
                via: try row.decode(column: "via", as: String.self),
                createdAt: Timestamp.date(millis: try row.decode(column: "created_at", as: Int64.self)))
        message.configurationSet = try row.decode(column: "configuration_set", as: String?.self)
        return message
    }

    func deleteMessages(id: String?) async throws {
        if let id {
            try await db.raw("DELETE FROM messages WHERE id = \(bind: id)").run()
        } else {
            try await db.raw("DELETE FROM messages").run()
        }
    }

    func recipientsAccepted(region: String, since: Date) async throws -> Int {
        try await db.raw(
            "SELECT CAST(COALESCE(SUM(recipients), 0) AS BIGINT) AS n FROM send_counters WHERE region = \(bind: region) AND minute >= \(bind: Timestamp.millis(since) / 60_000)"
        ).first()?.decode(column: "n", as: Int.self) ?? 0
    }
}

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
        return (try row.decode(column: "reason", as: String.self), Timestamp.date(millis: try row.decode(column: "updated_at", as: Int64.self)))
    }

    func suppressedList(region: String, reason: String?, afterAddress: String?, limit: Int) async throws -> [(address: String, reason: String, updatedAt: Date)] {
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
            (try $0.decode(column: "address", as: String.self), try $0.decode(column: "reason", as: String.self),
             Timestamp.date(millis: try $0.decode(column: "updated_at", as: Int64.self)))
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

// MARK: Batches

extension SQLStoreSession {
    /// Stores messages with their queue rows and events, inside the caller's transaction.
    func insertMessages(_ messages: [StoredMessage]) async throws {
        guard !messages.isEmpty else { return }
        // The messages_count_recipients trigger adds each message's recipients to send_counters.
        try await db.raw(Self.messageRows(messages).insertStatement).run()
        try await insertDeliveries(of: messages)
    }

    /// `strings` as a JSON array (what JSONEncoder writes, without its cost on the writer's path).
    static func jsonArray(_ strings: [String]) -> String {
        var out = "["
        for (index, string) in strings.enumerated() {
            if index > 0 { out += "," }
            out += "\""
            for scalar in string.unicodeScalars {
                switch scalar.value {
                case 0x22: out += "\\\""
                case 0x5C: out += "\\\\"
                case 0..<0x20:
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                default: out.unicodeScalars.append(scalar)
                }
            }
            out += "\""
        }
        return out + "]"
    }

    /// The `messages` rows of `messages` (their queue rows and events are not part of them).
    static func messageRows(_ messages: [StoredMessage]) -> SQLRows {
        SQLRows(
            table: "messages",
            columns: [
                "id", "region", "source", "destinations", "recipient_count", "subject", "raw_base64", "principal_arn", "via", "created_at",
                "configuration_set", "quota_exempt",
            ],
            rows: messages.map { message in
                [
                    .text(message.id), .text(message.region), .text(message.source), .text(Self.jsonArray(message.destinations)),
                    .integer(Int64(message.destinations.count)), message.subject.map(SQLValue.text) ?? .null,
                    .text(Data(message.raw).base64EncodedString()), .text(message.principalARN), .text(message.via),
                    .integer(Int64(Timestamp.millis(message.createdAt))), message.configurationSet.map(SQLValue.text) ?? .null,
                    .integer(message.countsTowardQuota ? 0 : 1),
                ]
            })
    }

    func allConfigurationSetNames(region: String) async throws -> [String] {
        try await db.raw("SELECT name FROM ses_configuration_sets WHERE region = \(bind: region)").all().map {
            try $0.decode(column: "name", as: String.self)
        }
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
        return (try row.decode(column: "user_name", as: String?.self), Timestamp.date(millis: try row.decode(column: "deleted_at", as: Int64.self)))
    }
}

// MARK: Console sessions

extension SQLStoreSession {
    func insertConsoleSession(_ record: ConsoleSessionRecord) async throws {
        try await db.raw(
            """
            INSERT INTO console_sessions (token_hash, user_id, csrf, created_at, last_seen_at)
            VALUES (\(bind: record.tokenHash), \(bind: record.userID), \(bind: record.csrf), \(bind: Timestamp.millis(record.createdAt)),
            \(bind: Timestamp.millis(record.lastSeenAt)))
            """
        ).run()
    }

    func consoleSession(tokenHash: String) async throws -> ConsoleSessionRecord? {
        guard let row = try await db.raw(
            "SELECT token_hash, user_id, csrf, created_at, last_seen_at FROM console_sessions WHERE token_hash = \(bind: tokenHash)"
        ).first() else { return nil }
        return ConsoleSessionRecord(
            tokenHash: try row.decode(column: "token_hash", as: String.self), userID: try row.decode(column: "user_id", as: String?.self),
            csrf: try row.decode(column: "csrf", as: String.self),
            createdAt: Timestamp.date(millis: try row.decode(column: "created_at", as: Int64.self)),
            lastSeenAt: Timestamp.date(millis: try row.decode(column: "last_seen_at", as: Int64.self)))
    }

    func touchConsoleSession(tokenHash: String, at: Date) async throws {
        try await db.raw("UPDATE console_sessions SET last_seen_at = \(bind: Timestamp.millis(at)) WHERE token_hash = \(bind: tokenHash)").run()
    }

    func deleteConsoleSession(tokenHash: String) async throws {
        try await db.raw("DELETE FROM console_sessions WHERE token_hash = \(bind: tokenHash)").run()
    }

    func deleteConsoleSessions(userID: String?, idleBefore: Date?) async throws {
        if let userID { try await db.raw("DELETE FROM console_sessions WHERE user_id = \(bind: userID)").run() }
        if let idleBefore {
            try await db.raw("DELETE FROM console_sessions WHERE last_seen_at < \(bind: Timestamp.millis(idleBefore))").run()
        }
    }
}

