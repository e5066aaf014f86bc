public import Foundation

/// An IAM group: users who share its policies.
public struct IAMGroup: Sendable, Equatable {
    public var id: String
    public var accountID: String
    public var name: String
    public var path: String
    public var createdAt: Date

    public init(id: String, accountID: String, name: String, path: String, createdAt: Date) {
        self.id = id
        self.accountID = accountID
        self.name = name
        self.path = path
        self.createdAt = createdAt
    }

    public var arn: String { ARN.group(account: accountID, path: path, name: name) }
}

extension ARN {
    public static func group(account: String, path: String, name: String) -> String {
        "arn:\(Partition.current):iam::\(account):group\(path)\(name)"
    }
    /// The resource ARN IAM names for account-wide group actions such as `iam:ListGroups`.
    public static func groupPrefix(account: String) -> String { "arn:\(Partition.current):iam::\(account):group/" }
}
