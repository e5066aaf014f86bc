/// The account's password policy for IAM users' console passwords. When none is set, AWS's
/// default applies: at least 8 characters with at least three of uppercase letters, lowercase
/// letters, numbers and symbols, and not the user's own name.
public struct PasswordPolicy: Sendable, Equatable, Codable {
    public var minimumPasswordLength: Int
    public var requireSymbols: Bool
    public var requireNumbers: Bool
    public var requireUppercaseCharacters: Bool
    public var requireLowercaseCharacters: Bool
    public var allowUsersToChangePassword: Bool
    /// Days a password lasts; nil when passwords do not expire.
    public var maxPasswordAge: Int?
    public var passwordReusePrevention: Int?
    public var hardExpiry: Bool

    /// The values `UpdateAccountPasswordPolicy` gives to what a request leaves out (IAM replaces
    /// the whole policy).
    public init(
        minimumPasswordLength: Int? = nil, requireSymbols: Bool? = nil, requireNumbers: Bool? = nil,
        requireUppercaseCharacters: Bool? = nil, requireLowercaseCharacters: Bool? = nil, allowUsersToChangePassword: Bool? = nil,
        maxPasswordAge: Int? = nil, passwordReusePrevention: Int? = nil, hardExpiry: Bool? = nil
    ) {
        self.minimumPasswordLength = minimumPasswordLength ?? 6
        self.requireSymbols = requireSymbols ?? false
        self.requireNumbers = requireNumbers ?? false
        self.requireUppercaseCharacters = requireUppercaseCharacters ?? false
        self.requireLowercaseCharacters = requireLowercaseCharacters ?? false
        self.allowUsersToChangePassword = allowUsersToChangePassword ?? false
        self.maxPasswordAge = maxPasswordAge.flatMap { $0 > 0 ? $0 : nil }
        self.passwordReusePrevention = passwordReusePrevention
        self.hardExpiry = hardExpiry ?? false
    }

    public var expirePasswords: Bool { maxPasswordAge != nil }

    static func isSymbol(_ c: Unicode.Scalar) -> Bool { "!@#$%^&*()_+-=[]{}|'".unicodeScalars.contains(c) }

    /// Why `password` does not meet this policy, in IAM's words; nil when it does.
    public func violation(of password: String) -> String? {
        let scalars = password.unicodeScalars
        if scalars.count < minimumPasswordLength { return "Password should have a minimum length of \(minimumPasswordLength)" }
        if scalars.count > 128 { return "Password should have a maximum length of 128" }
        if requireUppercaseCharacters && !scalars.contains(where: { $0 >= "A" && $0 <= "Z" }) {
            return "Password should have at least one uppercase letter"
        }
        if requireLowercaseCharacters && !scalars.contains(where: { $0 >= "a" && $0 <= "z" }) {
            return "Password should have at least one lowercase letter"
        }
        if requireNumbers && !scalars.contains(where: { $0 >= "0" && $0 <= "9" }) { return "Password should have at least one number" }
        if requireSymbols && !scalars.contains(where: Self.isSymbol) { return "Password should have at least one symbol" }
        return nil
    }

    /// AWS's default rule, used when the account has no policy.
    public static func defaultViolation(of password: String, userName: String?) -> String? {
        let scalars = password.unicodeScalars
        if scalars.count < 8 { return "Password should have a minimum length of 8" }
        if scalars.count > 128 { return "Password should have a maximum length of 128" }
        let kinds = [
            scalars.contains { $0 >= "A" && $0 <= "Z" }, scalars.contains { $0 >= "a" && $0 <= "z" },
            scalars.contains { $0 >= "0" && $0 <= "9" }, scalars.contains { !($0.properties.isAlphabetic || ($0 >= "0" && $0 <= "9")) },
        ].filter { $0 }.count
        if kinds < 3 {
            return
                "Password does not conform to the account password policy: it needs at least three of uppercase letters, lowercase letters, numbers and symbols"
        }
        if let userName, password.lowercased() == userName.lowercased() {
            return "Password does not conform to the account password policy: it must not be the user name"
        }
        return nil
    }
}
