/// Every policy that governs one principal's request: its identity-based policies (its own,
/// its groups', those of the role it acts as), the permissions boundary that caps them, and the
/// session policies a temporary credential was issued with.
public struct PolicySet: Sendable, ExpressibleByArrayLiteral {
    public var identity: [PolicyDocument]
    /// The maximum the identity policies can grant; nil when there is none.
    public var boundary: PolicyDocument?
    /// Policies passed when a session was created (AssumeRole's `Policy`/`PolicyArns`); nil when
    /// there are none. They cap the session as a boundary does.
    public var session: [PolicyDocument]?

    public init(identity: [PolicyDocument], boundary: PolicyDocument? = nil, session: [PolicyDocument]? = nil) {
        self.identity = identity
        self.boundary = boundary
        self.session = session
    }

    public init(arrayLiteral elements: PolicyDocument...) {
        self.init(identity: elements)
    }
}

extension PolicyDocument {
    /// A policy that allows nothing: the boundary of a principal whose boundary policy is gone.
    public static let allowsNothing = PolicyDocument(version: "2012-10-17", statements: [])
    /// A policy that allows everything: what the root user's federated users start from.
    public static let allowsEverything = try! PolicyDocument.parse(
        #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#)
}

extension PolicyEvaluator {
    /// IAM's logic within one account when boundaries and session policies apply: an explicit
    /// Deny in any of them wins; otherwise the request is allowed only if the identity policies
    /// allow it and so do the boundary and the session policies, each where present.
    public static func evaluate(_ set: PolicySet, _ request: AuthorizationRequest) -> AuthorizationDecision {
        let identity = evaluate(set.identity, request)
        if identity == .explicitDeny { return .explicitDeny }
        var decisions: [AuthorizationDecision] = [identity]
        if let boundary = set.boundary { decisions.append(evaluate([boundary], request)) }
        if let session = set.session { decisions.append(evaluate(session, request)) }
        if decisions.contains(.explicitDeny) { return .explicitDeny }
        return decisions.allSatisfy { $0 == .allowed } ? .allowed : .implicitDeny
    }
}
