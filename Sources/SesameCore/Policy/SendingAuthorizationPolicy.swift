import Foundation

/// An SES sending authorization policy: a resource-based policy on one identity saying who may
/// send from it (`ses:SendEmail`, `ses:SendRawEmail`, …), under which conditions. Every statement
/// names a `Principal` and resources within the identity's ARN. Evaluated beside the sender's IAM
/// policies: an explicit Deny in either refuses, an Allow in either permits (one account).
public struct SendingAuthorizationPolicy: Sendable {
    public struct Statement: Sendable {
        public var effect: PolicyDocument.Effect
        public var actions: PolicyDocument.PatternSet
        public var resources: PolicyDocument.PatternSet
        public var principals: [String: [String]]
        public var notPrincipal: Bool
        public var conditions: [Condition]
    }

    public var statements: [Statement]

    /// Parses and checks `text` as a policy on the identity whose ARN is `identityARN` (nil:
    /// a stored policy, checked when it was stored). The errors are SES's `InvalidPolicy`.
    public static func parse(_ text: String, identityARN: String?) throws(SesameError) -> SendingAuthorizationPolicy {
        try parse(text, resourceARN: identityARN, actionPrefix: "ses:", service: "an SES", invalid: invalid)
    }

    /// The same rules for another service's resource policy (an SQS queue policy: `sqs:` actions
    /// on the queue's ARN), its errors made by `invalid`.
    public static func parse(
        _ text: String, resourceARN identityARN: String?, actionPrefix: String, service: String,
        invalid: (String) -> SesameError
    ) throws(SesameError) -> SendingAuthorizationPolicy {
        let root: [JSONValue]
        do {
            root = try PolicyDocument.envelope(text).statements
        } catch {
            throw invalid("Policy is not valid JSON or is missing required elements: \(error.message)")
        }
        var statements: [Statement] = []
        for raw in root {
            guard case .object(var fields) = raw else { throw invalid("Policy statement is not a JSON object.") }
            guard let principalValue = fields["Principal"] ?? fields["NotPrincipal"] else {
                throw invalid("Policy statement must name a Principal.")
            }
            let notPrincipal = fields["NotPrincipal"] != nil
            fields["Principal"] = nil
            fields["NotPrincipal"] = nil
            let statement: PolicyDocument.Statement
            let principals: [String: [String]]
            do {
                statement = try PolicyDocument.parseStatement(.object(fields))
                principals = try TrustPolicy.principals(principalValue)
            } catch {
                throw invalid(error.message)
            }
            for action in statement.actions.patterns where action != "*" && !action.lowercased().hasPrefix(actionPrefix) {
                throw invalid("Policy contains an action that is not \(service) action: \(action).")
            }
            for resource in statement.resources.patterns
            where identityARN.map({ !Glob(resource, caseInsensitive: false).matches($0) }) ?? false {
                throw invalid("Policy has a resource (\(resource)) that does not match \(identityARN ?? "").")
            }
            statements.append(
                Statement(
                    effect: statement.effect, actions: statement.actions, resources: statement.resources, principals: principals,
                    notPrincipal: notPrincipal, conditions: statement.conditions))
        }
        return SendingAuthorizationPolicy(statements: statements)
    }

    static func invalid(_ message: String) -> SesameError { SesameError(.invalidPolicy, message) }

    /// This policy's decision for `request` made by `requester` (an account and the ARNs it
    /// goes by).
    public func evaluate(_ request: AuthorizationRequest, requester: TrustPolicy.Requester) -> AuthorizationDecision {
        var allowed = false
        let variables = PolicyVariables(context: request.context)
        for statement in statements {
            guard statement.actions.applies(to: request.action, variables: nil),
                statement.resources.applies(to: request.resource, variables: variables),
                statement.conditions.allSatisfy({ $0.holds(in: request.context, variables: variables) })
            else { continue }
            // nil: not named; false: named through its account only, which for an Allow defers to
            // the account's own IAM policies (the sender's side decides), as IAM does.
            let match = TrustPolicy.match(statement.principals, requester)
            if statement.notPrincipal {
                guard match == nil else { continue }
            } else {
                guard let byName = match, byName || statement.effect == .deny else { continue }
            }
            if statement.effect == .deny { return .explicitDeny }
            allowed = true
        }
        return allowed ? .allowed : .implicitDeny
    }
}
