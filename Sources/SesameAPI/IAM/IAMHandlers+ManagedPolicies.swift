import Foundation
import SesameAWSModels
import SesameAWSProtocol
import SesameBackend
import SesameCore

extension IAMHandlers {
    /// `description` and `tags` appear where IAM shows them (GetPolicy), not in lists.
    static func policy(_ info: IAMBackend.PolicyInfo, detailed: Bool) -> IAM.Policy {
        let policy = info.policy
        return IAM.Policy(
            policyName: policy.name, policyId: policy.id, arn: policy.arn, path: policy.path, defaultVersionId: policy.defaultVersionID,
            attachmentCount: info.attachmentCount, permissionsBoundaryUsageCount: info.boundaryUsageCount, isAttachable: true,
            description: detailed && !policy.description.isEmpty ? policy.description : nil, createDate: policy.createdAt,
            updateDate: policy.updatedAt, tags: detailed && !info.tags.isEmpty ? tags(info.tags) : nil)
    }

    /// IAM returns policy documents URL-encoded; SDKs decode them.
    static func version(_ version: PolicyVersion, isDefault: Bool, withDocument: Bool) -> IAM.PolicyVersion {
        IAM.PolicyVersion(
            document: withDocument ? URIEncoding.encode(version.document) : nil, versionId: version.id, isDefaultVersion: isDefault,
            createDate: version.createdAt)
    }

    static func addManagedPolicies(_ iam: IAMBackend, _ handlers: inout AWSHandlers) {
        handlers.on(IAM.Operations.CreatePolicy.self) { input, call in
            let created = try await iam.createPolicy(
                call.caller, name: input.policyName, path: input.path, document: input.policyDocument, description: input.description,
                tags: tags(input.tags))
            var shown = policy(created, detailed: false)
            shown.tags = created.tags.isEmpty ? nil : tags(created.tags)
            return .init(policy: shown)
        }
        handlers.on(IAM.Operations.GetPolicy.self) { input, call in
            .init(policy: policy(try await iam.getPolicy(call.caller, policyARN: input.policyArn), detailed: true))
        }
        handlers.on(IAM.Operations.ListPolicies.self) { input, call in
            let page = try await iam.listPolicies(
                call.caller, scope: input.scope, onlyAttached: input.onlyAttached ?? false, pathPrefix: input.pathPrefix,
                marker: input.marker, maxItems: input.maxItems)
            return .init(
                policies: page.items.map { policy($0, detailed: false) }, isTruncated: page.isTruncated,
                marker: page.isTruncated ? page.marker : nil)
        }
        handlers.on(IAM.Operations.DeletePolicy.self) { input, call in
            try await iam.deletePolicy(call.caller, policyARN: input.policyArn)
            return .init()
        }
        handlers.on(IAM.Operations.CreatePolicyVersion.self) { input, call in
            let created = try await iam.createPolicyVersion(
                call.caller, policyARN: input.policyArn, document: input.policyDocument, setAsDefault: input.setAsDefault ?? false)
            return .init(policyVersion: version(created.version, isDefault: created.isDefault, withDocument: false))
        }
        handlers.on(IAM.Operations.GetPolicyVersion.self) { input, call in
            let found = try await iam.getPolicyVersion(call.caller, policyARN: input.policyArn, versionID: input.versionId)
            return .init(policyVersion: version(found.version, isDefault: found.isDefault, withDocument: true))
        }
        handlers.on(IAM.Operations.ListPolicyVersions.self) { input, call in
            let found = try await iam.listPolicyVersions(
                call.caller, policyARN: input.policyArn, marker: input.marker, maxItems: input.maxItems)
            return .init(
                versions: found.versions.items.map { version($0, isDefault: $0.number == found.defaultVersion, withDocument: false) },
                isTruncated: found.versions.isTruncated, marker: found.versions.isTruncated ? found.versions.marker : nil)
        }
        handlers.on(IAM.Operations.DeletePolicyVersion.self) { input, call in
            try await iam.deletePolicyVersion(call.caller, policyARN: input.policyArn, versionID: input.versionId)
            return .init()
        }
        handlers.on(IAM.Operations.SetDefaultPolicyVersion.self) { input, call in
            try await iam.setDefaultPolicyVersion(call.caller, policyARN: input.policyArn, versionID: input.versionId)
            return .init()
        }
        handlers.on(IAM.Operations.ListEntitiesForPolicy.self) { input, call in
            let page = try await iam.listEntitiesForPolicy(
                call.caller, policyARN: input.policyArn, filter: input.entityFilter, pathPrefix: input.pathPrefix, marker: input.marker,
                maxItems: input.maxItems)
            var groups: [IAM.PolicyGroup] = []
            var users: [IAM.PolicyUser] = []
            var roles: [IAM.PolicyRole] = []
            for entity in page.items {
                switch entity {
                case .group(let name, let id): groups.append(IAM.PolicyGroup(groupName: name, groupId: id))
                case .user(let name, let id): users.append(IAM.PolicyUser(userName: name, userId: id))
                case .role(let name, let id): roles.append(IAM.PolicyRole(roleName: name, roleId: id))
                }
            }
            return .init(
                policyGroups: groups, policyUsers: users, policyRoles: roles, isTruncated: page.isTruncated,
                marker: page.isTruncated ? page.marker : nil)
        }
        handlers.on(IAM.Operations.TagPolicy.self) { input, call in
            try await iam.tag(call.caller, .policy(arn: input.policyArn), action: "iam:TagPolicy", tags: tags(input.tags))
            return .init()
        }
        handlers.on(IAM.Operations.UntagPolicy.self) { input, call in
            try await iam.untag(call.caller, .policy(arn: input.policyArn), action: "iam:UntagPolicy", keys: input.tagKeys)
            return .init()
        }
        handlers.on(IAM.Operations.ListPolicyTags.self) { input, call in
            let page = try await iam.listTags(
                call.caller, .policy(arn: input.policyArn), action: "iam:ListPolicyTags", marker: input.marker, maxItems: input.maxItems)
            return .init(tags: tags(page.items), isTruncated: page.isTruncated, marker: page.isTruncated ? page.marker : nil)
        }
    }
}
