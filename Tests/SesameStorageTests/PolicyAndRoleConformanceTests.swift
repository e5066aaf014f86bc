import Foundation
import SesameBackend
import SesameCore
import SesameStorage
import Testing

/// Customer managed policies, roles and boundaries behave the same on both engines, driven
/// through the IAM backend as the API drives it; the policies a user's credentials carry follow
/// every change.
@Suite struct PolicyAndRoleConformanceTests {
    static let root = Caller(principal: .root(accountID: "123456789012"), policies: [])
    static let sendOnly = #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ses:SendEmail","Resource":"*"}]}"#
    static let sesAll = #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ses:*","Resource":"*"}]}"#
    static let trust =
        #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"123456789012"},"Action":"sts:AssumeRole"}]}"#

    func decision(_ set: PolicySet, _ action: String) -> AuthorizationDecision {
        PolicyEvaluator.evaluate(set, AuthorizationRequest(action: action, resource: "*"))
    }

    @Test(arguments: Engine.allCases)
    func policyVersionsAndWhatTheyGrant(_ engine: Engine) async throws {
        try await StoreFixture.withIAM(engine) { iam, _, store in
            let root = Self.root
            let created = try await iam.createPolicy(
                root, name: "Senders", path: "/mail/", document: Self.sendOnly, description: nil, tags: [Tag(key: "a", value: "1")])
            let arn = created.policy.arn
            #expect(arn == "arn:aws:iam::123456789012:policy/mail/Senders")
            let user = try await iam.createUser(root, name: "alice", path: nil, tags: [])
            try await iam.attachUserPolicy(root, userName: "alice", policyARN: arn)
            func loaded() async throws -> PolicySet {
                try await store.read { session in try await PolicyLoader.policies(of: user, in: session) }
            }
            #expect(decision(try await loaded(), "ses:SendEmail") == .allowed)
            #expect(decision(try await loaded(), "ses:ListIdentities") == .implicitDeny)

            let v2 = try await iam.createPolicyVersion(root, policyARN: arn, document: Self.sesAll, setAsDefault: true)
            #expect(v2.version.id == "v2" && v2.isDefault)
            #expect(decision(try await loaded(), "ses:ListIdentities") == .allowed)
            let listed = try await iam.listPolicyVersions(root, policyARN: arn, marker: nil, maxItems: nil)
            #expect(listed.versions.items.map(\.id) == ["v2", "v1"] && listed.defaultVersion == 2)

            let info = try await iam.getPolicy(root, policyARN: arn)
            #expect(info.attachmentCount == 1 && info.policy.defaultVersionID == "v2" && info.tags == [Tag(key: "a", value: "1")])
            try await iam.detachUserPolicy(root, userName: "alice", policyARN: arn)
            try await iam.setDefaultPolicyVersion(root, policyARN: arn, versionID: "v1")
            try await iam.deletePolicyVersion(root, policyARN: arn, versionID: "v2")
            try await iam.deletePolicy(root, policyARN: arn)
            await #expect(throws: SesameError.self) { _ = try await iam.getPolicy(root, policyARN: arn) }
            let left = try await store.read { session in try await session.customerPolicies() }
            #expect(left.isEmpty)
        }
    }

    @Test(arguments: Engine.allCases)
    func rolesTheirPoliciesAndBoundaries(_ engine: Engine) async throws {
        try await StoreFixture.withIAM(engine) { iam, _, store in
            let root = Self.root
            let boundary = try await iam.createPolicy(
                root, name: "SendOnly", path: nil, document: Self.sendOnly, description: nil, tags: [])
            let created = try await iam.createRole(
                root, name: "Deployer", path: "/ci/", trustPolicy: Self.trust, description: "d", maxSessionDuration: 7200,
                permissionsBoundary: boundary.policy.arn, tags: [Tag(key: "team", value: "ops")])
            #expect(created.role.id.hasPrefix("AROA") && created.role.arn == "arn:aws:iam::123456789012:role/ci/Deployer")
            try await iam.putRolePolicy(root, roleName: "deployer", policyName: "all-ses", document: Self.sesAll)
            try await iam.attachRolePolicy(root, roleName: "Deployer", policyARN: "arn:aws:iam::aws:policy/AmazonSESReadOnlyAccess")
            let role = try await iam.getRole(root, name: "DEPLOYER")
            #expect(role.role.maxSessionDuration == 7200 && role.tags == [Tag(key: "team", value: "ops")])
            let set = try await store.read { session in try await PolicyLoader.policies(of: role.role, in: session) }
            #expect(set.identity.count == 2)
            // The boundary caps what the role's own policies grant.
            #expect(decision(set, "ses:SendEmail") == .allowed)
            #expect(decision(set, "ses:ListIdentities") == .implicitDeny)
            #expect(try await iam.getPolicy(root, policyARN: boundary.policy.arn).boundaryUsageCount == 1)

            let updated = try await iam.updateRole(root, name: "Deployer", action: "iam:UpdateRole", maxSessionDuration: 3600)
            #expect(updated.maxSessionDuration == 3600 && updated.description == "d")
            let entities = try await iam.listEntitiesForPolicy(
                root, policyARN: "arn:aws:iam::aws:policy/AmazonSESReadOnlyAccess", filter: nil, pathPrefix: nil, marker: nil, maxItems: nil
            )
            #expect(entities.items == [.role(name: "Deployer", id: created.role.id)])

            try await iam.deleteRolePolicy(root, roleName: "Deployer", policyName: "all-ses")
            try await iam.detachRolePolicy(root, roleName: "Deployer", policyARN: "arn:aws:iam::aws:policy/AmazonSESReadOnlyAccess")
            try await iam.deleteRole(root, name: "Deployer")
            #expect(try await iam.listRoles(root, pathPrefix: nil, marker: nil, maxItems: nil).items.isEmpty)
            // The role's tags went with it.
            #expect(try await store.read { session in try await session.entityTags(created.role.id) }.isEmpty)
            try await iam.deletePolicy(root, policyARN: boundary.policy.arn)
        }
    }
}
