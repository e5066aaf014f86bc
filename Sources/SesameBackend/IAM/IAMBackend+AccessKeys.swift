import Foundation
public import SesameCore
import SesameStorage

extension IAMBackend {
    public struct CreatedAccessKey: Sendable {
        public var key: AccessKey
        public var secret: String
        public var userName: String?
    }

    public func createAccessKey(_ caller: Caller, userName: String?) async throws -> CreatedAccessKey {
        let secrets = self.secrets
        let now = now()
        return try await write { session in
            let target = try await Self.target(userName, caller: caller, in: session)
            try Authorizer.authorize(caller, action: "iam:CreateAccessKey", resource: target.arn)
            if try await session.accessKeys(userID: target.userID).count >= Self.accessKeysPerUser {
                throw SesameError(.limitExceeded, "Cannot exceed quota for AccessKeysPerUser: \(Self.accessKeysPerUser)")
            }
            let key = AccessKey(
                id: RandomIDs.accessKeyID(), accountID: caller.accountID, userID: target.userID, status: .active, createdAt: now)
            let secret = RandomIDs.secretAccessKey()
            try await session.insertAccessKey(StoredAccessKey(key: key, encryptedSecret: try secrets.seal(secret, boundTo: key.id)))
            return CreatedAccessKey(key: key, secret: secret, userName: target.userName)
        }
    }

    public func listAccessKeys(
        _ caller: Caller, userName: String?, marker: String?, maxItems: Int?
    ) async throws -> (
        userName: String?, page: Page<AccessKey>
    ) {
        let limit = try IAMValidation.maxItems(maxItems)
        let after = try Self.decodeMarker(marker)
        let (name, keys) = try await store.read { session in
            let target = try await Self.target(userName, caller: caller, in: session)
            try Authorizer.authorize(caller, action: "iam:ListAccessKeys", resource: target.arn)
            return (target.userName, try await session.accessKeys(userID: target.userID).map(\.key))
        }
        let remaining = after.map { id in Array(keys.drop { $0.id != id }.dropFirst()) } ?? keys
        return (name, Self.page(remaining, maxItems: limit) { $0.id })
    }

    static func noSuchKey(_ id: String) -> SesameError {
        SesameError(.noSuchEntity, "The Access Key with id \(id) cannot be found.")
    }

    public func updateAccessKey(_ caller: Caller, userName: String?, accessKeyID: String, status: String) async throws {
        guard let newStatus = AccessKeyStatus(rawValue: status) else {
            throw SesameError(
                .validation,
                "1 validation error detected: Value '\(status)' at 'status' failed to satisfy constraint: Member must satisfy enum value set: [Active, Inactive]"
            )
        }
        try await write { session in
            let target = try await Self.target(userName, caller: caller, in: session)
            try Authorizer.authorize(caller, action: "iam:UpdateAccessKey", resource: target.arn)
            guard let stored = try await session.accessKey(id: accessKeyID), stored.key.userID == target.userID else {
                throw Self.noSuchKey(accessKeyID)
            }
            try await session.updateAccessKeyStatus(id: accessKeyID, newStatus)
        }
    }

    public func deleteAccessKey(_ caller: Caller, userName: String?, accessKeyID: String) async throws {
        try await write { session in
            let target = try await Self.target(userName, caller: caller, in: session)
            try Authorizer.authorize(caller, action: "iam:DeleteAccessKey", resource: target.arn)
            guard let stored = try await session.accessKey(id: accessKeyID), stored.key.userID == target.userID else {
                throw Self.noSuchKey(accessKeyID)
            }
            try await session.deleteAccessKey(id: accessKeyID)
        }
    }

    public func accessKeyLastUsed(_ caller: Caller, accessKeyID: String) async throws -> (userName: String?, key: AccessKey) {
        await credentials.flushUsage()
        return try await store.read { session in
            guard let stored = try await session.accessKey(id: accessKeyID) else { throw Self.noSuchKey(accessKeyID) }
            var owner: IAMUser?
            if let userID = stored.key.userID { owner = try await session.user(id: userID) }
            let resource = owner?.arn ?? ARN.root(account: stored.key.accountID)
            try Authorizer.authorize(caller, action: "iam:GetAccessKeyLastUsed", resource: resource)
            return (owner?.name, stored.key)
        }
    }
}

extension IAMBackend {
    /// Refused SMTP logins about one user's keys (or naming the user), newest first: what its
    /// mailers did wrong. Readable by whoever may list the user's access keys.
    public func smtpAuthFailures(_ caller: Caller, userName: String, limit: Int = 20) async throws -> [SMTPAuthFailure] {
        try await store.read { session in
            guard let user = try await session.user(named: userName) else {
                throw SesameError(.noSuchEntity, "The user with name \(userName) cannot be found.")
            }
            try Authorizer.authorize(caller, action: "iam:ListAccessKeys", resource: user.arn)
            return try await session.authFailures(userName: user.name, limit: limit)
        }
    }
}
