public import Foundation
public import SesameCore

/// An authenticated principal with the policies that govern it and the request's context.
public struct Caller: Sendable {
    public var principal: Principal
    public var policies: PolicySet
    public var accessKeyID: String?
    /// Global condition keys for this request (lowercased), e.g. `aws:sourceip`.
    public var context: [String: [String]]

    public init(principal: Principal, policies: PolicySet, accessKeyID: String? = nil, context: [String: [String]] = [:]) {
        self.principal = principal
        self.policies = policies
        self.accessKeyID = accessKeyID
        self.context = context
    }

    public var accountID: String { principal.accountID }

    /// Adds the global condition keys IAM defines for every request.
    public mutating func addRequestContext(now: Date, sourceIP: String?, secureTransport: Bool, userAgent: String?, region: String?) {
        context["aws:currenttime"] = [Timestamp.iso8601(now)]
        context["aws:epochtime"] = [String(Int(now.timeIntervalSince1970))]
        context["aws:securetransport"] = [secureTransport ? "true" : "false"]
        if let sourceIP { context["aws:sourceip"] = [sourceIP] }
        if let userAgent { context["aws:useragent"] = [userAgent] }
        if let region { context["aws:requestedregion"] = [region] }
        context["aws:principalarn"] = [principal.principalARN]
        context["aws:principalaccount"] = [principal.accountID]
        context["aws:userid"] = [principal.userID]
        switch principal {
        case .root: context["aws:principaltype"] = ["Account"]
        case .user(let user):
            context["aws:principaltype"] = ["User"]
            context["aws:username"] = [user.name]
        case .assumedRole:
            context["aws:principaltype"] = ["AssumedRole"]
        case .federatedUser:
            context["aws:principaltype"] = ["FederatedUser"]
        case .anonymous:
            context["aws:principaltype"] = ["Anonymous"]
        }
    }
}

/// Decides whether a caller may act, and words the refusal as IAM does.
public enum Authorizer {
    /// How the refusal is worded: IAM writes `User: … is not authorized to perform: …`, SES writes
    /// ``User `…' is not authorized to perform `…' on resource `…'``.
    public enum Style: Sendable { case iam, ses }

    /// Throws `AccessDenied` unless the caller's policies allow `action` on `resource`. Where
    /// the resource has its own policies (an SES identity's sending authorization policies),
    /// IAM's rule within one account applies: an explicit Deny in either kind refuses, an Allow
    /// in either permits.
    public static func authorize(
        _ caller: Caller, action: String, resource: String, context extra: [String: [String]] = [:], style: Style = .iam,
        resourcePolicies: [(policy: SendingAuthorizationPolicy, resource: String)] = []
    ) throws(SesameError) {
        if caller.principal.isRoot { return }
        var context = caller.context
        for (key, values) in extra { context[key.lowercased()] = values }
        var request = AuthorizationRequest(action: action, resource: resource)
        request.context = context
        var decision = PolicyEvaluator.evaluate(caller.policies, request)
        if !resourcePolicies.isEmpty && decision != .explicitDeny {
            let requester = TrustPolicy.Requester(accountID: caller.accountID, arns: caller.principal.arns)
            // Each policy is judged on its own identity (an address's or its domain's).
            let byResource = resourcePolicies.map { policy, resource in
                var onIdentity = request
                onIdentity.resource = resource
                return policy.evaluate(onIdentity, requester: requester)
            }
            if byResource.contains(.explicitDeny) {
                decision = .explicitDeny
            } else if byResource.contains(.allowed) {
                decision = .allowed
            }
        }
        if decision == .allowed { return }
        let message =
            switch (style, decision) {
            case (.ses, _):
                "User `\(caller.principal.arn)' is not authorized to perform `\(action)' on resource `\(resource)'"
            case (.iam, .explicitDeny):
                "User: \(caller.principal.arn) is not authorized to perform: \(action) on resource: \(resource) with an explicit deny in an identity-based policy"
            default:
                "User: \(caller.principal.arn) is not authorized to perform: \(action) on resource: \(resource)"
            }
        var error = SesameError(.accessDenied, message)
        error.denial = SesameError.Denial(
            principalARN: caller.principal.arn, principalID: caller.principal.userID, action: action, resource: resource,
            explicitDeny: decision == .explicitDeny, context: context)
        throw error
    }
}
