import Foundation

/// A role's trust policy (`AssumeRolePolicyDocument`): which principals may assume the role, with
/// which actions, under which conditions. Parsed with IAM's rules for resource-based policies:
/// every statement names a `Principal` (or `NotPrincipal`) and none names a `Resource`.
public struct TrustPolicy: Sendable {
    public struct Statement: Sendable {
        public var effect: PolicyDocument.Effect
        public var actions: PolicyDocument.PatternSet
        /// Principal type (`AWS`, `Service`, `Federated`) → values; `*` alone is `["*": ["*"]]`.
        public var principals: [String: [String]]
        public var notPrincipal: Bool
        public var conditions: [Condition]
    }

    public var statements: [Statement]

    static let principalTypes: Set<String> = ["AWS", "Service", "Federated", "CanonicalUser"]

    public static func parse(_ text: String) throws(SesameError) -> TrustPolicy {
        // The envelope (size, characters, Version, Statement list, Sids) follows the identity
        // policy rules; only the statements differ.
        let (_, root) = try PolicyDocument.envelope(text)
        var statements: [Statement] = []
        for raw in root {
            guard case .object(let fields) = raw else { throw PolicyDocument.malformed("Syntax errors in policy.") }
            let known: Set<String> = ["Sid", "Effect", "Action", "NotAction", "Principal", "NotPrincipal", "Condition"]
            if fields["Resource"] != nil || fields["NotResource"] != nil {
                throw PolicyDocument.malformed("Has prohibited field \(fields["Resource"] != nil ? "Resource" : "NotResource")")
            }
            for key in fields.keys where !known.contains(key) {
                throw PolicyDocument.malformed("Syntax errors in policy. Unknown field \(key).")
            }
            guard case .string(let effectText)? = fields["Effect"] else {
                throw PolicyDocument.malformed("Policy statement must contain an effect.")
            }
            guard let effect = PolicyDocument.Effect(rawValue: effectText) else {
                throw PolicyDocument.malformed("Invalid effect: \(effectText)")
            }
            guard let actionValue = fields["Action"] ?? fields["NotAction"] else {
                throw PolicyDocument.malformed("Policy statement must contain actions.")
            }
            let actions = try PolicyDocument.stringList(actionValue, element: "actions")
            for action in actions where action != "*" && !action.lowercased().hasPrefix("sts:") {
                throw PolicyDocument.malformed("AssumeRole policy may only specify STS AssumeRole actions.")
            }
            guard let principalValue = fields["Principal"] ?? fields["NotPrincipal"] else {
                throw PolicyDocument.malformed("Missing required field Principal")
            }
            statements.append(
                Statement(
                    effect: effect,
                    actions: PolicyDocument.PatternSet(patterns: actions, negated: fields["NotAction"] != nil, caseInsensitive: true),
                    principals: try principals(principalValue), notPrincipal: fields["NotPrincipal"] != nil,
                    conditions: try PolicyDocument.parseConditions(fields["Condition"])))
        }
        return TrustPolicy(statements: statements)
    }

    static func principals(_ value: JSONValue) throws(SesameError) -> [String: [String]] {
        if case .string("*") = value { return ["*": ["*"]] }
        guard case .object(let types) = value, !types.isEmpty else {
            throw PolicyDocument.malformed("Invalid principal in policy")
        }
        var out: [String: [String]] = [:]
        for (type, raw) in types.sorted(by: { $0.key < $1.key }) {
            guard principalTypes.contains(type) else {
                throw PolicyDocument.malformed("Invalid principal in policy: \"\(type)\"")
            }
            let values = try PolicyDocument.stringList(raw, element: "principals")
            for principal in values where type == "AWS" && !validAWSPrincipal(principal) {
                throw PolicyDocument.malformed("Invalid principal in policy: \"AWS\":\"\(principal)\"")
            }
            out[type] = values
        }
        return out
    }

    /// `*`, a 12-digit account, or the ARN of an account root, user, role or assumed role.
    static func validAWSPrincipal(_ text: String) -> Bool {
        if text == "*" { return true }
        if text.count == 12, text.allSatisfy(\.isASCIIDigit) { return true }
        let parts = text.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
        guard parts.count == 6, parts[0] == "arn", parts[1].hasPrefix("aws"), parts[2] == "iam" || parts[2] == "sts",
            parts[4].count == 12, parts[4].allSatisfy(\.isASCIIDigit)
        else { return false }
        let resource = parts[5]
        return resource == "root" || resource.hasPrefix("user/") || resource.hasPrefix("role/") || resource.hasPrefix("assumed-role/")
    }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}

extension TrustPolicy {
    /// Who asks to assume a role: the account and every ARN the caller goes by (a user's ARN; a
    /// role session's role ARN and session ARN).
    public struct Requester: Sendable {
        public var accountID: String
        public var arns: [String]
        /// For web identity: the ARN of the IAM identity provider that issued the token.
        public var federated: String?
        /// An AWS service acting on its own (`sns.amazonaws.com` delivering to a queue).
        public var service: String?

        public init(accountID: String, arns: [String], federated: String? = nil, service: String? = nil) {
            self.accountID = accountID
            self.arns = arns
            self.federated = federated
            self.service = service
        }
    }

    public enum Decision: Sendable, Equatable {
        /// Allowed by a statement that names the requester itself (or `*`): no identity policy is
        /// needed. Allowed for the account (`123456789012` or its root ARN): the requester's own
        /// policies must also allow the action, as IAM requires within an account.
        case allowed(requesterNamed: Bool)
        case explicitDeny
        case implicitDeny
    }

    /// IAM's decision for `action` (`sts:AssumeRole`, `sts:TagSession`, …) by `requester` with
    /// the request's context (lowercased keys).
    public func evaluate(action: String, requester: Requester, context: [String: [String]]) -> Decision {
        var best: Decision = .implicitDeny
        let variables = PolicyVariables(context: context)
        for statement in statements {
            guard statement.actions.applies(to: action, variables: nil),
                statement.conditions.allSatisfy({ $0.holds(in: context, variables: variables) })
            else { continue }
            let matched = Self.match(statement.principals, requester)
            let named: Bool
            if statement.notPrincipal {
                // `NotPrincipal` applies to everyone it does not name.
                guard matched == nil else { continue }
                named = true
            } else {
                guard let byName = matched else { continue }
                named = byName
            }
            if statement.effect == .deny { return .explicitDeny }
            if case .allowed(true) = best { continue }
            best = .allowed(requesterNamed: named)
        }
        return best
    }

    /// Whether a principal block names the requester: nil if not, true if by its own ARN or `*`,
    /// false if only through its account.
    static func match(_ principals: [String: [String]], _ requester: Requester) -> Bool? {
        if principals["*"] != nil { return true }
        if let service = requester.service {
            if (principals["Service"] ?? []).contains(service) { return true }
            return (principals["AWS"] ?? []).contains("*") ? true : nil
        }
        if let federated = requester.federated {
            return (principals["Federated"] ?? []).contains(federated) ? true : nil
        }
        var viaAccount = false
        for value in principals["AWS"] ?? [] {
            if value == "*" || requester.arns.contains(value) { return true }
            if value == requester.accountID || value == ARN.root(account: requester.accountID) { viaAccount = true }
        }
        return viaAccount ? false : nil
    }
}
