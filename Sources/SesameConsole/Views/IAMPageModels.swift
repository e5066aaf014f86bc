/// View models of the console's group, role, managed-policy and password pages.
struct NamedRow: Sendable {
    var name: String
    var pathName: String
    var arn: String
    var created: String
}

struct EntityListModel: Sendable {
    var rows: [NamedRow]
    var notice: String?
    var error: String?
    /// What the create form had, when it is shown again with an error.
    var draftName: String = ""
    var draftDocument: String = ""
}

struct AttachedRow: Sendable {
    var name: String
    var arn: String
}

struct GroupModel: Sendable {
    var name: String
    var pathName: String
    var arn: String
    var created: String
    var members: [String]
    var inline: [String]
    var attached: [AttachedRow]
    var attachable: [AttachedRow]
    var notice: String?
    var error: String?
}

struct RoleModel: Sendable {
    var name: String
    var pathName: String
    var arn: String
    var created: String
    var description: String
    var maxSessionHours: String
    var trustPolicy: String
    var inline: [String]
    var attached: [AttachedRow]
    var attachable: [AttachedRow]
    var notice: String?
    var error: String?
}

struct PolicyVersionRow: Sendable {
    var id: String
    var isDefault: Bool
    var created: String
}

struct PolicyModel: Sendable {
    var name: String
    var arn: String
    var pathARN: String
    var description: String
    var document: String
    var versions: [PolicyVersionRow]
    var users: [String]
    var groups: [String]
    var roles: [String]
    var awsManaged: Bool
    var notice: String?
    var error: String?
}

struct ConfirmDeleteModel: Sendable {
    var kind: String
    var name: String
    var action: String
    var back: String
    var blockers: [String]
    var nothing: Bool
}

struct ChangePasswordModel: Sendable {
    var required: Bool
    var isRoot: Bool
    var notice: String?
    var error: String?
}

struct PasswordPolicyModel: Sendable {
    var exists: Bool
    var minimumLength: String
    var requireUppercase: Bool
    var requireLowercase: Bool
    var requireNumbers: Bool
    var requireSymbols: Bool
    var allowUsersToChange: Bool
    var maxAge: String
    var notice: String?
    var error: String?
}
