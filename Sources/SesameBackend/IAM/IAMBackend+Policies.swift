import Foundation
public import SesameCore
import SesameStorage

extension IAMBackend {
    // MARK: Inline policies

    public func putUserPolicy(_ caller: Caller, userName: String, policyName: String, document: String) async throws {
        try IAMValidation.policyName(policyName)
        _ = try PolicyDocument.parse(document)
        try await write { session in
            let user = try await Self.requireUser(userName, in: session)
            try Authorizer.authorize(caller, action: "iam:PutUserPolicy", resource: user.arn)
            try await session.putInlinePolicy(userID: user.id, InlinePolicy(name: policyName, document: document))
        }
    }

    static func noSuchInlinePolicy(_ name: String) -> SesameError {
        SesameError(.noSuchEntity, "The user policy with name \(name) cannot be found.")
    }

    public func getUserPolicy(_ caller: Caller, userName: String, policyName: String) async throws -> InlinePolicy {
        try IAMValidation.policyName(policyName)
        return try await store.read { session in
            let user = try await Self.requireUser(userName, in: session)
            try Authorizer.authorize(caller, action: "iam:GetUserPolicy", resource: user.arn)
            guard let policy = try await session.inlinePolicies(userID: user.id).first(where: { $0.name == policyName }) else {
                throw Self.noSuchInlinePolicy(policyName)
            }
            return policy
        }
    }

    public func listUserPolicies(_ caller: Caller, userName: String, marker: String?, maxItems: Int?) async throws -> Page<String> {
        let limit = try IAMValidation.maxItems(maxItems)
        let after = try Self.decodeMarker(marker)
        let names = try await store.read { session in
            let user = try await Self.requireUser(userName, in: session)
            try Authorizer.authorize(caller, action: "iam:ListUserPolicies", resource: user.arn)
            return try await session.inlinePolicies(userID: user.id).map(\.name)
        }
        let remaining = after.map { m in names.filter { $0 > m } } ?? names
        return Self.page(remaining, maxItems: limit) { $0 }
    }

    public func deleteUserPolicy(_ caller: Caller, userName: String, policyName: String) async throws {
        try IAMValidation.policyName(policyName)
        try await write { session in
            let user = try await Self.requireUser(userName, in: session)
            try Authorizer.authorize(caller, action: "iam:DeleteUserPolicy", resource: user.arn)
            guard try await session.inlinePolicies(userID: user.id).contains(where: { $0.name == policyName }) else {
                throw Self.noSuchInlinePolicy(policyName)
            }
            try await session.deleteInlinePolicy(userID: user.id, name: policyName)
        }
    }

    // MARK: Managed policies

    public func attachUserPolicy(_ caller: Caller, userName: String, policyARN: String) async throws {
        try Self.validatePolicyARN(policyARN)
        let now = now()
        try await write { session in
            let user = try await Self.requireUser(userName, in: session)
            try Authorizer.authorize(caller, action: "iam:AttachUserPolicy", resource: user.arn)
            _ = try await Self.requireAttachable(policyARN, in: session)
            let attached = try await session.attachedPolicyARNs(userID: user.id)
            if attached.contains(policyARN) { return }
            if attached.count >= Self.managedPoliciesPerUser {
                throw SesameError(.limitExceeded, "Cannot exceed quota for PoliciesPerUser: \(Self.managedPoliciesPerUser)")
            }
            try await session.attachPolicy(userID: user.id, arn: policyARN, at: now)
        }
    }

    public func detachUserPolicy(_ caller: Caller, userName: String, policyARN: String) async throws {
        try Self.validatePolicyARN(policyARN)
        try await write { session in
            let user = try await Self.requireUser(userName, in: session)
            try Authorizer.authorize(caller, action: "iam:DetachUserPolicy", resource: user.arn)
            guard try await session.attachedPolicyARNs(userID: user.id).contains(policyARN) else {
                throw SesameError(.noSuchEntity, "Policy \(policyARN) was not found.")
            }
            try await session.detachPolicy(userID: user.id, arn: policyARN)
        }
    }

    public func listAttachedUserPolicies(
        _ caller: Caller, userName: String, pathPrefix: String?, marker: String?, maxItems: Int?
    ) async throws -> Page<PolicyReference> {
        let limit = try IAMValidation.maxItems(maxItems)
        let after = try Self.decodeMarker(marker)
        let arns = try await store.read { session in
            let user = try await Self.requireUser(userName, in: session)
            try Authorizer.authorize(caller, action: "iam:ListAttachedUserPolicies", resource: user.arn)
            return try await session.attachedPolicyARNs(userID: user.id)
        }
        return Self.attachedPage(arns, pathPrefix: pathPrefix, after: after, limit: limit)
    }

    // MARK: Login profiles (console passwords)

    static func noSuchLoginProfile(_ name: String) -> SesameError {
        SesameError(.noSuchEntity, "Login Profile for User \(name) cannot be found.")
    }

    static func loginTarget(_ name: String?, caller: Caller, in session: any StoreSession) async throws -> IAMUser {
        switch try await target(name, caller: caller, in: session) {
        case .user(let user): return user
        case .root:
            throw SesameError(.validation, "The root user's console password is managed with `sesame` itself, not with IAM.")
        }
    }

    public func createLoginProfile(_ caller: Caller, userName: String?, password: String, resetRequired: Bool) async throws -> LoginProfile
    {
        let hash = await hashPassword(password)
        let now = now()
        return try await write { session in
            let user = try await Self.loginTarget(userName, caller: caller, in: session)
            try Authorizer.authorize(caller, action: "iam:CreateLoginProfile", resource: user.arn)
            try await Self.checkPassword(password, userName: user.name, in: session)
            if try await session.loginProfile(userID: user.id) != nil {
                throw SesameError(.entityAlreadyExists, "Login Profile for user \(user.name) already exists.")
            }
            let profile = LoginProfile(userID: user.id, passwordHash: hash, passwordResetRequired: resetRequired, createdAt: now)
            try await session.putLoginProfile(profile)
            return profile
        }
    }

    public func getLoginProfile(_ caller: Caller, userName: String?) async throws -> (userName: String, profile: LoginProfile) {
        try await store.read { session in
            let user = try await Self.loginTarget(userName, caller: caller, in: session)
            try Authorizer.authorize(caller, action: "iam:GetLoginProfile", resource: user.arn)
            guard let profile = try await session.loginProfile(userID: user.id) else { throw Self.noSuchLoginProfile(user.name) }
            return (user.name, profile)
        }
    }

    public func updateLoginProfile(_ caller: Caller, userName: String?, password: String?, resetRequired: Bool?) async throws {
        let hash: String? = if let password { await hashPassword(password) } else { nil }
        try await write { session in
            let user = try await Self.loginTarget(userName, caller: caller, in: session)
            try Authorizer.authorize(caller, action: "iam:UpdateLoginProfile", resource: user.arn)
            if let password { try await Self.checkPassword(password, userName: user.name, in: session) }
            guard var profile = try await session.loginProfile(userID: user.id) else { throw Self.noSuchLoginProfile(user.name) }
            if let hash { profile.passwordHash = hash }
            if let resetRequired { profile.passwordResetRequired = resetRequired }
            try await session.putLoginProfile(profile)
            // A new password ends every console session signed in with the old one.
            if hash != nil { try await session.deleteConsoleSessions(userID: user.id, idleBefore: nil) }
        }
    }

    public func deleteLoginProfile(_ caller: Caller, userName: String?) async throws {
        try await write { session in
            let user = try await Self.loginTarget(userName, caller: caller, in: session)
            try Authorizer.authorize(caller, action: "iam:DeleteLoginProfile", resource: user.arn)
            guard try await session.loginProfile(userID: user.id) != nil else { throw Self.noSuchLoginProfile(user.name) }
            try await session.deleteLoginProfile(userID: user.id)
            try await session.deleteConsoleSessions(userID: user.id, idleBefore: nil)
        }
    }
}
