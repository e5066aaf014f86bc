import Foundation

/// An IAM identity-based policy, parsed and checked once, ready to evaluate many times.
public struct PolicyDocument: Sendable {
    public enum Effect: String, Sendable { case allow = "Allow", deny = "Deny" }

    /// A list of patterns, or its negation (`NotAction`, `NotResource`).
    public struct PatternSet: Sendable {
        public var patterns: [String]
        public var negated: Bool
        let compiled: [Glob]
        let hasVariables: Bool
        let caseInsensitive: Bool

        init(patterns: [String], negated: Bool, caseInsensitive: Bool) {
            self.patterns = patterns
            self.negated = negated
            self.caseInsensitive = caseInsensitive
            self.compiled = patterns.map { Glob($0, caseInsensitive: caseInsensitive) }
            self.hasVariables = patterns.contains { $0.contains("${") }
        }

        /// Whether the set applies to `value`, honouring negation.
        func applies(to value: String, variables: PolicyVariables?) -> Bool {
            var matched = false
            if hasVariables, let variables {
                for pattern in patterns {
                    guard let expanded = variables.expand(pattern) else { continue }
                    if Glob(expanded, caseInsensitive: caseInsensitive).matches(value) {
                        matched = true
                        break
                    }
                }
            } else {
                matched = compiled.contains { $0.matches(value) }
            }
            return negated ? !matched : matched
        }
    }

    public struct Statement: Sendable {
        public var sid: String?
        public var effect: Effect
        public var actions: PatternSet
        public var resources: PatternSet
        public var conditions: [Condition]
    }

    public var version: String
    public var statements: [Statement]

    /// The checks every policy shares (size, characters, JSON, `Version`, a non-empty
    /// `Statement`), returning the version and the raw statements.
    static func envelope(_ text: String) throws(SesameError) -> (version: String, statements: [JSONValue]) {
        if text.unicodeScalars.count > 131_072 {
            throw SesameError(
                .validation,
                "1 validation error detected: Value at 'policyDocument' failed to satisfy constraint: Member must have length less than or equal to 131072"
            )
        }
        if text.unicodeScalars.contains(where: { !($0 == "\t" || $0 == "\n" || $0 == "\r" || ($0.value >= 0x20 && $0.value <= 0xFF)) }) {
            throw SesameError(
                .validation,
                "1 validation error detected: Value at 'policyDocument' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\u0009\\u000A\\u000D\\u0020-\\u00FF]+"
            )
        }
        let json: JSONValue
        do {
            json = try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
        } catch {
            throw malformed("Syntax errors in policy.")
        }
        guard case .object(let root) = json else { throw malformed("Syntax errors in policy.") }
        for key in root.keys where !["Version", "Id", "Statement"].contains(key) {
            throw malformed("Syntax errors in policy. Unknown field \(key).")
        }
        var version = "2008-10-17"
        if let value = root["Version"] {
            guard case .string(let v) = value, v == "2012-10-17" || v == "2008-10-17" else {
                throw malformed("The policy failed legacy parsing")
            }
            version = v
        }
        let rawStatements: [JSONValue]
        switch root["Statement"] {
        case .object?: rawStatements = [root["Statement"]!]
        case .array(let list)?: rawStatements = list
        default: throw malformed("Syntax errors in policy.")
        }
        if rawStatements.isEmpty { throw malformed("Syntax errors in policy.") }
        return (version, rawStatements)
    }

    /// Parses and validates a policy document, throwing `MalformedPolicyDocument` with the reason.
    public static func parse(_ text: String) throws(SesameError) -> PolicyDocument {
        let (version, rawStatements) = try envelope(text)
        var statements: [Statement] = []
        var sids = Set<String>()
        for raw in rawStatements {
            let statement = try parseStatement(raw)
            if let sid = statement.sid {
                if !sids.insert(sid).inserted {
                    throw malformed("Statement IDs (SID) in a single policy must be unique.")
                }
            }
            statements.append(statement)
        }
        return PolicyDocument(version: version, statements: statements)
    }

    static func malformed(_ message: String) -> SesameError { SesameError(.malformedPolicyDocument, message) }

    static func stringList(_ value: JSONValue, element: String) throws(SesameError) -> [String] {
        switch value {
        case .string(let s): return [s]
        case .array(let items):
            var out: [String] = []
            for item in items {
                guard case .string(let s) = item else { throw malformed("Syntax errors in policy.") }
                out.append(s)
            }
            if out.isEmpty { throw malformed("Policy statement must contain \(element).") }
            return out
        default: throw malformed("Syntax errors in policy.")
        }
    }

    /// A statement's `Condition` block: operator → key → one value or a list.
    static func parseConditions(_ value: JSONValue?) throws(SesameError) -> [Condition] {
        var conditions: [Condition] = []
        if let conditionValue = value {
            guard case .object(let operators) = conditionValue else { throw malformed("Syntax errors in policy.") }
            for (operatorName, body) in operators.sorted(by: { $0.key < $1.key }) {
                guard let op = Condition.Operator(parsing: operatorName) else {
                    throw malformed("Invalid Condition type : \(operatorName).")
                }
                guard case .object(let keys) = body else { throw malformed("Syntax errors in policy.") }
                for (key, valueList) in keys.sorted(by: { $0.key < $1.key }) {
                    var values: [String] = []
                    switch valueList {
                    case .array(let items):
                        for item in items {
                            guard let text = item.scalarText else { throw malformed("Syntax errors in policy.") }
                            values.append(text)
                        }
                    default:
                        guard let text = valueList.scalarText else { throw malformed("Syntax errors in policy.") }
                        values = [text]
                    }
                    conditions.append(Condition(op: op, key: key.lowercased(), values: values))
                }
            }
        }
        return conditions
    }

    static func parseStatement(_ raw: JSONValue) throws(SesameError) -> Statement {
        guard case .object(let fields) = raw else { throw malformed("Syntax errors in policy.") }
        let known: Set<String> = [
            "Sid", "Effect", "Action", "NotAction", "Resource", "NotResource", "Condition", "Principal", "NotPrincipal",
        ]
        for key in fields.keys where !known.contains(key) {
            throw malformed("Syntax errors in policy. Unknown field \(key).")
        }
        if fields["Principal"] != nil || fields["NotPrincipal"] != nil {
            throw malformed("Policy document should not specify a principal.")
        }
        var sid: String?
        if let value = fields["Sid"] {
            guard case .string(let s) = value else { throw malformed("Syntax errors in policy.") }
            if !s.unicodeScalars.allSatisfy({ ($0 >= "A" && $0 <= "Z") || ($0 >= "a" && $0 <= "z") || ($0 >= "0" && $0 <= "9") }) {
                throw malformed(
                    "Statement IDs (SID) must be alpha-numeric. Check that your input satisfies the regular expression [0-9A-Za-z]*")
            }
            sid = s
        }
        guard case .string(let effectText)? = fields["Effect"] else {
            throw malformed("Policy statement must contain an effect.")
        }
        guard let effect = Effect(rawValue: effectText) else {
            throw malformed("Invalid effect: \(effectText)")
        }
        if fields["Action"] != nil && fields["NotAction"] != nil {
            throw malformed("Policy statement must contain either Action or NotAction, not both.")
        }
        guard let actionValue = fields["Action"] ?? fields["NotAction"] else {
            throw malformed("Policy statement must contain actions.")
        }
        let actions = try stringList(actionValue, element: "actions")
        for action in actions where action != "*" {
            let parts = action.split(separator: ":", omittingEmptySubsequences: false)
            if parts.count < 2 || parts[0].isEmpty || parts[1].isEmpty {
                throw malformed("Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.")
            }
            if parts.count > 2 { throw malformed("Actions/Condition can contain only one colon.") }
            // A vendor is letters, digits and hyphens.
            if !parts[0].unicodeScalars.allSatisfy({
                ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == "-"
            }) {
                throw malformed("Vendor \(parts[0]) is not valid")
            }
        }
        if fields["Resource"] != nil && fields["NotResource"] != nil {
            throw malformed("Policy statement must contain either Resource or NotResource, not both.")
        }
        guard let resourceValue = fields["Resource"] ?? fields["NotResource"] else {
            throw malformed("Policy statement must contain resources.")
        }
        let resources = try stringList(resourceValue, element: "resources")
        for resource in resources where resource != "*" {
            // `arn:partition:service:region:account:resource`: six parts, the resource not empty.
            let parts = resource.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
            if !resource.hasPrefix("arn:") || parts.count < 6 || parts[1].isEmpty || parts[2].isEmpty || parts[5].isEmpty {
                throw malformed("Resource \(resource) must be in ARN format or \"*\".")
            }
        }
        let conditions = try parseConditions(fields["Condition"])
        return Statement(
            sid: sid, effect: effect,
            actions: PatternSet(patterns: actions, negated: fields["NotAction"] != nil, caseInsensitive: true),
            resources: PatternSet(patterns: resources, negated: fields["NotResource"] != nil, caseInsensitive: false),
            conditions: conditions)
    }
}

/// Policy variables (`${aws:username}`) expanded from the request context in 2012-10-17 policies.
struct PolicyVariables {
    let context: [String: [String]]

    /// Expands every `${…}`; nil when a variable has no single value in the context.
    func expand(_ text: String) -> String? {
        guard text.contains("${") else { return text }
        var out = ""
        var rest = Substring(text)
        while let start = rest.range(of: "${") {
            out += rest[..<start.lowerBound]
            guard let end = rest[start.upperBound...].firstIndex(of: "}") else {
                out += rest[start.lowerBound...]
                return out
            }
            let name = String(rest[start.upperBound..<end])
            switch name {
            case "*": out += "*"
            case "?": out += "?"
            case "$": out += "$"
            default:
                guard let values = context[name.lowercased()], values.count == 1 else { return nil }
                out += values[0]
            }
            rest = rest[rest.index(after: end)...]
        }
        out += rest
        return out
    }
}
