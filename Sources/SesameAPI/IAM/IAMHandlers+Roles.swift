import Foundation
import SesameAWSModels
import SesameAWSProtocol
import SesameBackend
import SesameCore

extension IAMHandlers {
    /// Lists show less than GetRole, as in IAM: no tags, boundary or last use.
    static func role(_ role: IAMRole, tags roleTags: [Tag]? = nil, detailed: Bool = true) -> IAM.Role {
        IAM.Role(
            path: role.path, roleName: role.name, roleId: role.id, arn: role.arn, createDate: role.createdAt,
            assumeRolePolicyDocument: URIEncoding.encode(role.trustPolicy), description: role.description,
            maxSessionDuration: role.maxSessionDuration, permissionsBoundary: detailed ? boundary(role.permissionsBoundary) : nil,
            tags: roleTags.flatMap { $0.isEmpty ? nil : tags($0) },
            roleLastUsed: detailed ? IAM.RoleLastUsed(lastUsedDate: role.lastUsedAt, region: role.lastUsedRegion) : nil)
    }

    static func addRoles(_ iam: IAMBackend, _ handlers: inout AWSHandlers) {
        handlers.on(IAM.Operations.CreateRole.self) { input, call in
            let created = try await iam.createRole(
                call.caller, name: input.roleName, path: input.path, trustPolicy: input.assumeRolePolicyDocument,
                description: input.description, maxSessionDuration: input.maxSessionDuration,
                permissionsBoundary: input.permissionsBoundary,
                tags: tags(input.tags))
            var shown = role(created.role, tags: created.tags)
            shown.roleLastUsed = nil
            return .init(role: shown)
        }
        handlers.on(IAM.Operations.GetRole.self) { input, call in
            let found = try await iam.getRole(call.caller, name: input.roleName)
            return .init(role: role(found.role, tags: found.tags))
        }
        handlers.on(IAM.Operations.ListRoles.self) { input, call in
            let page = try await iam.listRoles(call.caller, pathPrefix: input.pathPrefix, marker: input.marker, maxItems: input.maxItems)
            return .init(
                roles: page.items.map { role($0, detailed: false) }, isTruncated: page.isTruncated,
                marker: page.isTruncated ? page.marker : nil)
        }
        handlers.on(IAM.Operations.UpdateRole.self) { input, call in
            _ = try await iam.updateRole(
                call.caller, name: input.roleName, action: "iam:UpdateRole", description: input.description,
                maxSessionDuration: input.maxSessionDuration)
            return .init()
        }
        handlers.on(IAM.Operations.UpdateRoleDescription.self) { input, call in
            let updated = try await iam.updateRole(
                call.caller, name: input.roleName, action: "iam:UpdateRoleDescription", description: input.description)
            return .init(role: role(updated))
        }
        handlers.on(IAM.Operations.UpdateAssumeRolePolicy.self) { input, call in
            _ = try await iam.updateRole(
                call.caller, name: input.roleName, action: "iam:UpdateAssumeRolePolicy", trustPolicy: input.policyDocument)
            return .init()
        }
        handlers.on(IAM.Operations.DeleteRole.self) { input, call in
            try await iam.deleteRole(call.caller, name: input.roleName)
            return .init()
        }
        handlers.on(IAM.Operations.PutRolePolicy.self) { input, call in
            try await iam.putRolePolicy(call.caller, roleName: input.roleName, policyName: input.policyName, document: input.policyDocument)
            return .init()
        }
        handlers.on(IAM.Operations.GetRolePolicy.self) { input, call in
            let found = try await iam.getRolePolicy(call.caller, roleName: input.roleName, policyName: input.policyName)
            return .init(
                roleName: found.role.name, policyName: found.policy.name, policyDocument: URIEncoding.encode(found.policy.document))
        }
        handlers.on(IAM.Operations.ListRolePolicies.self) { input, call in
            let page = try await iam.listRolePolicies(call.caller, roleName: input.roleName, marker: input.marker, maxItems: input.maxItems)
            return .init(policyNames: page.items, isTruncated: page.isTruncated, marker: page.isTruncated ? page.marker : nil)
        }
        handlers.on(IAM.Operations.DeleteRolePolicy.self) { input, call in
            try await iam.deleteRolePolicy(call.caller, roleName: input.roleName, policyName: input.policyName)
            return .init()
        }
        handlers.on(IAM.Operations.AttachRolePolicy.self) { input, call in
            try await iam.attachRolePolicy(call.caller, roleName: input.roleName, policyARN: input.policyArn)
            return .init()
        }
        handlers.on(IAM.Operations.DetachRolePolicy.self) { input, call in
            try await iam.detachRolePolicy(call.caller, roleName: input.roleName, policyARN: input.policyArn)
            return .init()
        }
        handlers.on(IAM.Operations.ListAttachedRolePolicies.self) { input, call in
            let page = try await iam.listAttachedRolePolicies(
                call.caller, roleName: input.roleName, pathPrefix: input.pathPrefix, marker: input.marker, maxItems: input.maxItems)
            return .init(
                attachedPolicies: page.items.map { IAM.AttachedPolicy(policyName: $0.name, policyArn: $0.arn) },
                isTruncated: page.isTruncated, marker: page.isTruncated ? page.marker : nil)
        }
        handlers.on(IAM.Operations.TagRole.self) { input, call in
            try await iam.tag(call.caller, .role(name: input.roleName), action: "iam:TagRole", tags: tags(input.tags))
            return .init()
        }
        handlers.on(IAM.Operations.UntagRole.self) { input, call in
            try await iam.untag(call.caller, .role(name: input.roleName), action: "iam:UntagRole", keys: input.tagKeys)
            return .init()
        }
        handlers.on(IAM.Operations.ListRoleTags.self) { input, call in
            let page = try await iam.listTags(
                call.caller, .role(name: input.roleName), action: "iam:ListRoleTags", marker: input.marker, maxItems: input.maxItems)
            return .init(tags: tags(page.items), isTruncated: page.isTruncated, marker: page.isTruncated ? page.marker : nil)
        }
        // Sesame has no EC2 instances, so no role is ever in an instance profile; Terraform reads
        // this list when it deletes a role.
        handlers.on(IAM.Operations.ListInstanceProfilesForRole.self) { input, call in
            _ = try await iam.getRole(call.caller, name: input.roleName)
            return .init(instanceProfiles: [], isTruncated: false)
        }
        handlers.on(IAM.Operations.PutUserPermissionsBoundary.self) { input, call in
            try await iam.setPermissionsBoundary(call.caller, userName: input.userName, arn: input.permissionsBoundary)
            return .init()
        }
        handlers.on(IAM.Operations.DeleteUserPermissionsBoundary.self) { input, call in
            try await iam.setPermissionsBoundary(call.caller, userName: input.userName, arn: nil)
            return .init()
        }
        handlers.on(IAM.Operations.PutRolePermissionsBoundary.self) { input, call in
            try await iam.setPermissionsBoundary(call.caller, roleName: input.roleName, arn: input.permissionsBoundary)
            return .init()
        }
        handlers.on(IAM.Operations.DeleteRolePermissionsBoundary.self) { input, call in
            try await iam.setPermissionsBoundary(call.caller, roleName: input.roleName, arn: nil)
            return .init()
        }
    }
}
