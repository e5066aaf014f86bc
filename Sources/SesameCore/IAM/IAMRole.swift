public import Foundation

/// An IAM role: an identity without long-term credentials, assumed through STS by the principals
/// its trust policy names.
public struct IAMRole: Sendable, Equatable {
    public var id: String
    public var accountID: String
    public var name: String
    public var path: String
    public var description: String?
    /// The trust policy (`AssumeRolePolicyDocument`) as given.
    public var trustPolicy: String
    /// Seconds a session may last, 3,600 to 43,200.
    public var maxSessionDuration: Int
    public var permissionsBoundary: String?
    public var createdAt: Date
    public var lastUsedAt: Date?
    public var lastUsedRegion: String?

    public init(
        id: String, accountID: String, name: String, path: String, description: String?, trustPolicy: String,
        maxSessionDuration: Int, permissionsBoundary: String? = nil, createdAt: Date, lastUsedAt: Date? = nil, lastUsedRegion: String? = nil
    ) {
        self.id = id
        self.accountID = accountID
        self.name = name
        self.path = path
        self.description = description
        self.trustPolicy = trustPolicy
        self.maxSessionDuration = maxSessionDuration
        self.permissionsBoundary = permissionsBoundary
        self.createdAt = createdAt
        self.lastUsedAt = lastUsedAt
        self.lastUsedRegion = lastUsedRegion
    }

    public var arn: String { ARN.role(account: accountID, path: path, name: name) }
}

extension ARN {
    public static func role(account: String, path: String, name: String) -> String {
        "arn:\(Partition.current):iam::\(account):role\(path)\(name)"
    }
    /// The resource ARN IAM names for account-wide role actions such as `iam:ListRoles`.
    public static func rolePrefix(account: String) -> String { "arn:\(Partition.current):iam::\(account):role/" }
}
