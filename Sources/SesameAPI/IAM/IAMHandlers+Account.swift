import Foundation
import SesameAWSModels
import SesameAWSProtocol
import SesameBackend
import SesameCore

extension IAMHandlers {
    static func attached(_ references: [PolicyReference]) -> [IAM.AttachedPolicy] {
        references.map { IAM.AttachedPolicy(policyName: $0.name, policyArn: $0.arn) }
    }

    static func details(_ policies: [InlinePolicy]) -> [IAM.PolicyDetail] {
        policies.map { IAM.PolicyDetail(policyName: $0.name, policyDocument: URIEncoding.encode($0.document)) }
    }

    static func addAccount(_ iam: IAMBackend, _ handlers: inout AWSHandlers) {
        handlers.on(IAM.Operations.GetAccountPasswordPolicy.self) { _, call in
            let policy = try await iam.getPasswordPolicy(call.caller)
            return .init(
                passwordPolicy: IAM.PasswordPolicy(
                    minimumPasswordLength: policy.minimumPasswordLength, requireSymbols: policy.requireSymbols,
                    requireNumbers: policy.requireNumbers, requireUppercaseCharacters: policy.requireUppercaseCharacters,
                    requireLowercaseCharacters: policy.requireLowercaseCharacters,
                    allowUsersToChangePassword: policy.allowUsersToChangePassword,
                    expirePasswords: policy.expirePasswords, maxPasswordAge: policy.maxPasswordAge,
                    passwordReusePrevention: policy.passwordReusePrevention, hardExpiry: policy.expirePasswords ? policy.hardExpiry : nil))
        }
        handlers.on(IAM.Operations.UpdateAccountPasswordPolicy.self) { input, call in
            try await iam.updatePasswordPolicy(
                call.caller,
                PasswordPolicy(
                    minimumPasswordLength: input.minimumPasswordLength, requireSymbols: input.requireSymbols,
                    requireNumbers: input.requireNumbers, requireUppercaseCharacters: input.requireUppercaseCharacters,
                    requireLowercaseCharacters: input.requireLowercaseCharacters,
                    allowUsersToChangePassword: input.allowUsersToChangePassword,
                    maxPasswordAge: input.maxPasswordAge, passwordReusePrevention: input.passwordReusePrevention,
                    hardExpiry: input.hardExpiry))
            return .init()
        }
        handlers.on(IAM.Operations.DeleteAccountPasswordPolicy.self) { _, call in
            try await iam.deletePasswordPolicy(call.caller)
            return .init()
        }
        handlers.on(IAM.Operations.ChangePassword.self) { input, call in
            try await iam.changePassword(call.caller, oldPassword: input.oldPassword, newPassword: input.newPassword)
            return .init()
        }
        handlers.on(IAM.Operations.CreateAccountAlias.self) { input, call in
            try await iam.createAccountAlias(call.caller, input.accountAlias)
            return .init()
        }
        handlers.on(IAM.Operations.DeleteAccountAlias.self) { input, call in
            try await iam.deleteAccountAlias(call.caller, input.accountAlias)
            return .init()
        }
        handlers.on(IAM.Operations.ListAccountAliases.self) { _, call in
            .init(accountAliases: (try await iam.accountAlias(call.caller)).map { [$0] } ?? [], isTruncated: false)
        }
        handlers.on(IAM.Operations.GenerateCredentialReport.self) { _, call in
            let result = try await iam.generateCredentialReport(call.caller)
            return .init(state: result.state, description: result.description.isEmpty ? nil : result.description)
        }
        handlers.on(IAM.Operations.GetCredentialReport.self) { _, call in
            let report = try await iam.credentialReport(call.caller)
            return .init(content: AWSBlob(Array(report.csv.utf8)), reportFormat: "text/csv", generatedTime: report.generatedAt)
        }
        handlers.on(IAM.Operations.GetAccountAuthorizationDetails.self) { input, call in
            let found = try await iam.authorizationDetails(call.caller, filter: input.filter ?? [])
            return .init(
                userDetailList: found.users.map { detail in
                    IAM.UserDetail(
                        path: detail.user.path, userName: detail.user.name, userId: detail.user.id, arn: detail.user.arn,
                        createDate: detail.user.createdAt, userPolicyList: details(detail.inline), groupList: detail.groups,
                        attachedManagedPolicies: attached(detail.attached), permissionsBoundary: boundary(detail.user.permissionsBoundary),
                        tags: tags(detail.tags))
                },
                groupDetailList: found.groups.map { detail in
                    IAM.GroupDetail(
                        path: detail.group.path, groupName: detail.group.name, groupId: detail.group.id, arn: detail.group.arn,
                        createDate: detail.group.createdAt, groupPolicyList: details(detail.inline),
                        attachedManagedPolicies: attached(detail.attached))
                },
                roleDetailList: found.roles.map { detail in
                    IAM.RoleDetail(
                        path: detail.role.path, roleName: detail.role.name, roleId: detail.role.id, arn: detail.role.arn,
                        createDate: detail.role.createdAt, assumeRolePolicyDocument: URIEncoding.encode(detail.role.trustPolicy),
                        instanceProfileList: [], rolePolicyList: details(detail.inline), attachedManagedPolicies: attached(detail.attached),
                        permissionsBoundary: boundary(detail.role.permissionsBoundary), tags: tags(detail.tags),
                        roleLastUsed: IAM.RoleLastUsed(lastUsedDate: detail.role.lastUsedAt, region: detail.role.lastUsedRegion))
                },
                policies: found.policies.map { detail in
                    let policy = detail.info.policy
                    return IAM.ManagedPolicyDetail(
                        policyName: policy.name, policyId: policy.id, arn: policy.arn, path: policy.path,
                        defaultVersionId: policy.defaultVersionID, attachmentCount: detail.info.attachmentCount,
                        permissionsBoundaryUsageCount: detail.info.boundaryUsageCount, isAttachable: true,
                        description: policy.description.isEmpty ? nil : policy.description, createDate: policy.createdAt,
                        updateDate: policy.updatedAt,
                        policyVersionList: detail.versions.map {
                            version($0, isDefault: $0.number == policy.defaultVersion, withDocument: true)
                        })
                },
                isTruncated: false)
        }
    }
}
