public import Foundation

/// A role session: a role as one caller assumed it through STS, under a session name.
public struct RoleSession: Sendable, Equatable {
    public var role: IAMRole
    public var sessionName: String

    public init(role: IAMRole, sessionName: String) {
        self.role = role
        self.sessionName = sessionName
    }

    /// `arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION` (the role's path is not part of it).
    public var arn: String { "arn:\(Partition.current):sts::\(role.accountID):assumed-role/\(role.name)/\(sessionName)" }
    /// `AROA…:SESSION`, STS's `AssumedRoleId` and the session's `aws:userid`.
    public var assumedRoleID: String { "\(role.id):\(sessionName)" }
}

/// A temporary credential STS issued: an `ASIA…` key that works only with its session token
/// and only until it expires, for a role session (AssumeRole) or for an IAM user
/// (GetSessionToken). Its secret and token are kept apart (the secret sealed, the token hashed).
public struct TemporaryCredential: Sendable, Equatable {
    public enum Holder: Sendable, Equatable {
        case role(roleID: String, sessionName: String)
        case user(userID: String)
        /// GetSessionToken called with the root user's key.
        case root
        /// GetFederationToken: a federated user `name`, with the permissions of the IAM user
        /// (`userID`, or the root user when nil) that asked, capped by the session policies.
        case federated(userID: String?, name: String)
    }

    public var accessKeyID: String
    public var accountID: String
    public var holder: Holder
    /// The inline session policy given to AssumeRole, as given.
    public var sessionPolicy: String?
    /// Managed policies given to AssumeRole as session policies.
    public var policyARNs: [String]
    /// Session tags (`aws:PrincipalTag/…` in policies).
    public var tags: [Tag]
    /// The long-term key the session was requested with.
    public var sourceAccessKeyID: String?
    public var createdAt: Date
    public var expiresAt: Date

    public init(
        accessKeyID: String, accountID: String, holder: Holder, sessionPolicy: String? = nil, policyARNs: [String] = [], tags: [Tag] = [],
        sourceAccessKeyID: String?, createdAt: Date, expiresAt: Date
    ) {
        self.accessKeyID = accessKeyID
        self.accountID = accountID
        self.holder = holder
        self.sessionPolicy = sessionPolicy
        self.policyARNs = policyARNs
        self.tags = tags
        self.sourceAccessKeyID = sourceAccessKeyID
        self.createdAt = createdAt
        self.expiresAt = expiresAt
    }

    /// Temporary keys start `ASIA`, as AWS's do.
    public static func isTemporary(_ accessKeyID: String) -> Bool { accessKeyID.hasPrefix("ASIA") }
}
