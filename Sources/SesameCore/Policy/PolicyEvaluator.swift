/// The question a policy answers: may this principal perform this action on this resource?
public struct AuthorizationRequest: Sendable {
    public var action: String
    public var resource: String
    /// Context keys, lowercased (`aws:sourceip`, `ses:fromaddress`, …), each with one or more values.
    public var context: [String: [String]]

    public init(action: String, resource: String, context: [String: [String]] = [:]) {
        self.action = action
        self.resource = resource
        var lowered: [String: [String]] = [:]
        for (key, values) in context { lowered[key.lowercased()] = values }
        self.context = lowered
    }
}

public enum AuthorizationDecision: Sendable, Equatable {
    case allowed
    /// A statement with `"Effect": "Deny"` matched.
    case explicitDeny
    /// No statement allowed the action (IAM's default deny).
    case implicitDeny
}

/// IAM's evaluation logic for identity-based policies in one account:
/// an explicit Deny wins, then any Allow, otherwise the default deny.
public enum PolicyEvaluator {
    public static func evaluate(_ policies: [PolicyDocument], _ request: AuthorizationRequest) -> AuthorizationDecision {
        var allowed = false
        let variables = PolicyVariables(context: request.context)
        for policy in policies {
            let vars: PolicyVariables? = policy.version == "2012-10-17" ? variables : nil
            for statement in policy.statements {
                if statement.effect == .allow && allowed { continue }
                guard statement.actions.applies(to: request.action, variables: nil),
                    statement.resources.applies(to: request.resource, variables: vars),
                    statement.conditions.allSatisfy({ $0.holds(in: request.context, variables: vars) })
                else { continue }
                if statement.effect == .deny { return .explicitDeny }
                allowed = true
            }
        }
        return allowed ? .allowed : .implicitDeny
    }

    /// Root is allowed everything; everyone else is judged by their policies.
    public static func evaluate(
        principal: Principal, policies: [PolicyDocument], _ request: AuthorizationRequest
    ) -> AuthorizationDecision {
        if principal.isRoot { return .allowed }
        return evaluate(policies, request)
    }
}
