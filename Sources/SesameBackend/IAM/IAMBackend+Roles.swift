public import Foundation
public import SesameCore
import SesameStorage

/// IAM roles: their lifecycle, trust policies, and inline and attached policies. Roles are
/// assumed through STS.
extension IAMBackend {
    static let managedPoliciesPerRole = 10
    static let defaultMaxSessionDuration = 3600

    static func noSuchRole(_ name: String) -> SesameError {
        SesameError(.noSuchEntity, "The role with name \(name) cannot be found.")
    }

    static func requireRole(_ name: String, in session: any StoreSession) async throws -> IAMRole {
        try IAMValidation.roleName(name)
        guard let role = try await session.role(named: name) else { throw noSuchRole(name) }
        return role
    }

    static func validateSessionDuration(_ seconds: Int) throws(SesameError) {
        guard (3600...43200).contains(seconds) else {
            throw SesameError(
                .validation,
                "1 validation error detected: Value '\(seconds)' at 'maxSessionDuration' failed to satisfy constraint: Member must have value \(seconds < 3600 ? "greater than or equal to 3600" : "less than or equal to 43200")"
            )
        }
    }

    /// A role with its tags, as GetRole and CreateRole return it.
    public struct RoleInfo: Sendable {
        public var role: IAMRole
        public var tags: [Tag]
    }

    public func createRole(
        _ caller: Caller, name: String, path: String?, trustPolicy: String, description: String?, maxSessionDuration: Int?,
        permissionsBoundary: String?, tags: [Tag]
    ) async throws -> RoleInfo {
        let path = path ?? "/"
        try IAMValidation.roleName(name)
        try IAMValidation.path(path)
        _ = try TrustPolicy.parse(trustPolicy)
        try Self.validateTags(tags)
        try Self.validateSessionDuration(maxSessionDuration ?? Self.defaultMaxSessionDuration)
        if let permissionsBoundary { try Self.validatePolicyARN(permissionsBoundary) }
        let role = IAMRole(
            id: RandomIDs.uniqueID(prefix: "AROA"), accountID: caller.accountID, name: name, path: path, description: description,
            trustPolicy: trustPolicy, maxSessionDuration: maxSessionDuration ?? Self.defaultMaxSessionDuration,
            permissionsBoundary: permissionsBoundary, createdAt: now())
        try Authorizer.authorize(caller, action: "iam:CreateRole", resource: role.arn)
        return try await write { session in
            if try await session.role(named: name) != nil {
                throw SesameError(.entityAlreadyExists, "Role with name \(name) already exists.")
            }
            if let permissionsBoundary { _ = try await Self.requireBoundary(permissionsBoundary, in: session) }
            try await session.insertRole(role)
            try await session.putEntityTags(role.id, tags)
            return RoleInfo(role: role, tags: tags)
        }
    }

    public func getRole(_ caller: Caller, name: String) async throws -> RoleInfo {
        try await store.read { session in
            let role = try await Self.requireRole(name, in: session)
            try Authorizer.authorize(caller, action: "iam:GetRole", resource: role.arn)
            return RoleInfo(role: role, tags: try await session.entityTags(role.id))
        }
    }

    public func listRoles(_ caller: Caller, pathPrefix: String?, marker: String?, maxItems: Int?) async throws -> Page<IAMRole> {
        try Authorizer.authorize(caller, action: "iam:ListRoles", resource: ARN.rolePrefix(account: caller.accountID))
        let limit = try IAMValidation.maxItems(maxItems)
        let after = try Self.decodeMarker(marker)
        let roles = try await store.read { session in
            try await session.roles(pathPrefix: pathPrefix ?? "/", afterName: after, limit: limit + 1)
        }
        return Self.page(roles, maxItems: limit) { $0.name.lowercased() }
    }

    /// `UpdateRole`, `UpdateRoleDescription` and `UpdateAssumeRolePolicy`: what is given changes.
    public func updateRole(
        _ caller: Caller, name: String, action: String, description: String? = nil, maxSessionDuration: Int? = nil,
        trustPolicy: String? = nil
    ) async throws -> IAMRole {
        if let maxSessionDuration { try Self.validateSessionDuration(maxSessionDuration) }
        if let trustPolicy { _ = try TrustPolicy.parse(trustPolicy) }
        return try await write { session in
            var role = try await Self.requireRole(name, in: session)
            try Authorizer.authorize(caller, action: action, resource: role.arn)
            if let description { role.description = description }
            if let maxSessionDuration { role.maxSessionDuration = maxSessionDuration }
            if let trustPolicy { role.trustPolicy = trustPolicy }
            try await session.updateRole(role)
            return role
        }
    }

    /// `DeleteRole` refuses while the role has policies, as IAM does.
    public func deleteRole(_ caller: Caller, name: String) async throws {
        try await write { session in
            let role = try await Self.requireRole(name, in: session)
            try Authorizer.authorize(caller, action: "iam:DeleteRole", resource: role.arn)
            if try await !session.roleInlinePolicies(roleID: role.id).isEmpty {
                throw SesameError(.deleteConflict, "Cannot delete entity, must delete policies first.")
            }
            if try await !session.roleAttachedPolicyARNs(roleID: role.id).isEmpty {
                throw SesameError(.deleteConflict, "Cannot delete entity, must detach all policies first.")
            }
            try await session.deleteRole(id: role.id)
        }
    }

    // MARK: Role policies

    static func noSuchRolePolicy(_ name: String) -> SesameError {
        SesameError(.noSuchEntity, "The role policy with name \(name) cannot be found.")
    }

    public func putRolePolicy(_ caller: Caller, roleName: String, policyName: String, document: String) async throws {
        try IAMValidation.policyName(policyName)
        _ = try PolicyDocument.parse(document)
        try await write { session in
            let role = try await Self.requireRole(roleName, in: session)
            try Authorizer.authorize(caller, action: "iam:PutRolePolicy", resource: role.arn)
            try await session.putRoleInlinePolicy(roleID: role.id, InlinePolicy(name: policyName, document: document))
        }
    }

    public func getRolePolicy(_ caller: Caller, roleName: String, policyName: String) async throws -> (role: IAMRole, policy: InlinePolicy)
    {
        try IAMValidation.policyName(policyName)
        return try await store.read { session in
            let role = try await Self.requireRole(roleName, in: session)
            try Authorizer.authorize(caller, action: "iam:GetRolePolicy", resource: role.arn)
            guard let policy = try await session.roleInlinePolicies(roleID: role.id).first(where: { $0.name == policyName }) else {
                throw Self.noSuchRolePolicy(policyName)
            }
            return (role, policy)
        }
    }

    public func listRolePolicies(_ caller: Caller, roleName: String, marker: String?, maxItems: Int?) async throws -> Page<String> {
        let limit = try IAMValidation.maxItems(maxItems)
        let after = try Self.decodeMarker(marker)
        let names = try await store.read { session in
            let role = try await Self.requireRole(roleName, in: session)
            try Authorizer.authorize(caller, action: "iam:ListRolePolicies", resource: role.arn)
            return try await session.roleInlinePolicies(roleID: role.id).map(\.name)
        }
        let remaining = after.map { m in names.filter { $0 > m } } ?? names
        return Self.page(remaining, maxItems: limit) { $0 }
    }

    public func deleteRolePolicy(_ caller: Caller, roleName: String, policyName: String) async throws {
        try IAMValidation.policyName(policyName)
        try await write { session in
            let role = try await Self.requireRole(roleName, in: session)
            try Authorizer.authorize(caller, action: "iam:DeleteRolePolicy", resource: role.arn)
            guard try await session.roleInlinePolicies(roleID: role.id).contains(where: { $0.name == policyName }) else {
                throw Self.noSuchRolePolicy(policyName)
            }
            try await session.deleteRoleInlinePolicy(roleID: role.id, name: policyName)
        }
    }

    public func attachRolePolicy(_ caller: Caller, roleName: String, policyARN: String) async throws {
        try Self.validatePolicyARN(policyARN)
        let now = now()
        try await write { session in
            let role = try await Self.requireRole(roleName, in: session)
            try Authorizer.authorize(caller, action: "iam:AttachRolePolicy", resource: role.arn)
            _ = try await Self.requireAttachable(policyARN, in: session)
            let attached = try await session.roleAttachedPolicyARNs(roleID: role.id)
            if attached.contains(policyARN) { return }
            if attached.count >= Self.managedPoliciesPerRole {
                throw SesameError(.limitExceeded, "Cannot exceed quota for PoliciesPerRole: \(Self.managedPoliciesPerRole)")
            }
            try await session.attachRolePolicy(roleID: role.id, arn: policyARN, at: now)
        }
    }

    public func detachRolePolicy(_ caller: Caller, roleName: String, policyARN: String) async throws {
        try Self.validatePolicyARN(policyARN)
        try await write { session in
            let role = try await Self.requireRole(roleName, in: session)
            try Authorizer.authorize(caller, action: "iam:DetachRolePolicy", resource: role.arn)
            guard try await session.roleAttachedPolicyARNs(roleID: role.id).contains(policyARN) else {
                throw SesameError(.noSuchEntity, "Policy \(policyARN) was not found.")
            }
            try await session.detachRolePolicy(roleID: role.id, arn: policyARN)
        }
    }

    public func listAttachedRolePolicies(
        _ caller: Caller, roleName: String, pathPrefix: String?, marker: String?, maxItems: Int?
    ) async throws -> Page<PolicyReference> {
        let limit = try IAMValidation.maxItems(maxItems)
        let after = try Self.decodeMarker(marker)
        let arns = try await store.read { session in
            let role = try await Self.requireRole(roleName, in: session)
            try Authorizer.authorize(caller, action: "iam:ListAttachedRolePolicies", resource: role.arn)
            return try await session.roleAttachedPolicyARNs(roleID: role.id)
        }
        return Self.attachedPage(arns, pathPrefix: pathPrefix, after: after, limit: limit)
    }

    // MARK: Permissions boundaries

    static func requireBoundary(_ arn: String, in session: any StoreSession) async throws -> ManagedPolicy {
        guard let policy = try await managedPolicy(arn, in: session) else {
            throw SesameError(.noSuchEntity, "Scope ARN: \(arn) does not exist or is not attachable.")
        }
        return policy
    }

    /// Sets or clears (`arn` nil) the boundary of a user or a role.
    public func setPermissionsBoundary(_ caller: Caller, userName: String? = nil, roleName: String? = nil, arn: String?) async throws {
        if let arn { try Self.validatePolicyARN(arn) }
        try await write { session in
            if let arn { _ = try await Self.requireBoundary(arn, in: session) }
            let verb = arn == nil ? "Delete" : "Put"
            if let userName {
                let user = try await Self.requireUser(userName, in: session)
                try Authorizer.authorize(caller, action: "iam:\(verb)UserPermissionsBoundary", resource: user.arn)
                if arn == nil, user.permissionsBoundary == nil {
                    throw SesameError(.noSuchEntity, "The user with name \(user.name) does not have a permissions boundary.")
                }
                try await session.setUserPermissionsBoundary(userID: user.id, arn: arn)
            } else if let roleName {
                var role = try await Self.requireRole(roleName, in: session)
                try Authorizer.authorize(caller, action: "iam:\(verb)RolePermissionsBoundary", resource: role.arn)
                if arn == nil, role.permissionsBoundary == nil {
                    throw SesameError(.noSuchEntity, "The role with name \(role.name) does not have a permissions boundary.")
                }
                role.permissionsBoundary = arn
                try await session.updateRole(role)
            }
        }
    }
}
