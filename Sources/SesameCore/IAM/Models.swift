public import Foundation

/// The AWS account a Sesame installation serves. There is one per store.
public struct Account: Sendable, Equatable {
    public var id: String
    public var rootEmail: String
    public var createdAt: Date

    public init(id: String, rootEmail: String, createdAt: Date) {
        self.id = id
        self.rootEmail = rootEmail
        self.createdAt = createdAt
    }

    public var rootARN: String { ARN.root(account: id) }
}

public struct Tag: Sendable, Equatable, Hashable, Codable {
    public var key: String
    public var value: String
    public init(key: String, value: String) {
        self.key = key
        self.value = value
    }
}

/// An IAM user.
public struct IAMUser: Sendable, Equatable {
    public var id: String
    public var accountID: String
    public var name: String
    public var path: String
    public var createdAt: Date
    public var passwordLastUsed: Date?
    public var tags: [Tag]
    /// The managed policy ARN that bounds the user's permissions, if any.
    public var permissionsBoundary: String?

    public init(
        id: String, accountID: String, name: String, path: String, createdAt: Date,
        passwordLastUsed: Date? = nil, tags: [Tag] = [], permissionsBoundary: String? = nil
    ) {
        self.permissionsBoundary = permissionsBoundary
        self.id = id
        self.accountID = accountID
        self.name = name
        self.path = path
        self.createdAt = createdAt
        self.passwordLastUsed = passwordLastUsed
        self.tags = tags
    }

    public var arn: String { ARN.user(account: accountID, path: path, name: name) }
}

public enum AccessKeyStatus: String, Sendable, Equatable {
    case active = "Active"
    case inactive = "Inactive"
}

/// An access key's metadata; its secret is held apart (encrypted at rest) and only returned at creation.
public struct AccessKey: Sendable, Equatable {
    public var id: String
    public var accountID: String
    /// The owning IAM user's ID, or nil for a root access key.
    public var userID: String?
    public var status: AccessKeyStatus
    public var createdAt: Date
    public var lastUsedAt: Date?
    public var lastUsedService: String?
    public var lastUsedRegion: String?

    public init(
        id: String, accountID: String, userID: String?, status: AccessKeyStatus, createdAt: Date,
        lastUsedAt: Date? = nil, lastUsedService: String? = nil, lastUsedRegion: String? = nil
    ) {
        self.id = id
        self.accountID = accountID
        self.userID = userID
        self.status = status
        self.createdAt = createdAt
        self.lastUsedAt = lastUsedAt
        self.lastUsedService = lastUsedService
        self.lastUsedRegion = lastUsedRegion
    }
}

/// A console password (IAM "login profile").
public struct LoginProfile: Sendable, Equatable {
    public var userID: String
    public var passwordHash: String
    public var passwordResetRequired: Bool
    public var createdAt: Date

    public init(userID: String, passwordHash: String, passwordResetRequired: Bool, createdAt: Date) {
        self.userID = userID
        self.passwordHash = passwordHash
        self.passwordResetRequired = passwordResetRequired
        self.createdAt = createdAt
    }
}

/// An inline policy embedded in a user.
public struct InlinePolicy: Sendable, Equatable {
    public var name: String
    public var document: String
    public init(name: String, document: String) {
        self.name = name
        self.document = document
    }
}

/// Who is making a request.
public enum Principal: Sendable, Equatable {
    case root(accountID: String)
    case user(IAMUser)
    /// A role session from STS AssumeRole.
    case assumedRole(RoleSession)
    /// A federated user from STS GetFederationToken: `name` in `accountID`.
    case federatedUser(accountID: String, name: String)
    /// A caller of an operation AWS serves without a signature (AssumeRoleWithWebIdentity);
    /// no policy allows it anything.
    case anonymous

    public var accountID: String {
        switch self {
        case .root(let id): id
        case .user(let user): user.accountID
        case .assumedRole(let session): session.role.accountID
        case .federatedUser(let account, _): account
        case .anonymous: ""
        }
    }

    /// The ARN STS reports and refusals name: a role session's is its `assumed-role` ARN.
    public var arn: String {
        switch self {
        case .root(let id): ARN.root(account: id)
        case .user(let user): user.arn
        case .assumedRole(let session): session.arn
        case .federatedUser(let account, let name): "arn:\(Partition.current):sts::\(account):federated-user/\(name)"
        case .anonymous: "anonymous"
        }
    }

    /// Every ARN a resource policy may name this principal by: its own, and for a role session
    /// also the role's.
    public var arns: [String] {
        if case .assumedRole(let session) = self { return [arn, session.role.arn] }
        return [arn]
    }

    /// The ARN policies see as `aws:PrincipalArn`: for a role session, the role's own ARN.
    public var principalARN: String {
        switch self {
        case .assumedRole(let session): session.role.arn
        default: arn
        }
    }

    /// The `UserId` STS reports: the account ID for root, the user's unique ID, or
    /// `ROLEID:SESSION` for a role session.
    public var userID: String {
        switch self {
        case .root(let id): id
        case .user(let user): user.id
        case .assumedRole(let session): session.assumedRoleID
        case .federatedUser(let account, let name): "\(account):\(name)"
        case .anonymous: "anonymous"
        }
    }

    public var isRoot: Bool {
        if case .root = self { return true }
        return false
    }
}
