public import Foundation

/// One action of a receipt rule, as SES v1 defines them. Lambda, WorkMail and Amazon Connect do
/// not exist in Sesame and are refused when a rule is created, so they have no case here.
public enum ReceiptAction: Codable, Sendable, Equatable {
    case s3(bucket: String, keyPrefix: String?, topicARN: String?, kmsKeyARN: String?, iamRoleARN: String?)
    case bounce(smtpReplyCode: String, statusCode: String?, message: String, sender: String, topicARN: String?)
    /// `encoding` is `UTF-8` or `Base64`.
    case sns(topicARN: String, encoding: String)
    case addHeader(name: String, value: String)
    case stop(scope: String, topicARN: String?)

    /// The SNS topic the action notifies, if any.
    public var topicARN: String? {
        switch self {
        case .s3(_, _, let topic, _, _), .bounce(_, _, _, _, let topic), .stop(_, let topic): topic
        case .sns(let topic, _): topic
        case .addHeader: nil
        }
    }
}

/// A receipt rule: which recipients it takes and what is done with their mail, in order.
public struct ReceiptRule: Codable, Sendable, Equatable {
    public var name: String
    public var enabled: Bool
    /// `Optional` or `Require` (mail that did not arrive over TLS is bounced).
    public var tlsPolicy: String
    /// Addresses (`user@example.com`), domains (`example.com`) and subdomain wildcards
    /// (`.example.com`); none means every recipient in the account's verified domains.
    public var recipients: [String]
    public var actions: [ReceiptAction]
    public var scanEnabled: Bool

    public init(
        name: String, enabled: Bool = false, tlsPolicy: String = "Optional", recipients: [String] = [], actions: [ReceiptAction] = [],
        scanEnabled: Bool = false
    ) {
        self.name = name
        self.enabled = enabled
        self.tlsPolicy = tlsPolicy
        self.recipients = recipients.sorted()
        self.actions = actions
        self.scanEnabled = scanEnabled
    }

    /// Whether the rule takes mail for `recipient`, as SES matches: an address exactly, a
    /// domain's addresses (not its subdomains'), or with a leading dot every subdomain's.
    public func matches(_ recipient: String) -> Bool {
        guard !recipients.isEmpty else { return true }
        let address = recipient.lowercased()
        guard let at = address.lastIndex(of: "@") else { return false }
        let domain = String(address[address.index(after: at)...])
        return recipients.contains { entry in
            let entry = entry.lowercased()
            if entry.contains("@") { return entry == address }
            if entry.hasPrefix(".") { return domain.hasSuffix(entry) && domain.count > entry.count }
            return entry == domain
        }
    }

    /// SES's checks of a rule's own content (names are checked by the model's pattern).
    public func validate() throws(SesameError) {
        guard tlsPolicy == "Optional" || tlsPolicy == "Require" else {
            throw SesameError(.invalidParameterValue, "Invalid TLS policy: \(tlsPolicy)")
        }
        guard recipients.count <= 100 else {
            throw SesameError(.invalidParameterValue, "A receipt rule can have at most 100 recipients.")
        }
        for recipient in recipients where recipient.isEmpty || recipient.contains(where: \.isWhitespace) {
            throw SesameError(.invalidParameterValue, "Invalid recipient: \(recipient)")
        }
        if let stop = actions.firstIndex(where: { if case .stop = $0 { true } else { false } }), stop != actions.count - 1 {
            throw SesameError(.invalidParameterValue, "Stop action, if any, must be placed at the end of the actions list")
        }
        for action in actions {
            switch action {
            case .sns(_, let encoding) where encoding != "UTF-8" && encoding != "Base64":
                throw SesameError(.invalidParameterValue, "Invalid SNS encoding: \(encoding)")
            case .addHeader(let name, let value):
                try ReceiptPlan.validateHeader(name: name, value: value)
            case .stop(let scope, _) where scope != "RuleSet":
                throw SesameError(.invalidParameterValue, "Invalid stop scope: \(scope)")
            case .bounce(let code, _, _, _, _)
            where !(code.count == 3 && code.first.map { $0 == "4" || $0 == "5" } == true && Int(code) != nil):
                throw SesameError(.invalidParameterValue, "Invalid SMTP reply code: \(code)")
            default: break
            }
        }
    }
}

/// A receipt rule set with its rules in evaluation order.
public struct ReceiptRuleSet: Codable, Sendable, Equatable {
    public var region: String
    public var name: String
    public var createdAt: Date
    public var rules: [ReceiptRule]

    public init(region: String, name: String, createdAt: Date, rules: [ReceiptRule] = []) {
        self.region = region
        self.name = name
        self.createdAt = createdAt
        self.rules = rules
    }

    /// SES's limit of rules in one set.
    public static let maximumRules = 200

    public func index(of rule: String) -> Int? { rules.firstIndex { $0.name == rule } }

    /// Where a rule goes: first without `after`, else right behind the rule named `after`.
    public func insertionIndex(after: String?) throws(SesameError) -> Int {
        guard let after else { return 0 }
        guard let index = index(of: after) else { throw SesameError(.ruleDoesNotExist, "Rule does not exist: \(after)") }
        return index + 1
    }

    /// The enabled rules that take mail for `recipient`, in order.
    public func rules(for recipient: String) -> [ReceiptRule] {
        rules.filter { $0.enabled && $0.matches(recipient) }
    }
}

/// A receipt filter: mail from the CIDR range is always refused (`Block`) or always considered (`Allow`).
public struct ReceiptFilter: Codable, Sendable, Equatable {
    public var region: String
    public var name: String
    /// `Block` or `Allow`.
    public var policy: String
    public var cidr: String

    public init(region: String, name: String, policy: String, cidr: String) {
        self.region = region
        self.name = name
        self.policy = policy
        self.cidr = cidr
    }

    public func validate() throws(SesameError) {
        guard policy == "Block" || policy == "Allow" else { throw SesameError(.invalidParameterValue, "Invalid filter policy: \(policy)") }
        guard CIDR(cidr) != nil else { throw SesameError(.invalidParameterValue, "Invalid CIDR: \(cidr)") }
    }

    public func contains(_ address: String) -> Bool {
        guard let block = CIDR(cidr), let ip = IPAddressBytes(address) else { return false }
        return block.contains(ip)
    }

    /// SES's order: a client is refused when a Block filter covers it and no Allow filter does.
    public static func refuses(_ address: String, filters: [ReceiptFilter]) -> Bool {
        let covering = filters.filter { $0.contains(address) }
        return covering.contains { $0.policy == "Block" } && !covering.contains { $0.policy == "Allow" }
    }
}

/// Names of receipt rule sets, rules and filters: what SES's service checks beyond the model.
public enum ReceiptNames {
    public static func check(_ name: String, field: String) throws(SesameError) {
        let allowed = name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "." || $0 == "-") }
        guard !name.isEmpty, allowed else {
            throw SesameError(
                .validation,
                "1 validation error detected: Value '\(name)' at '\(field)' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[a-zA-Z0-9_.-]+$"
            )
        }
        guard name.count <= 64, name.first.map({ $0.isLetter || $0.isNumber }) == true,
            name.last.map({ $0.isLetter || $0.isNumber }) == true
        else {
            throw SesameError(
                .invalidParameterValue,
                "Invalid name \(name): a name starts and ends with a letter or number and has at most 64 characters.")
        }
    }
}
