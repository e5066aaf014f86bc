public import Foundation
public import SesameCore
import SesameStorage

/// IAM groups: their lifecycle, members, and inline and attached policies. A user's effective
/// permissions include its groups' policies (see `PolicyLoader`).
extension IAMBackend {
    static let groupsPerUser = 10
    static let managedPoliciesPerGroup = 10

    static func noSuchGroup(_ name: String) -> SesameError {
        SesameError(.noSuchEntity, "The group with name \(name) cannot be found.")
    }

    static func requireGroup(_ name: String, in session: any StoreSession) async throws -> IAMGroup {
        try IAMValidation.groupName(name)
        guard let group = try await session.group(named: name) else { throw noSuchGroup(name) }
        return group
    }

    public func createGroup(_ caller: Caller, name: String, path: String?) async throws -> IAMGroup {
        let path = path ?? "/"
        try IAMValidation.groupName(name)
        try IAMValidation.path(path)
        try Authorizer.authorize(caller, action: "iam:CreateGroup", resource: ARN.group(account: caller.accountID, path: path, name: name))
        let group = IAMGroup(id: RandomIDs.uniqueID(prefix: "AGPA"), accountID: caller.accountID, name: name, path: path, createdAt: now())
        return try await write { session in
            if try await session.group(named: name) != nil {
                throw SesameError(.entityAlreadyExists, "Group with name \(name) already exists.")
            }
            try await session.insertGroup(group)
            return group
        }
    }

    /// `GetGroup`: the group and a page of its members.
    public func getGroup(
        _ caller: Caller, name: String, marker: String?, maxItems: Int?
    ) async throws -> (group: IAMGroup, members: Page<IAMUser>) {
        let limit = try IAMValidation.maxItems(maxItems)
        let after = try Self.decodeMarker(marker)
        let (group, members) = try await store.read { session in
            let group = try await Self.requireGroup(name, in: session)
            try Authorizer.authorize(caller, action: "iam:GetGroup", resource: group.arn)
            return (group, try await session.groupMembers(groupID: group.id))
        }
        let remaining = after.map { m in members.filter { $0.name.lowercased() > m } } ?? members
        return (group, Self.page(remaining, maxItems: limit) { $0.name.lowercased() })
    }

    public func listGroups(_ caller: Caller, pathPrefix: String?, marker: String?, maxItems: Int?) async throws -> Page<IAMGroup> {
        try Authorizer.authorize(caller, action: "iam:ListGroups", resource: ARN.groupPrefix(account: caller.accountID))
        let limit = try IAMValidation.maxItems(maxItems)
        let after = try Self.decodeMarker(marker)
        let groups = try await store.read { session in
            try await session.groups(pathPrefix: pathPrefix ?? "/", afterName: after, limit: limit + 1)
        }
        return Self.page(groups, maxItems: limit) { $0.name.lowercased() }
    }

    public func updateGroup(_ caller: Caller, name: String, newName: String?, newPath: String?) async throws {
        if let newName { try IAMValidation.groupName(newName, field: "newGroupName") }
        if let newPath { try IAMValidation.path(newPath, field: "newPath") }
        try await write { session in
            let group = try await Self.requireGroup(name, in: session)
            try Authorizer.authorize(caller, action: "iam:UpdateGroup", resource: group.arn)
            if let newName, newName.lowercased() != group.name.lowercased(), try await session.group(named: newName) != nil {
                throw SesameError(.entityAlreadyExists, "Group with name \(newName) already exists.")
            }
            try await session.updateGroup(id: group.id, name: newName ?? group.name, path: newPath ?? group.path)
        }
    }

    /// `DeleteGroup` refuses while the group has members or policies, as IAM does.
    public func deleteGroup(_ caller: Caller, name: String) async throws {
        try await write { session in
            let group = try await Self.requireGroup(name, in: session)
            try Authorizer.authorize(caller, action: "iam:DeleteGroup", resource: group.arn)
            if try await !session.groupMembers(groupID: group.id).isEmpty {
                throw SesameError(.deleteConflict, "Cannot delete entity, must remove users from group first.")
            }
            if try await !session.groupInlinePolicies(groupID: group.id).isEmpty {
                throw SesameError(.deleteConflict, "Cannot delete entity, must delete policies first.")
            }
            if try await !session.groupAttachedPolicyARNs(groupID: group.id).isEmpty {
                throw SesameError(.deleteConflict, "Cannot delete entity, must detach all policies first.")
            }
            try await session.deleteGroup(id: group.id)
        }
    }

    public func addUserToGroup(_ caller: Caller, groupName: String, userName: String) async throws {
        try await write { session in
            let group = try await Self.requireGroup(groupName, in: session)
            let user = try await Self.requireUser(userName, in: session)
            try Authorizer.authorize(caller, action: "iam:AddUserToGroup", resource: group.arn)
            let current = try await session.groups(ofUser: user.id)
            if current.contains(where: { $0.id == group.id }) { return }
            if current.count >= Self.groupsPerUser {
                throw SesameError(.limitExceeded, "Cannot exceed quota for GroupsPerUser: \(Self.groupsPerUser)")
            }
            try await session.addGroupMember(groupID: group.id, userID: user.id)
        }
    }

    public func removeUserFromGroup(_ caller: Caller, groupName: String, userName: String) async throws {
        try await write { session in
            let group = try await Self.requireGroup(groupName, in: session)
            let user = try await Self.requireUser(userName, in: session)
            try Authorizer.authorize(caller, action: "iam:RemoveUserFromGroup", resource: group.arn)
            guard try await session.groups(ofUser: user.id).contains(where: { $0.id == group.id }) else {
                throw SesameError(.noSuchEntity, "The user with name \(user.name) cannot be found in group \(group.name).")
            }
            try await session.removeGroupMember(groupID: group.id, userID: user.id)
        }
    }

    public func listGroupsForUser(_ caller: Caller, userName: String, marker: String?, maxItems: Int?) async throws -> Page<IAMGroup> {
        let limit = try IAMValidation.maxItems(maxItems)
        let after = try Self.decodeMarker(marker)
        let groups = try await store.read { session in
            let user = try await Self.requireUser(userName, in: session)
            try Authorizer.authorize(caller, action: "iam:ListGroupsForUser", resource: user.arn)
            return try await session.groups(ofUser: user.id)
        }
        let remaining = after.map { m in groups.filter { $0.name.lowercased() > m } } ?? groups
        return Self.page(remaining, maxItems: limit) { $0.name.lowercased() }
    }

    // MARK: Group policies

    static func noSuchGroupPolicy(_ name: String) -> SesameError {
        SesameError(.noSuchEntity, "The group policy with name \(name) cannot be found.")
    }

    public func putGroupPolicy(_ caller: Caller, groupName: String, policyName: String, document: String) async throws {
        try IAMValidation.policyName(policyName)
        _ = try PolicyDocument.parse(document)
        try await write { session in
            let group = try await Self.requireGroup(groupName, in: session)
            try Authorizer.authorize(caller, action: "iam:PutGroupPolicy", resource: group.arn)
            try await session.putGroupInlinePolicy(groupID: group.id, InlinePolicy(name: policyName, document: document))
        }
    }

    public func getGroupPolicy(
        _ caller: Caller, groupName: String, policyName: String
    ) async throws -> (group: IAMGroup, policy: InlinePolicy) {
        try IAMValidation.policyName(policyName)
        return try await store.read { session in
            let group = try await Self.requireGroup(groupName, in: session)
            try Authorizer.authorize(caller, action: "iam:GetGroupPolicy", resource: group.arn)
            guard let policy = try await session.groupInlinePolicies(groupID: group.id).first(where: { $0.name == policyName }) else {
                throw Self.noSuchGroupPolicy(policyName)
            }
            return (group, policy)
        }
    }

    public func listGroupPolicies(_ caller: Caller, groupName: String, marker: String?, maxItems: Int?) async throws -> Page<String> {
        let limit = try IAMValidation.maxItems(maxItems)
        let after = try Self.decodeMarker(marker)
        let names = try await store.read { session in
            let group = try await Self.requireGroup(groupName, in: session)
            try Authorizer.authorize(caller, action: "iam:ListGroupPolicies", resource: group.arn)
            return try await session.groupInlinePolicies(groupID: group.id).map(\.name)
        }
        let remaining = after.map { m in names.filter { $0 > m } } ?? names
        return Self.page(remaining, maxItems: limit) { $0 }
    }

    public func deleteGroupPolicy(_ caller: Caller, groupName: String, policyName: String) async throws {
        try IAMValidation.policyName(policyName)
        try await write { session in
            let group = try await Self.requireGroup(groupName, in: session)
            try Authorizer.authorize(caller, action: "iam:DeleteGroupPolicy", resource: group.arn)
            guard try await session.groupInlinePolicies(groupID: group.id).contains(where: { $0.name == policyName }) else {
                throw Self.noSuchGroupPolicy(policyName)
            }
            try await session.deleteGroupInlinePolicy(groupID: group.id, name: policyName)
        }
    }

    public func attachGroupPolicy(_ caller: Caller, groupName: String, policyARN: String) async throws {
        try Self.validatePolicyARN(policyARN)
        let now = now()
        try await write { session in
            let group = try await Self.requireGroup(groupName, in: session)
            try Authorizer.authorize(caller, action: "iam:AttachGroupPolicy", resource: group.arn)
            _ = try await Self.requireAttachable(policyARN, in: session)
            let attached = try await session.groupAttachedPolicyARNs(groupID: group.id)
            if attached.contains(policyARN) { return }
            if attached.count >= Self.managedPoliciesPerGroup {
                throw SesameError(.limitExceeded, "Cannot exceed quota for PoliciesPerGroup: \(Self.managedPoliciesPerGroup)")
            }
            try await session.attachGroupPolicy(groupID: group.id, arn: policyARN, at: now)
        }
    }

    public func detachGroupPolicy(_ caller: Caller, groupName: String, policyARN: String) async throws {
        try Self.validatePolicyARN(policyARN)
        try await write { session in
            let group = try await Self.requireGroup(groupName, in: session)
            try Authorizer.authorize(caller, action: "iam:DetachGroupPolicy", resource: group.arn)
            guard try await session.groupAttachedPolicyARNs(groupID: group.id).contains(policyARN) else {
                throw SesameError(.noSuchEntity, "Policy \(policyARN) was not found.")
            }
            try await session.detachGroupPolicy(groupID: group.id, arn: policyARN)
        }
    }

    public func listAttachedGroupPolicies(
        _ caller: Caller, groupName: String, pathPrefix: String?, marker: String?, maxItems: Int?
    ) async throws -> Page<PolicyReference> {
        let limit = try IAMValidation.maxItems(maxItems)
        let after = try Self.decodeMarker(marker)
        let arns = try await store.read { session in
            let group = try await Self.requireGroup(groupName, in: session)
            try Authorizer.authorize(caller, action: "iam:ListAttachedGroupPolicies", resource: group.arn)
            return try await session.groupAttachedPolicyARNs(groupID: group.id)
        }
        return Self.attachedPage(arns, pathPrefix: pathPrefix, after: after, limit: limit)
    }
}
