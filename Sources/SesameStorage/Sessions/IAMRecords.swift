public import Foundation
public import SesameCore

/// IAM users, their access keys, console passwords, policies, and the SMTP login failures
/// diagnosed against them, inside a transaction.
public protocol IAMRecords: Sendable {
    // Users
    func user(named name: String) async throws -> IAMUser?
    func user(id: String) async throws -> IAMUser?
    /// Users ordered by lowercased name, starting after `afterName` (lowercased), at most `limit`.
    func users(pathPrefix: String, afterName: String?, limit: Int) async throws -> [IAMUser]
    func userCount() async throws -> Int
    func insertUser(_ user: IAMUser) async throws
    func updateUser(id: String, name: String, path: String) async throws
    func deleteUser(id: String) async throws
    func tags(userID: String) async throws -> [Tag]
    func putTags(userID: String, _ tags: [Tag]) async throws
    func removeTags(userID: String, keys: [String]) async throws

    // Access keys
    func accessKey(id: String) async throws -> StoredAccessKey?
    /// The keys of a user, or of the root user when `userID` is nil, oldest first.
    func accessKeys(userID: String?) async throws -> [StoredAccessKey]
    func insertAccessKey(_ key: StoredAccessKey) async throws
    func updateAccessKeyStatus(id: String, _ status: AccessKeyStatus) async throws
    func deleteAccessKey(id: String) async throws
    func recordAccessKeyUse(id: String, at: Date, service: String, region: String) async throws

    // Console passwords
    func loginProfile(userID: String) async throws -> LoginProfile?
    func putLoginProfile(_ profile: LoginProfile) async throws
    func deleteLoginProfile(userID: String) async throws
    func recordPasswordUse(userID: String, at: Date) async throws

    // Policies
    func inlinePolicies(userID: String) async throws -> [InlinePolicy]
    func putInlinePolicy(userID: String, _ policy: InlinePolicy) async throws
    func deleteInlinePolicy(userID: String, name: String) async throws
    func attachedPolicyARNs(userID: String) async throws -> [String]
    func attachPolicy(userID: String, arn: String, at: Date) async throws
    func detachPolicy(userID: String, arn: String) async throws

    // SMTP login failures and the keys that once existed (for their diagnosis)
    func insertAuthFailure(_ failure: SMTPAuthFailure) async throws
    /// Newest first; only those about one IAM user when `userName` is given.
    func authFailures(userName: String?, limit: Int) async throws -> [SMTPAuthFailure]
    /// Drops failures older than `before`.
    func pruneAuthFailures(before: Date) async throws
    /// A deleted access key's owner and deletion time, if the key once existed.
    func deletedAccessKey(id: String) async throws -> (userName: String?, deletedAt: Date)?

    // Groups (names compared case-insensitively), their members and policies
    func group(named name: String) async throws -> IAMGroup?
    /// Groups ordered by lowercased name, after `afterName` (lowercased), at most `limit`.
    func groups(pathPrefix: String, afterName: String?, limit: Int) async throws -> [IAMGroup]
    func groupCount() async throws -> Int
    func insertGroup(_ group: IAMGroup) async throws
    func updateGroup(id: String, name: String, path: String) async throws
    /// Deletes the group with its memberships and policies.
    func deleteGroup(id: String) async throws
    /// Members ordered by lowercased name.
    func groupMembers(groupID: String) async throws -> [IAMUser]
    /// The groups a user belongs to, ordered by lowercased name.
    func groups(ofUser userID: String) async throws -> [IAMGroup]
    func addGroupMember(groupID: String, userID: String) async throws
    func removeGroupMember(groupID: String, userID: String) async throws
    func groupInlinePolicies(groupID: String) async throws -> [InlinePolicy]
    func putGroupInlinePolicy(groupID: String, _ policy: InlinePolicy) async throws
    func deleteGroupInlinePolicy(groupID: String, name: String) async throws
    func groupAttachedPolicyARNs(groupID: String) async throws -> [String]
    func attachGroupPolicy(groupID: String, arn: String, at: Date) async throws
    func detachGroupPolicy(groupID: String, arn: String) async throws
}
