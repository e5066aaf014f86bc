public import Foundation
public import SesameCore
import SesameStorage

/// Whole-account views: the credential report (CSV, as IAM writes it) and
/// GetAccountAuthorizationDetails.
extension IAMBackend {
    static let credentialReportColumns = [
        "user", "arn", "user_creation_time", "password_enabled", "password_last_used", "password_last_changed",
        "password_next_rotation", "mfa_active", "access_key_1_active", "access_key_1_last_rotated", "access_key_1_last_used_date",
        "access_key_1_last_used_region", "access_key_1_last_used_service", "access_key_2_active", "access_key_2_last_rotated",
        "access_key_2_last_used_date", "access_key_2_last_used_region", "access_key_2_last_used_service", "cert_1_active",
        "cert_1_last_rotated", "cert_2_active", "cert_2_last_rotated",
    ]

    /// IAM's report dates: `2026-11-29T09:30:00+00:00`.
    static func reportDate(_ date: Date?) -> String {
        guard let date else { return "N/A" }
        return String(Timestamp.iso8601(date).prefix(19)) + "+00:00"
    }

    static func keyColumns(_ keys: [AccessKey]) -> [String] {
        var out: [String] = []
        for index in 0..<2 {
            guard index < keys.count else {
                out += ["false", "N/A", "N/A", "N/A", "N/A"]
                continue
            }
            let key = keys[index]
            out += [
                key.status == .active ? "true" : "false", reportDate(key.createdAt), reportDate(key.lastUsedAt),
                key.lastUsedRegion ?? "N/A", key.lastUsedService ?? "N/A",
            ]
        }
        return out
    }

    /// Builds the report now. It is kept for four hours, as IAM keeps it.
    public func generateCredentialReport(_ caller: Caller) async throws -> (state: String, description: String) {
        try Authorizer.authorize(caller, action: "iam:GenerateCredentialReport", resource: "*")
        let now = now()
        return try await write { session in
            if let stored = try await session.setting(Self.credentialReportKey), let generated = Self.reportTime(stored),
                now.timeIntervalSince(generated) < 4 * 3600
            {
                return ("COMPLETE", "")
            }
            let csv = try await Self.credentialReportCSV(in: session, accountID: caller.accountID, now: now)
            try await session.putSetting(Self.credentialReportKey, "\(Timestamp.millis(now))\n\(csv)")
            return ("STARTED", "No report exists. Starting a new report generation task")
        }
    }

    static func reportTime(_ stored: String) -> Date? {
        guard let line = stored.split(separator: "\n", maxSplits: 1).first, let millis = Int64(line) else { return nil }
        return Timestamp.date(millis: millis)
    }

    public func credentialReport(_ caller: Caller) async throws -> (csv: String, generatedAt: Date) {
        try Authorizer.authorize(caller, action: "iam:GetCredentialReport", resource: "*")
        return try await store.read { session in
            guard let stored = try await session.setting(Self.credentialReportKey), let generated = Self.reportTime(stored),
                let newline = stored.firstIndex(of: "\n")
            else {
                throw SesameError(.reportNotPresent, "Credential report not present")
            }
            return (String(stored[stored.index(after: newline)...]), generated)
        }
    }

    static func credentialReportCSV(in session: any StoreSession, accountID: String, now: Date) async throws -> String {
        let rootCreated = try await session.account()?.account.createdAt
        var rows = [credentialReportColumns.joined(separator: ",")]
        rows.append(
            ([
                "<root_account>", ARN.root(account: accountID), reportDate(rootCreated), "not_supported", "N/A", "not_supported",
                "not_supported", "false",
            ]
                + keyColumns(try await session.accessKeys(userID: nil).map(\.key)) + ["false", "N/A", "false", "N/A"]).joined(
                    separator: ","))
        let policy = try await passwordPolicy(in: session)
        var after: String?
        while true {
            let users = try await session.users(pathPrefix: "/", afterName: after, limit: 500)
            for user in users {
                let profile = try await session.loginProfile(userID: user.id)
                let nextRotation = profile.flatMap { p in policy?.maxPasswordAge.map { p.createdAt.addingTimeInterval(Double($0) * 86400) }
                }
                let passwordColumns =
                    profile == nil
                    ? ["false", "N/A", "N/A", "N/A"]
                    : [
                        "true", user.passwordLastUsed.map { reportDate($0) } ?? "no_information", reportDate(profile?.createdAt),
                        reportDate(nextRotation),
                    ]
                rows.append(
                    ([user.name, user.arn, reportDate(user.createdAt)] + passwordColumns + ["false"]
                        + keyColumns(try await session.accessKeys(userID: user.id).map(\.key)) + ["false", "N/A", "false", "N/A"])
                        .joined(separator: ","))
            }
            guard users.count == 500, let last = users.last else { break }
            after = last.name.lowercased()
        }
        return rows.joined(separator: "\n") + "\n"
    }

    // MARK: GetAccountAuthorizationDetails

    public struct UserDetail: Sendable {
        public var user: IAMUser
        public var tags: [Tag]
        public var inline: [InlinePolicy]
        public var attached: [PolicyReference]
        public var groups: [String]
    }

    public struct GroupDetail: Sendable {
        public var group: IAMGroup
        public var inline: [InlinePolicy]
        public var attached: [PolicyReference]
    }

    public struct RoleDetail: Sendable {
        public var role: IAMRole
        public var tags: [Tag]
        public var inline: [InlinePolicy]
        public var attached: [PolicyReference]
    }

    public struct PolicyDetail: Sendable {
        public var info: PolicyInfo
        public var versions: [PolicyVersion]
    }

    public struct AuthorizationDetails: Sendable {
        public var users: [UserDetail] = []
        public var groups: [GroupDetail] = []
        public var roles: [RoleDetail] = []
        public var policies: [PolicyDetail] = []
    }

    /// Every user, group, role and customer managed policy (or those `filter` names: `User`,
    /// `Group`, `Role`, `LocalManagedPolicy`, `AWSManagedPolicy`), with their policies. Sesame
    /// answers in one page: an account's IAM fits comfortably.
    public func authorizationDetails(_ caller: Caller, filter: [String]) async throws -> AuthorizationDetails {
        try Authorizer.authorize(caller, action: "iam:GetAccountAuthorizationDetails", resource: "*")
        let wants: @Sendable (String) -> Bool = { kind in filter.isEmpty || filter.contains(kind) }
        return try await store.read { session in
            var details = AuthorizationDetails()
            if wants("User") {
                for user in try await session.users(pathPrefix: "/", afterName: nil, limit: 100_000) {
                    details.users.append(
                        UserDetail(
                            user: user, tags: try await session.tags(userID: user.id),
                            inline: try await session.inlinePolicies(userID: user.id),
                            attached: try await session.attachedPolicyARNs(userID: user.id).compactMap(PolicyReference.init(arn:)),
                            groups: try await session.groups(ofUser: user.id).map(\.name)))
                }
            }
            if wants("Group") {
                for group in try await session.groups(pathPrefix: "/", afterName: nil, limit: 100_000) {
                    details.groups.append(
                        GroupDetail(
                            group: group, inline: try await session.groupInlinePolicies(groupID: group.id),
                            attached: try await session.groupAttachedPolicyARNs(groupID: group.id).compactMap(PolicyReference.init(arn:))))
                }
            }
            if wants("Role") {
                for role in try await session.roles(pathPrefix: "/", afterName: nil, limit: 100_000) {
                    details.roles.append(
                        RoleDetail(
                            role: role, tags: try await session.entityTags(role.id),
                            inline: try await session.roleInlinePolicies(roleID: role.id),
                            attached: try await session.roleAttachedPolicyARNs(roleID: role.id).compactMap(PolicyReference.init(arn:))))
                }
            }
            var policies: [ManagedPolicy] = []
            if wants("LocalManagedPolicy") { policies += try await session.customerPolicies() }
            // AWS lists only the AWS managed policies that are in use.
            if wants("AWSManagedPolicy") {
                for policy in ManagedPolicies.all where try await session.attachmentCount(policyARN: policy.arn) > 0 {
                    policies.append(policy)
                }
            }
            for policy in policies {
                let versions =
                    policy.isAWSManaged
                    ? [PolicyVersion(number: 1, document: policy.document, createdAt: policy.createdAt)]
                    : try await session.policyVersions(policyID: policy.id)
                details.policies.append(PolicyDetail(info: try await Self.info(policy, in: session), versions: versions))
            }
            return details
        }
    }
}
