/// IAM's input constraints, with IAM's `ValidationError` texts.
public enum IAMValidation {
    static func isNameCharacter(_ c: Unicode.Scalar) -> Bool {
        switch c {
        case "A"..."Z", "a"..."z", "0"..."9", "+", "=", ",", ".", "@", "_", "-": true
        default: false
        }
    }

    static func patternError(_ value: String, _ field: String, _ pattern: String) -> SesameError {
        SesameError(
            .validation,
            "1 validation error detected: Value '\(value)' at '\(field)' failed to satisfy constraint: Member must satisfy regular expression pattern: \(pattern)"
        )
    }

    static func lengthError(_ value: String, _ field: String, _ max: Int) -> SesameError {
        SesameError(
            .validation,
            "1 validation error detected: Value '\(value)' at '\(field)' failed to satisfy constraint: Member must have length less than or equal to \(max)"
        )
    }

    /// User names: 1–64 characters of `[\w+=,.@-]`.
    public static func userName(_ name: String, field: String = "userName") throws(SesameError) {
        try self.name(name, field: field, max: 64)
    }

    /// Group names: 1–128 characters of `[\w+=,.@-]`.
    public static func groupName(_ name: String, field: String = "groupName") throws(SesameError) {
        try self.name(name, field: field, max: 128)
    }

    /// Role names: 1–64 characters of `[\w+=,.@-]`.
    public static func roleName(_ name: String, field: String = "roleName") throws(SesameError) {
        try self.name(name, field: field, max: 64)
    }

    /// Inline policy names: 1–128 characters of `[\w+=,.@-]`.
    public static func policyName(_ name: String) throws(SesameError) {
        try self.name(name, field: "policyName", max: 128)
    }

    static func name(_ value: String, field: String, max: Int) throws(SesameError) {
        if value.isEmpty {
            throw SesameError(
                .validation,
                "1 validation error detected: Value '' at '\(field)' failed to satisfy constraint: Member must have length greater than or equal to 1"
            )
        }
        if value.unicodeScalars.count > max { throw lengthError(value, field, max) }
        if !value.unicodeScalars.allSatisfy(isNameCharacter) { throw patternError(value, field, "[\\w+=,.@-]+") }
    }

    /// Paths: `/` or `/segment/…/`, printable ASCII, at most 512 characters.
    public static func path(_ path: String, field: String = "path") throws(SesameError) {
        if path.unicodeScalars.count > 512 { throw lengthError(path, field, 512) }
        let ok =
            path == "/"
            || (path.count >= 2 && path.hasPrefix("/") && path.hasSuffix("/")
                && path.unicodeScalars.allSatisfy { $0.value >= 0x21 && $0.value <= 0x7E })
        if !ok { throw patternError(path, field, "(\\u002F)|(\\u002F[\\u0021-\\u007E]+\\u002F)") }
    }

    /// Console passwords: 1–128 characters; Sesame also asks for at least 8 (IAM's default policy).
    public static func consolePassword(_ password: String) throws(SesameError) {
        if password.count < 8 || password.count > 128 {
            throw SesameError(
                .passwordPolicyViolation, "Password should have a minimum length of 8")
        }
    }

    public static func tagKey(_ key: String) throws(SesameError) {
        if key.isEmpty || key.count > 128 || key.lowercased().hasPrefix("aws:") {
            throw SesameError(
                .validation,
                "1 validation error detected: Value '\(key)' at 'tags.member.key' failed to satisfy constraint: Member must have length less than or equal to 128 and not start with aws:"
            )
        }
    }

    public static func maxItems(_ value: Int?) throws(SesameError) -> Int {
        guard let value else { return 100 }
        if value < 1 || value > 1000 {
            throw SesameError(
                .validation,
                "1 validation error detected: Value '\(value)' at 'maxItems' failed to satisfy constraint: Member must have value between 1 and 1000"
            )
        }
        return value
    }
}
