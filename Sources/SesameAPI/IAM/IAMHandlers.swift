import Foundation
import SesameAWSModels
public import SesameAWSProtocol
public import SesameBackend
import SesameCore

/// The IAM API (2010-05-08): each handler takes the generated input, calls `IAMBackend`, and
/// returns the generated output. The wire is the codecs' business.
public enum IAMHandlers {
    public static func make(_ iam: IAMBackend) -> AWSHandlers {
        var handlers = AWSHandlers(IAM.self)
        addUsers(iam, &handlers)
        addAccessKeys(iam, &handlers)
        addPolicies(iam, &handlers)
        addLoginProfiles(iam, &handlers)
        addGroups(iam, &handlers)
        addManagedPolicies(iam, &handlers)
        addRoles(iam, &handlers)
        addAccount(iam, &handlers)
        addIdentityProviders(iam, &handlers)
        return handlers
    }

    static func user(_ user: IAMUser, tags: [Tag]? = nil) -> IAM.User {
        IAM.User(
            path: user.path, userName: user.name, userId: user.id, arn: user.arn, createDate: user.createdAt,
            passwordLastUsed: user.passwordLastUsed, permissionsBoundary: boundary(user.permissionsBoundary),
            tags: tags.flatMap { $0.isEmpty ? nil : self.tags($0) })
    }

    static func boundary(_ arn: String?) -> IAM.AttachedPermissionsBoundary? {
        arn.map { IAM.AttachedPermissionsBoundary(permissionsBoundaryType: "PermissionsBoundaryPolicy", permissionsBoundaryArn: $0) }
    }

    static func tags(_ tags: [Tag]) -> [IAM.Tag] { tags.map { IAM.Tag(key: $0.key, value: $0.value) } }
    static func tags(_ tags: [IAM.Tag]?) -> [Tag] { (tags ?? []).map { Tag(key: $0.key, value: $0.value) } }

    static func addUsers(_ iam: IAMBackend, _ handlers: inout AWSHandlers) {
        handlers.on(IAM.Operations.CreateUser.self) { input, call in
            let created = try await iam.createUser(call.caller, name: input.userName, path: input.path, tags: tags(input.tags))
            return .init(user: user(created, tags: created.tags))
        }
        handlers.on(IAM.Operations.GetUser.self) { input, call in
            let found = try await iam.getUser(call.caller, name: input.userName)
            switch found.principal {
            case .root(let account):
                // The root user has no name or path.
                return .init(user: IAM.User(userId: account, arn: ARN.root(account: account), createDate: found.createdAt))
            case .user(let found2):
                return .init(user: user(found2, tags: found.tags))
            case .assumedRole, .federatedUser, .anonymous:
                // `getUser` answers for users and root only (a role session must name a user).
                throw AWSError.validationError("Must specify userName when calling with non-User credentials")
            }
        }
        handlers.on(IAM.Operations.ListUsers.self) { input, call in
            let page = try await iam.listUsers(call.caller, pathPrefix: input.pathPrefix, marker: input.marker, maxItems: input.maxItems)
            return .init(users: page.items.map { user($0) }, isTruncated: page.isTruncated, marker: page.isTruncated ? page.marker : nil)
        }
        handlers.on(IAM.Operations.UpdateUser.self) { input, call in
            try await iam.updateUser(call.caller, name: input.userName, newName: input.newUserName, newPath: input.newPath)
            return .init()
        }
        handlers.on(IAM.Operations.DeleteUser.self) { input, call in
            try await iam.deleteUser(call.caller, name: input.userName)
            return .init()
        }
        handlers.on(IAM.Operations.TagUser.self) { input, call in
            try await iam.tagUser(call.caller, name: input.userName, tags: tags(input.tags))
            return .init()
        }
        handlers.on(IAM.Operations.UntagUser.self) { input, call in
            try await iam.untagUser(call.caller, name: input.userName, keys: input.tagKeys)
            return .init()
        }
        handlers.on(IAM.Operations.ListUserTags.self) { input, call in
            let page = try await iam.listUserTags(call.caller, name: input.userName, marker: input.marker, maxItems: input.maxItems)
            return .init(tags: tags(page.items), isTruncated: page.isTruncated, marker: page.isTruncated ? page.marker : nil)
        }
        handlers.on(IAM.Operations.GetAccountSummary.self) { _, call in
            let summary = try await iam.accountSummary(call.caller)
            return .init(summaryMap: Dictionary(summary.map { ($0.0, $0.1) }, uniquingKeysWith: { first, _ in first }))
        }
    }

    static func addLoginProfiles(_ iam: IAMBackend, _ handlers: inout AWSHandlers) {
        handlers.on(IAM.Operations.CreateLoginProfile.self) { input, call in
            let profile = try await iam.createLoginProfile(
                call.caller, userName: input.userName, password: try AWSCall.required(input.password, "password"),
                resetRequired: input.passwordResetRequired ?? false)
            let userName = input.userName ?? call.caller.principal.arn.split(separator: "/").last.map(String.init) ?? ""
            return .init(
                loginProfile: IAM.LoginProfile(
                    userName: userName, createDate: profile.createdAt, passwordResetRequired: profile.passwordResetRequired))
        }
        handlers.on(IAM.Operations.GetLoginProfile.self) { input, call in
            let found = try await iam.getLoginProfile(call.caller, userName: input.userName)
            return .init(
                loginProfile: IAM.LoginProfile(
                    userName: found.userName, createDate: found.profile.createdAt,
                    passwordResetRequired: found.profile.passwordResetRequired))
        }
        handlers.on(IAM.Operations.UpdateLoginProfile.self) { input, call in
            try await iam.updateLoginProfile(
                call.caller, userName: input.userName, password: input.password, resetRequired: input.passwordResetRequired)
            return .init()
        }
        handlers.on(IAM.Operations.DeleteLoginProfile.self) { input, call in
            try await iam.deleteLoginProfile(call.caller, userName: input.userName)
            return .init()
        }
    }
}
