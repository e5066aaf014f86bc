import Foundation
import SQLKit
import SesameCore

// MARK: STS temporary credentials

extension SQLStoreSession {
    func insertTemporaryCredential(_ stored: StoredTemporaryCredential) async throws {
        let credential = stored.credential
        let (kind, holderID, sessionName): (String, String, String?) =
            switch credential.holder {
            case .role(let roleID, let name): ("role", roleID, name)
            case .user(let userID): ("user", userID, nil)
            case .root: ("root", credential.accountID, nil)
            case .federated(let userID, let name): ("federated", userID ?? "", name)
            }
        try await db.raw(
            """
            INSERT INTO sts_credentials (access_key_id, account_id, encrypted_secret, token_hash, holder_kind, holder_id, session_name,
                session_policy, policy_arns, tags, source_key_id, created_at, expires_at)
            VALUES (\(bind: credential.accessKeyID), \(bind: credential.accountID), \(bind: stored.encryptedSecret), \(bind: stored.tokenHash),
                \(bind: kind), \(bind: holderID), \(bind: sessionName), \(bind: credential.sessionPolicy),
                \(bind: Self.jsonList(credential.policyARNs)), \(bind: Self.jsonList(credential.tags.flatMap { [$0.key, $0.value] })),
                \(bind: credential.sourceAccessKeyID), \(bind: Timestamp.millis(credential.createdAt)), \(bind: Timestamp.millis(credential.expiresAt)))
            """
        ).run()
    }

    func temporaryCredential(id: String) async throws -> StoredTemporaryCredential? {
        guard let row = try await db.raw("SELECT * FROM sts_credentials WHERE access_key_id = \(bind: id)").first() else { return nil }
        let holderID = try row.decode(column: "holder_id", as: String.self)
        let holder: TemporaryCredential.Holder =
            switch try row.decode(column: "holder_kind", as: String.self) {
            case "role": .role(roleID: holderID, sessionName: try row.decode(column: "session_name", as: String?.self) ?? "")
            case "root": .root
            case "federated":
                .federated(userID: holderID.isEmpty ? nil : holderID, name: try row.decode(column: "session_name", as: String?.self) ?? "")
            default: .user(userID: holderID)
            }
        let flatTags = Self.parseJSONList(try row.decode(column: "tags", as: String.self))
        let tags = stride(from: 0, to: flatTags.count - 1, by: 2).map { Tag(key: flatTags[$0], value: flatTags[$0 + 1]) }
        return StoredTemporaryCredential(
            credential: TemporaryCredential(
                accessKeyID: id, accountID: try row.decode(column: "account_id", as: String.self), holder: holder,
                sessionPolicy: try row.decode(column: "session_policy", as: String?.self),
                policyARNs: Self.parseJSONList(try row.decode(column: "policy_arns", as: String.self)), tags: tags,
                sourceAccessKeyID: try row.decode(column: "source_key_id", as: String?.self),
                createdAt: Timestamp.date(millis: try row.decode(column: "created_at", as: Int64.self)),
                expiresAt: Timestamp.date(millis: try row.decode(column: "expires_at", as: Int64.self))),
            encryptedSecret: try row.decode(column: "encrypted_secret", as: String.self),
            tokenHash: try row.decode(column: "token_hash", as: String.self))
    }

    func deleteTemporaryCredentials(expiredBefore before: Date) async throws -> Int {
        let count =
            try await db.raw("SELECT COUNT(*) AS n FROM sts_credentials WHERE expires_at < \(bind: Timestamp.millis(before))").first()?
            .decode(column: "n", as: Int.self) ?? 0
        try await db.raw("DELETE FROM sts_credentials WHERE expires_at < \(bind: Timestamp.millis(before))").run()
        return count
    }

    static func jsonList(_ items: [String]) -> String {
        (try? JSONSerialization.data(withJSONObject: items)).map { String(decoding: $0, as: UTF8.self) } ?? "[]"
    }

    static func parseJSONList(_ text: String) -> [String] {
        (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String] ?? []
    }
}
