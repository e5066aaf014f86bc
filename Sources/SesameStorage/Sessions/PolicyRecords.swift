public import Foundation
public import SesameCore

/// Customer managed policies and their versions, roles with their policies, permissions
/// boundaries, and the tags of policies and roles, inside a transaction.
public protocol PolicyRecords: Sendable {
    // Customer managed policies (names unique case-insensitively in the account)
    func customerPolicy(arn: String) async throws -> ManagedPolicy?
    func customerPolicy(named name: String) async throws -> ManagedPolicy?
    /// Every customer managed policy, ordered by lowercased name.
    func customerPolicies() async throws -> [ManagedPolicy]
    /// Inserts the policy with its first version, `v1`.
    func insertCustomerPolicy(_ policy: ManagedPolicy) async throws
    /// Deletes the policy with its versions and tags.
    func deleteCustomerPolicy(id: String) async throws
    /// Versions newest first.
    func policyVersions(policyID: String) async throws -> [PolicyVersion]
    /// Adds the next version and returns its number.
    func insertPolicyVersion(policyID: String, document: String, at: Date) async throws -> Int
    func deletePolicyVersion(policyID: String, number: Int) async throws
    func setDefaultPolicyVersion(policyID: String, number: Int, at: Date) async throws
    /// Attachments of a policy ARN to users, groups and roles, and its uses as a boundary.
    func attachmentCount(policyARN: String) async throws -> Int
    func boundaryUsageCount(policyARN: String) async throws -> Int
    func entities(attachedTo policyARN: String) async throws -> (users: [IAMUser], groups: [IAMGroup], roles: [IAMRole])

    // Roles
    func role(named name: String) async throws -> IAMRole?
    func role(id: String) async throws -> IAMRole?
    /// Roles ordered by lowercased name, after `afterName` (lowercased), at most `limit`.
    func roles(pathPrefix: String, afterName: String?, limit: Int) async throws -> [IAMRole]
    func roleCount() async throws -> Int
    func insertRole(_ role: IAMRole) async throws
    /// Writes a role's description, trust policy, session duration and boundary.
    func updateRole(_ role: IAMRole) async throws
    /// Deletes the role with its policies and tags.
    func deleteRole(id: String) async throws
    func roleInlinePolicies(roleID: String) async throws -> [InlinePolicy]
    func putRoleInlinePolicy(roleID: String, _ policy: InlinePolicy) async throws
    func deleteRoleInlinePolicy(roleID: String, name: String) async throws
    func roleAttachedPolicyARNs(roleID: String) async throws -> [String]
    func attachRolePolicy(roleID: String, arn: String, at: Date) async throws
    func detachRolePolicy(roleID: String, arn: String) async throws
    /// Notes that a session of the role made a request.
    func recordRoleUse(roleID: String, at: Date, region: String) async throws

    // Permissions boundaries of users (roles keep theirs in the role)
    func setUserPermissionsBoundary(userID: String, arn: String?) async throws

    // Tags of policies and roles, in the order they were first given
    func entityTags(_ entityID: String) async throws -> [Tag]
    func putEntityTags(_ entityID: String, _ tags: [Tag]) async throws
    func removeEntityTags(_ entityID: String, keys: [String]) async throws
}
