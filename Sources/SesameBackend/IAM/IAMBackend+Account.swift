public import Foundation
public import SesameCore
import SesameStorage

/// Account-wide IAM settings: the password policy, the account alias, ChangePassword, and the
/// credential report. They live in the store's settings.
extension IAMBackend {
    static let passwordPolicyKey = "iam.password_policy"
    static let aliasKey = "iam.account_alias"
    static let credentialReportKey = "iam.credential_report"

    static func passwordPolicy(in session: any StoreSession) async throws -> PasswordPolicy? {
        guard let text = try await session.setting(passwordPolicyKey), !text.isEmpty else { return nil }
        return try JSONDecoder().decode(PasswordPolicy.self, from: Data(text.utf8))
    }

    /// Checks a new console password against the account's policy, or AWS's default rule.
    static func checkPassword(_ password: String, userName: String?, in session: any StoreSession) async throws {
        let violation =
            if let policy = try await passwordPolicy(in: session) {
                policy.violation(of: password)
            } else {
                PasswordPolicy.defaultViolation(of: password, userName: userName)
            }
        if let violation { throw SesameError(.passwordPolicyViolation, violation) }
    }

    public func getPasswordPolicy(_ caller: Caller) async throws -> PasswordPolicy {
        try Authorizer.authorize(caller, action: "iam:GetAccountPasswordPolicy", resource: "*")
        return try await store.read { session in
            guard let policy = try await Self.passwordPolicy(in: session) else {
                throw SesameError(.noSuchEntity, "The Password Policy with domain name \(caller.accountID) cannot be found.")
            }
            return policy
        }
    }

    public func updatePasswordPolicy(_ caller: Caller, _ policy: PasswordPolicy) async throws {
        try Authorizer.authorize(caller, action: "iam:UpdateAccountPasswordPolicy", resource: "*")
        let text = String(decoding: try JSONEncoder().encode(policy), as: UTF8.self)
        try await write { session in try await session.putSetting(Self.passwordPolicyKey, text) }
    }

    public func deletePasswordPolicy(_ caller: Caller) async throws {
        try Authorizer.authorize(caller, action: "iam:DeleteAccountPasswordPolicy", resource: "*")
        try await write { session in
            guard try await Self.passwordPolicy(in: session) != nil else {
                throw SesameError(.noSuchEntity, "The account policy with name PasswordPolicy cannot be found.")
            }
            try await session.putSetting(Self.passwordPolicyKey, "")
        }
    }

    /// `ChangePassword`: an IAM user changes its own console password. It needs the old one, and
    /// either the policy's `AllowUsersToChangePassword` or the `iam:ChangePassword` permission.
    public func changePassword(_ caller: Caller, oldPassword: String, newPassword: String) async throws {
        guard case .user(let user) = caller.principal else {
            throw SesameError(.invalidUserType, "Only IAM users can change their own password with ChangePassword.")
        }
        let (profile, policy) = try await store.read { session in
            (try await session.loginProfile(userID: user.id), try await Self.passwordPolicy(in: session))
        }
        if policy?.allowUsersToChangePassword != true {
            try Authorizer.authorize(caller, action: "iam:ChangePassword", resource: user.arn)
        }
        guard let profile else { throw Self.noSuchLoginProfile(user.name) }
        guard await PasswordHashing.verify(oldPassword, hash: profile.passwordHash) else {
            throw SesameError(.accessDenied, "The old password is incorrect.")
        }
        let hash = await hashPassword(newPassword)
        try await write { session in
            try await Self.checkPassword(newPassword, userName: user.name, in: session)
            guard var current = try await session.loginProfile(userID: user.id) else { throw Self.noSuchLoginProfile(user.name) }
            current.passwordHash = hash
            current.passwordResetRequired = false
            try await session.putLoginProfile(current)
        }
    }

    // MARK: Account alias (one per account, as in IAM)

    public func accountAlias(_ caller: Caller) async throws -> String? {
        try Authorizer.authorize(caller, action: "iam:ListAccountAliases", resource: "*")
        return try await store.read { session in try await session.setting(Self.aliasKey).flatMap { $0.isEmpty ? nil : $0 } }
    }

    /// The alias shown on the console's sign-in page; no authorization (it is public in AWS too).
    public func publicAccountAlias() async throws -> String? {
        try await store.read { session in try await session.setting(Self.aliasKey).flatMap { $0.isEmpty ? nil : $0 } }
    }

    public func createAccountAlias(_ caller: Caller, _ alias: String) async throws {
        try Authorizer.authorize(caller, action: "iam:CreateAccountAlias", resource: "*")
        try await write { session in
            if try await session.setting(Self.aliasKey) == alias {
                throw SesameError(.entityAlreadyExists, "The account alias \(alias) already exists.")
            }
            try await session.putSetting(Self.aliasKey, alias)
        }
    }

    public func deleteAccountAlias(_ caller: Caller, _ alias: String) async throws {
        try Authorizer.authorize(caller, action: "iam:DeleteAccountAlias", resource: "*")
        try await write { session in
            guard try await session.setting(Self.aliasKey) == alias else {
                throw SesameError(.noSuchEntity, "The account alias \(alias) cannot be found.")
            }
            try await session.putSetting(Self.aliasKey, "")
        }
    }
}
