public import Foundation
public import SesameCore
import SesameStorage

/// Managed policies: the AWS managed ones Sesame knows (read-only) and the account's customer
/// managed policies with up to five versions, attachable to users, groups and roles.
extension IAMBackend {
    static let policyVersionsPerPolicy = 5

    /// A managed policy with how often it is attached and used as a permissions boundary.
    public struct PolicyInfo: Sendable {
        public var policy: ManagedPolicy
        public var attachmentCount: Int
        public var boundaryUsageCount: Int
        public var tags: [Tag]
    }

    static func validatePolicyARN(_ arn: String) throws(SesameError) {
        guard arn.count >= 20, arn.count <= 2048, PolicyReference(arn: arn) != nil else {
            throw SesameError(.invalidInput, "ARN \(arn) is not valid.")
        }
    }

    static func noSuchPolicy(_ arn: String) -> SesameError {
        SesameError(.noSuchEntity, "Policy \(arn) was not found.")
    }

    /// The managed policy an ARN names, AWS or customer managed.
    static func managedPolicy(_ arn: String, in session: any StoreSession) async throws -> ManagedPolicy? {
        if let policy = ManagedPolicies.named(arn: arn) { return policy }
        return try await session.customerPolicy(arn: arn)
    }

    static func requireAttachable(_ arn: String, in session: any StoreSession) async throws -> ManagedPolicy {
        guard let policy = try await managedPolicy(arn, in: session) else {
            throw SesameError(.noSuchEntity, "Policy \(arn) does not exist or is not attachable.")
        }
        return policy
    }

    /// A customer managed policy an operation may change. AWS managed policies belong to AWS: no
    /// caller of this account may change them.
    static func requireCustomerPolicy(
        _ arn: String, caller: Caller, action: String, in session: any StoreSession
    ) async throws
        -> ManagedPolicy
    {
        if ManagedPolicies.named(arn: arn) != nil {
            throw SesameError(
                .accessDenied, "User: \(caller.principal.arn) is not authorized to perform: \(action) on resource: policy \(arn)")
        }
        try Authorizer.authorize(caller, action: action, resource: arn)
        guard let policy = try await session.customerPolicy(arn: arn) else { throw noSuchPolicy(arn) }
        return policy
    }

    static func attachedPage(_ arns: [String], pathPrefix: String?, after: String?, limit: Int) -> Page<PolicyReference> {
        let policies = arns.compactMap(PolicyReference.init(arn:)).filter { $0.path.hasPrefix(pathPrefix ?? "/") }
            .sorted { $0.name < $1.name }
        let remaining = after.map { m in policies.filter { $0.name > m } } ?? policies
        return page(remaining, maxItems: limit) { $0.name }
    }

    /// A policy with its counts; its tags only when asked (lists do not show them).
    static func info(_ policy: ManagedPolicy, withTags: Bool = true, in session: any StoreSession) async throws -> PolicyInfo {
        PolicyInfo(
            policy: policy, attachmentCount: try await session.attachmentCount(policyARN: policy.arn),
            boundaryUsageCount: try await session.boundaryUsageCount(policyARN: policy.arn),
            tags: policy.isAWSManaged || !withTags ? [] : try await session.entityTags(policy.id))
    }

    public func createPolicy(
        _ caller: Caller, name: String, path: String?, document: String, description: String?, tags: [Tag]
    ) async throws -> PolicyInfo {
        let path = path ?? "/"
        try IAMValidation.policyName(name)
        try IAMValidation.path(path)
        _ = try PolicyDocument.parse(document)
        try Self.validateTags(tags)
        let now = now()
        let policy = ManagedPolicy(
            name: name, path: path, id: RandomIDs.uniqueID(prefix: "ANPA"), description: description ?? "", document: document,
            accountID: caller.accountID, defaultVersion: 1, createdAt: now, updatedAt: now)
        try Authorizer.authorize(caller, action: "iam:CreatePolicy", resource: policy.arn)
        return try await write { session in
            if try await session.customerPolicy(named: name) != nil {
                throw SesameError(.entityAlreadyExists, "A policy called \(name) already exists. Duplicate names are not allowed.")
            }
            try await session.insertCustomerPolicy(policy)
            try await session.putEntityTags(policy.id, tags)
            return PolicyInfo(policy: policy, attachmentCount: 0, boundaryUsageCount: 0, tags: tags)
        }
    }

    public func getPolicy(_ caller: Caller, policyARN: String) async throws -> PolicyInfo {
        try Self.validatePolicyARN(policyARN)
        try Authorizer.authorize(caller, action: "iam:GetPolicy", resource: policyARN)
        return try await store.read { session in
            guard let policy = try await Self.managedPolicy(policyARN, in: session) else { throw Self.noSuchPolicy(policyARN) }
            return try await Self.info(policy, in: session)
        }
    }

    /// `ListPolicies`: AWS managed (`AWS`), customer managed (`Local`) or both (`All`), by name.
    public func listPolicies(
        _ caller: Caller, scope: String?, onlyAttached: Bool, pathPrefix: String?, marker: String?, maxItems: Int?
    ) async throws -> Page<PolicyInfo> {
        try Authorizer.authorize(caller, action: "iam:ListPolicies", resource: ARN.policyPrefix(account: caller.accountID))
        let limit = try IAMValidation.maxItems(maxItems)
        let after = try Self.decodeMarker(marker)
        let scope = scope ?? "All"
        let infos = try await store.read { session in
            var policies: [ManagedPolicy] = []
            if scope != "Local" { policies += ManagedPolicies.all }
            if scope != "AWS" { policies += try await session.customerPolicies() }
            var out: [PolicyInfo] = []
            for policy in policies where policy.path.hasPrefix(pathPrefix ?? "/") {
                out.append(try await Self.info(policy, withTags: false, in: session))
            }
            return out
        }
        let filtered = infos.filter { !onlyAttached || $0.attachmentCount > 0 }.sorted { $0.policy.name < $1.policy.name }
        let remaining = after.map { m in filtered.filter { $0.policy.name > m } } ?? filtered
        return Self.page(remaining, maxItems: limit) { $0.policy.name }
    }

    /// `DeletePolicy` refuses while the policy is attached or has versions besides the default.
    public func deletePolicy(_ caller: Caller, policyARN: String) async throws {
        try Self.validatePolicyARN(policyARN)
        try await write { session in
            let policy = try await Self.requireCustomerPolicy(policyARN, caller: caller, action: "iam:DeletePolicy", in: session)
            if try await session.attachmentCount(policyARN: policyARN) > 0 {
                throw SesameError(.deleteConflict, "Cannot delete a policy attached to entities.")
            }
            if try await session.boundaryUsageCount(policyARN: policyARN) > 0 {
                throw SesameError(.deleteConflict, "Cannot delete a policy attached to entities as a permissions boundary.")
            }
            if try await session.policyVersions(policyID: policy.id).count > 1 {
                throw SesameError(
                    .deleteConflict,
                    "This policy has more than one version. Before you delete a policy, you must delete the policy's versions. The default version is deleted with the policy."
                )
            }
            try await session.deleteCustomerPolicy(id: policy.id)
        }
    }

    // MARK: Versions

    static func noSuchVersion(_ arn: String, _ versionID: String) -> SesameError {
        SesameError(.noSuchEntity, "Policy \(arn) version \(versionID) does not exist or is not attachable.")
    }

    public func createPolicyVersion(
        _ caller: Caller, policyARN: String, document: String, setAsDefault: Bool
    ) async throws -> (version: PolicyVersion, isDefault: Bool) {
        try Self.validatePolicyARN(policyARN)
        _ = try PolicyDocument.parse(document)
        let now = now()
        return try await write { session in
            let policy = try await Self.requireCustomerPolicy(policyARN, caller: caller, action: "iam:CreatePolicyVersion", in: session)
            if try await session.policyVersions(policyID: policy.id).count >= Self.policyVersionsPerPolicy {
                throw SesameError(
                    .limitExceeded,
                    "A managed policy can have up to \(Self.policyVersionsPerPolicy) versions. Before you create a new version, you must delete an existing version."
                )
            }
            let number = try await session.insertPolicyVersion(policyID: policy.id, document: document, at: now)
            if setAsDefault { try await session.setDefaultPolicyVersion(policyID: policy.id, number: number, at: now) }
            return (PolicyVersion(number: number, document: document, createdAt: now), setAsDefault)
        }
    }

    public func getPolicyVersion(
        _ caller: Caller, policyARN: String, versionID: String
    ) async throws -> (version: PolicyVersion, isDefault: Bool) {
        try Self.validatePolicyARN(policyARN)
        try Authorizer.authorize(caller, action: "iam:GetPolicyVersion", resource: policyARN)
        if let policy = ManagedPolicies.named(arn: policyARN) {
            guard versionID == policy.defaultVersionID else { throw Self.noSuchVersion(policyARN, versionID) }
            return (PolicyVersion(number: 1, document: policy.document, createdAt: policy.createdAt), true)
        }
        return try await store.read { session in
            guard let policy = try await session.customerPolicy(arn: policyARN) else { throw Self.noSuchPolicy(policyARN) }
            guard let number = PolicyVersion.number(versionID),
                let version = try await session.policyVersions(policyID: policy.id).first(where: { $0.number == number })
            else { throw Self.noSuchVersion(policyARN, versionID) }
            return (version, number == policy.defaultVersion)
        }
    }

    public func listPolicyVersions(
        _ caller: Caller, policyARN: String, marker: String?, maxItems: Int?
    ) async throws -> (versions: Page<PolicyVersion>, defaultVersion: Int) {
        try Self.validatePolicyARN(policyARN)
        try Authorizer.authorize(caller, action: "iam:ListPolicyVersions", resource: policyARN)
        let limit = try IAMValidation.maxItems(maxItems)
        let after = try Self.decodeMarker(marker).flatMap { Int($0) }
        if let policy = ManagedPolicies.named(arn: policyARN) {
            let only = PolicyVersion(number: 1, document: policy.document, createdAt: policy.createdAt)
            return (Self.page(after == nil ? [only] : [], maxItems: limit) { String($0.number) }, 1)
        }
        return try await store.read { session in
            guard let policy = try await session.customerPolicy(arn: policyARN) else { throw Self.noSuchPolicy(policyARN) }
            let versions = try await session.policyVersions(policyID: policy.id).filter { after == nil || $0.number < after! }
            return (Self.page(versions, maxItems: limit) { String($0.number) }, policy.defaultVersion)
        }
    }

    public func deletePolicyVersion(_ caller: Caller, policyARN: String, versionID: String) async throws {
        try Self.validatePolicyARN(policyARN)
        try await write { session in
            let policy = try await Self.requireCustomerPolicy(policyARN, caller: caller, action: "iam:DeletePolicyVersion", in: session)
            guard let number = PolicyVersion.number(versionID),
                try await session.policyVersions(policyID: policy.id).contains(where: { $0.number == number })
            else { throw Self.noSuchVersion(policyARN, versionID) }
            if number == policy.defaultVersion {
                throw SesameError(.deleteConflict, "Cannot delete the default version of a policy.")
            }
            try await session.deletePolicyVersion(policyID: policy.id, number: number)
        }
    }

    public func setDefaultPolicyVersion(_ caller: Caller, policyARN: String, versionID: String) async throws {
        try Self.validatePolicyARN(policyARN)
        let now = now()
        try await write { session in
            let policy = try await Self.requireCustomerPolicy(
                policyARN, caller: caller, action: "iam:SetDefaultPolicyVersion", in: session)
            guard let number = PolicyVersion.number(versionID),
                try await session.policyVersions(policyID: policy.id).contains(where: { $0.number == number })
            else { throw Self.noSuchVersion(policyARN, versionID) }
            try await session.setDefaultPolicyVersion(policyID: policy.id, number: number, at: now)
        }
    }
}
