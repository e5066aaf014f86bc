public import Foundation
public import SesameCore
import SesameStorage

extension IAMBackend {
    public func createUser(_ caller: Caller, name: String, path: String?, tags: [Tag]) async throws -> IAMUser {
        let path = path ?? "/"
        try IAMValidation.userName(name)
        try IAMValidation.path(path)
        try Self.validateTags(tags)
        try Authorizer.authorize(caller, action: "iam:CreateUser", resource: userARN(caller, path: path, name: name))
        let user = IAMUser(
            id: RandomIDs.uniqueID(prefix: "AIDA"), accountID: caller.accountID, name: name, path: path,
            createdAt: now(), tags: tags)
        return try await write { session in
            if try await session.user(named: name) != nil {
                throw SesameError(.entityAlreadyExists, "User with name \(name) already exists.")
            }
            try await session.insertUser(user)
            return user
        }
    }

    /// `GetUser`: the named user, or the caller when no name is given. Root gets its own record.
    public func getUser(_ caller: Caller, name: String?) async throws -> (principal: Principal, createdAt: Date, tags: [Tag]) {
        try await store.read { session in
            let target = try await Self.target(name, caller: caller, in: session)
            try Authorizer.authorize(caller, action: "iam:GetUser", resource: target.arn)
            switch target {
            case .root(let account):
                let created = try await session.account()?.account.createdAt ?? Date()
                return (.root(accountID: account), created, [])
            case .user(let user):
                return (.user(user), user.createdAt, try await session.tags(userID: user.id))
            }
        }
    }

    public func listUsers(_ caller: Caller, pathPrefix: String?, marker: String?, maxItems: Int?) async throws -> Page<IAMUser> {
        try Authorizer.authorize(caller, action: "iam:ListUsers", resource: ARN.userPrefix(account: caller.accountID))
        let limit = try IAMValidation.maxItems(maxItems)
        let after = try Self.decodeMarker(marker)
        let prefix = pathPrefix ?? "/"
        let users = try await store.read { session in
            try await session.users(pathPrefix: prefix, afterName: after, limit: limit + 1)
        }
        return Self.page(users, maxItems: limit) { $0.name.lowercased() }
    }

    public func updateUser(_ caller: Caller, name: String, newName: String?, newPath: String?) async throws {
        if let newName { try IAMValidation.userName(newName, field: "newUserName") }
        if let newPath { try IAMValidation.path(newPath, field: "newPath") }
        try await write { session in
            let user = try await Self.requireUser(name, in: session)
            try Authorizer.authorize(caller, action: "iam:UpdateUser", resource: user.arn)
            if let newName, newName.lowercased() != user.name.lowercased(), try await session.user(named: newName) != nil {
                throw SesameError(.entityAlreadyExists, "User with name \(newName) already exists.")
            }
            try await session.updateUser(id: user.id, name: newName ?? user.name, path: newPath ?? user.path)
        }
    }

    /// `DeleteUser` refuses while the user still owns anything, as IAM does.
    public func deleteUser(_ caller: Caller, name: String) async throws {
        try await write { session in
            let user = try await Self.requireUser(name, in: session)
            try Authorizer.authorize(caller, action: "iam:DeleteUser", resource: user.arn)
            if try await !session.accessKeys(userID: user.id).isEmpty {
                throw SesameError(.deleteConflict, "Cannot delete entity, must delete access keys first.")
            }
            if try await session.loginProfile(userID: user.id) != nil {
                throw SesameError(.deleteConflict, "Cannot delete entity, must delete login profile first.")
            }
            if try await !session.inlinePolicies(userID: user.id).isEmpty {
                throw SesameError(.deleteConflict, "Cannot delete entity, must delete policies first.")
            }
            if try await !session.attachedPolicyARNs(userID: user.id).isEmpty {
                throw SesameError(.deleteConflict, "Cannot delete entity, must detach all policies first.")
            }
            if try await !session.groups(ofUser: user.id).isEmpty {
                throw SesameError(.deleteConflict, "Cannot delete entity, must remove user from all groups first.")
            }
            try await session.deleteConsoleSessions(userID: user.id, idleBefore: nil)
            try await session.deleteUser(id: user.id)
        }
    }

    /// Deletes a user with everything it owns (keys, console password, policies), in one transaction.
    /// This is what the console's "delete user" does; its SMTP credentials stop working at once.
    public func deleteUserAndOwnedResources(_ caller: Caller, name: String) async throws {
        try await write { session in
            let user = try await Self.requireUser(name, in: session)
            try Authorizer.authorize(caller, action: "iam:DeleteUser", resource: user.arn)
            try await session.deleteConsoleSessions(userID: user.id, idleBefore: nil)
            try await session.deleteUser(id: user.id)
        }
    }

    static func validateTags(_ tags: [Tag]) throws(SesameError) {
        for tag in tags {
            try IAMValidation.tagKey(tag.key)
            if tag.value.count > 256 {
                throw SesameError(
                    .validation,
                    "1 validation error detected: Value '\(tag.value)' at 'tags.member.value' failed to satisfy constraint: Member must have length less than or equal to 256"
                )
            }
        }
        if tags.count > tagsPerUser {
            throw SesameError(.limitExceeded, "The number of tags has reached the maximum limit.")
        }
    }

    public func tagUser(_ caller: Caller, name: String, tags: [Tag]) async throws {
        try Self.validateTags(tags)
        try await write { session in
            let user = try await Self.requireUser(name, in: session)
            try Authorizer.authorize(caller, action: "iam:TagUser", resource: user.arn)
            let existing = Set(try await session.tags(userID: user.id).map(\.key))
            if existing.union(tags.map(\.key)).count > Self.tagsPerUser {
                throw SesameError(.limitExceeded, "The number of tags has reached the maximum limit.")
            }
            try await session.putTags(userID: user.id, tags)
        }
    }

    public func untagUser(_ caller: Caller, name: String, keys: [String]) async throws {
        try await write { session in
            let user = try await Self.requireUser(name, in: session)
            try Authorizer.authorize(caller, action: "iam:UntagUser", resource: user.arn)
            try await session.removeTags(userID: user.id, keys: keys)
        }
    }

    public func listUserTags(_ caller: Caller, name: String, marker: String?, maxItems: Int?) async throws -> Page<Tag> {
        let limit = try IAMValidation.maxItems(maxItems)
        let after = try Self.decodeMarker(marker)
        let tags = try await store.read { session in
            let user = try await Self.requireUser(name, in: session)
            try Authorizer.authorize(caller, action: "iam:ListUserTags", resource: user.arn)
            return try await session.tags(userID: user.id)
        }
        let remaining = after.map { key in Array(tags.drop { $0.key != key }.dropFirst()) } ?? tags
        return Self.page(remaining, maxItems: limit) { $0.key }
    }

    // MARK: Account summary

    public func accountSummary(_ caller: Caller) async throws -> [(String, Int)] {
        try Authorizer.authorize(caller, action: "iam:GetAccountSummary", resource: "*")
        return try await store.read { session in
            let users = try await session.userCount()
            let groups = try await session.groupCount()
            let rootKeys = try await session.accessKeys(userID: nil).count
            let roles = try await session.roleCount()
            let providers = try await session.oidcProviders().count
            let policies = try await session.customerPolicies()
            var versionsInUse = 0
            for policy in policies where try await session.attachmentCount(policyARN: policy.arn) > 0 {
                versionsInUse += try await session.policyVersions(policyID: policy.id).count
            }
            return [
                ("Users", users), ("UsersQuota", 5000), ("Groups", groups), ("GroupsQuota", 300),
                ("Policies", policies.count), ("PoliciesQuota", 1500), ("PolicySizeQuota", 6144),
                ("PolicyVersionsInUse", versionsInUse), ("PolicyVersionsInUseQuota", 10000),
                ("VersionsPerPolicyQuota", 5), ("AttachedPoliciesPerUserQuota", Self.managedPoliciesPerUser),
                ("AccessKeysPerUserQuota", Self.accessKeysPerUser), ("AccountAccessKeysPresent", rootKeys > 0 ? 1 : 0),
                ("AccountMFAEnabled", 0), ("MFADevices", 0), ("MFADevicesInUse", 0), ("ServerCertificates", 0),
                ("ServerCertificatesQuota", 20), ("UserPolicySizeQuota", 2048), ("SigningCertificatesPerUserQuota", 2),
                ("Roles", roles), ("RolesQuota", 1000), ("RolePolicySizeQuota", 10240), ("GroupPolicySizeQuota", 5120),
                ("AttachedPoliciesPerGroupQuota", Self.managedPoliciesPerGroup),
                ("AttachedPoliciesPerRoleQuota", Self.managedPoliciesPerRole), ("GroupsPerUserQuota", Self.groupsPerUser),
                ("InstanceProfiles", 0), ("InstanceProfilesQuota", 1000),
                ("Providers", providers), ("AssumeRolePolicySizeQuota", 2048), ("AccountSigningCertificatesPresent", 0),
                ("GlobalEndpointTokenVersion", 1),
            ]
        }
    }
}
