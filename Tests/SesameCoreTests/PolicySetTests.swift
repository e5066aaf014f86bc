import Testing

@testable import SesameCore

/// Evaluation when a permissions boundary or session policies cap the identity policies (a user
/// with its groups' policies, or a role's session): a table as for identity policies alone.
@Suite struct PolicySetTests {
    struct Case: Sendable, CustomStringConvertible {
        let name: String
        let identity: [String]
        var boundary: String? = nil
        var session: [String]? = nil
        let action: String
        let expected: AuthorizationDecision
        var description: String { name }
    }

    static func allow(_ action: String) -> String { PolicyEvaluatorTests.allow(action) }
    static func deny(_ action: String) -> String { PolicyEvaluatorTests.deny(action) }

    static let cases: [Case] = [
        Case(name: "no boundary: identity decides", identity: [allow("ses:*")], action: "ses:SendEmail", expected: .allowed),
        Case(
            name: "allowed by identity and boundary", identity: [allow("*")], boundary: allow("ses:*"), action: "ses:SendEmail",
            expected: .allowed),
        Case(
            name: "boundary does not grant on its own", identity: [], boundary: allow("ses:*"), action: "ses:SendEmail",
            expected: .implicitDeny),
        Case(
            name: "outside the boundary", identity: [allow("*")], boundary: allow("ses:*"), action: "iam:CreateUser",
            expected: .implicitDeny),
        Case(
            name: "deny in the boundary wins", identity: [allow("*")], boundary: deny("ses:SendEmail"), action: "ses:SendEmail",
            expected: .explicitDeny),
        Case(
            name: "group policy and user policy together (one identity set)", identity: [allow("ses:SendEmail"), deny("ses:*")],
            action: "ses:SendEmail", expected: .explicitDeny),
        Case(
            name: "session policy narrows a role", identity: [allow("ses:*")], session: [allow("ses:SendEmail")],
            action: "ses:ListIdentities", expected: .implicitDeny),
        Case(
            name: "session policy cannot widen a role", identity: [allow("ses:SendEmail")], session: [allow("*")],
            action: "iam:ListUsers", expected: .implicitDeny),
        Case(
            name: "role, boundary and session all allow", identity: [allow("ses:*")], boundary: allow("ses:Send*"),
            session: [allow("ses:SendEmail")], action: "ses:SendEmail", expected: .allowed),
        Case(
            name: "deny in a session policy wins", identity: [allow("*")], session: [deny("ses:SendEmail"), allow("*")],
            action: "ses:SendEmail", expected: .explicitDeny),
    ]

    @Test(arguments: cases)
    func evaluate(_ c: Case) throws {
        let set = PolicySet(
            identity: try c.identity.map { try PolicyDocument.parse($0) }, boundary: try c.boundary.map { try PolicyDocument.parse($0) },
            session: try c.session.map { try $0.map { try PolicyDocument.parse($0) } })
        #expect(PolicyEvaluator.evaluate(set, AuthorizationRequest(action: c.action, resource: "*")) == c.expected)
    }

    @Test func aBoundaryWhosePolicyIsGoneAllowsNothing() throws {
        let set = PolicySet(identity: [try PolicyDocument.parse(Self.allow("*"))], boundary: .allowsNothing)
        #expect(PolicyEvaluator.evaluate(set, AuthorizationRequest(action: "ses:SendEmail", resource: "*")) == .implicitDeny)
    }

    @Test func trustPoliciesParseAsResourcePolicies() throws {
        let trust = try TrustPolicy.parse(
            #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":["123456789012","arn:aws:iam::123456789012:user/ci"],"Service":"ses.amazonaws.com"},"Action":["sts:AssumeRole","sts:TagSession"],"Condition":{"StringEquals":{"sts:ExternalId":"x"}}}]}"#
        )
        #expect(trust.statements.count == 1)
        #expect(trust.statements[0].principals["AWS"] == ["123456789012", "arn:aws:iam::123456789012:user/ci"])
        #expect(trust.statements[0].conditions.count == 1)
        #expect(
            try TrustPolicy.parse(#"{"Statement":{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole"}}"#).statements[0].principals
                == ["*": ["*"]])
        for (document, message) in [
            (#"{"Statement":{"Effect":"Allow","Action":"sts:AssumeRole"}}"#, "Missing required field Principal"),
            (
                #"{"Statement":{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole","Resource":"*"}}"#,
                "Has prohibited field Resource"
            ),
            (
                #"{"Statement":{"Effect":"Allow","Principal":{"AWS":"bob"},"Action":"sts:AssumeRole"}}"#,
                #"Invalid principal in policy: "AWS":"bob""#
            ),
            (
                #"{"Statement":{"Effect":"Allow","Principal":"*","Action":"s3:GetObject"}}"#,
                "AssumeRole policy may only specify STS AssumeRole actions."
            ),
        ] {
            #expect(throws: SesameError.self) { _ = try TrustPolicy.parse(document) }
            do { _ = try TrustPolicy.parse(document) } catch { #expect(error.message == message) }
        }
    }
}
