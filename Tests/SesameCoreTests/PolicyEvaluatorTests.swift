import Testing

@testable import SesameCore

/// A table of evaluation cases: policies, request, expected decision.
@Suite struct PolicyEvaluatorTests {
    struct Case: Sendable, CustomStringConvertible {
        let name: String
        let policies: [String]
        let action: String
        let resource: String
        var context: [String: [String]] = [:]
        let expected: AuthorizationDecision
        var description: String { name }
    }

    static let userARN = "arn:aws:iam::123456789012:user/alice"
    static let identity = "arn:aws:ses:us-east-1:123456789012:identity/sender@example.com"

    static func allow(_ action: String, _ resource: String = "*", condition: String? = nil, version: String = "2012-10-17") -> String {
        let c = condition.map { #", "Condition": \#($0)"# } ?? ""
        return #"{"Version": "\#(version)", "Statement": {"Effect": "Allow", "Action": "\#(action)", "Resource": "\#(resource)"\#(c)}}"#
    }

    static func deny(_ action: String, _ resource: String = "*", condition: String? = nil) -> String {
        let c = condition.map { #", "Condition": \#($0)"# } ?? ""
        return #"{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "\#(action)", "Resource": "\#(resource)"\#(c)}]}"#
    }

    static let cases: [Case] = [
        Case(name: "no policies: default deny", policies: [], action: "iam:ListUsers", resource: "*", expected: .implicitDeny),
        Case(name: "exact action", policies: [allow("iam:ListUsers")], action: "iam:ListUsers", resource: "*", expected: .allowed),
        Case(
            name: "action is case-insensitive", policies: [allow("IAM:listusers")], action: "iam:ListUsers", resource: "*",
            expected: .allowed),
        Case(name: "other action", policies: [allow("iam:GetUser")], action: "iam:ListUsers", resource: "*", expected: .implicitDeny),
        Case(name: "star wildcard", policies: [allow("iam:List*")], action: "iam:ListUsers", resource: "*", expected: .allowed),
        Case(
            name: "question wildcard", policies: [allow("ses:Send?awEmail")], action: "ses:SendRawEmail", resource: identity,
            expected: .allowed),
        Case(
            name: "question needs one char", policies: [allow("ses:Send?Email")], action: "ses:SendEmail", resource: identity,
            expected: .implicitDeny),
        Case(name: "service wildcard", policies: [allow("*")], action: "ses:SendEmail", resource: identity, expected: .allowed),
        Case(
            name: "resource match", policies: [allow("ses:SendRawEmail", identity)], action: "ses:SendRawEmail", resource: identity,
            expected: .allowed),
        Case(
            name: "resource is case-sensitive",
            policies: [allow("ses:SendRawEmail", "arn:aws:ses:us-east-1:123456789012:identity/SENDER@example.com")],
            action: "ses:SendRawEmail", resource: identity, expected: .implicitDeny),
        Case(
            name: "resource star spans separators", policies: [allow("ses:SendRawEmail", "arn:aws:ses:*:123456789012:identity/*")],
            action: "ses:SendRawEmail", resource: identity, expected: .allowed),
        Case(
            name: "explicit deny beats allow", policies: [allow("*"), deny("iam:DeleteUser")], action: "iam:DeleteUser", resource: userARN,
            expected: .explicitDeny),
        Case(
            name: "deny elsewhere does not apply", policies: [allow("*"), deny("iam:DeleteUser")], action: "iam:CreateUser",
            resource: userARN, expected: .allowed),
        Case(
            name: "NotAction allow",
            policies: [#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","NotAction":"iam:*","Resource":"*"}}"#],
            action: "ses:SendEmail", resource: "*", expected: .allowed),
        Case(
            name: "NotAction excludes",
            policies: [#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","NotAction":"iam:*","Resource":"*"}}"#],
            action: "iam:ListUsers", resource: "*", expected: .implicitDeny),
        Case(
            name: "NotResource",
            policies: [
                #"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","NotResource":"arn:aws:iam::123456789012:user/root*"}}"#
            ], action: "iam:GetUser", resource: userARN, expected: .allowed),
        Case(
            name: "statement list, second matches",
            policies: [
                #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:GetUser","Resource":"*"},{"Effect":"Allow","Action":["iam:ListUsers","iam:CreateUser"],"Resource":["*"]}]}"#
            ], action: "iam:CreateUser", resource: userARN, expected: .allowed),
        // Conditions
        Case(
            name: "StringEquals holds",
            policies: [allow("ses:SendEmail", condition: #"{"StringEquals": {"ses:FromAddress": "sender@example.com"}}"#)],
            action: "ses:SendEmail", resource: identity, context: ["ses:FromAddress": ["sender@example.com"]], expected: .allowed),
        Case(
            name: "condition keys are case-insensitive",
            policies: [allow("ses:SendEmail", condition: #"{"StringEquals": {"SES:FROMADDRESS": "sender@example.com"}}"#)],
            action: "ses:SendEmail", resource: identity, context: ["ses:FromAddress": ["sender@example.com"]], expected: .allowed),
        Case(
            name: "StringEquals fails",
            policies: [allow("ses:SendEmail", condition: #"{"StringEquals": {"ses:FromAddress": "other@example.com"}}"#)],
            action: "ses:SendEmail", resource: identity, context: ["ses:FromAddress": ["sender@example.com"]], expected: .implicitDeny),
        Case(
            name: "StringEquals with missing key fails",
            policies: [allow("ses:SendEmail", condition: #"{"StringEquals": {"ses:FromAddress": "a@b"}}"#)], action: "ses:SendEmail",
            resource: identity, expected: .implicitDeny),
        Case(
            name: "StringEqualsIfExists with missing key holds",
            policies: [allow("ses:SendEmail", condition: #"{"StringEqualsIfExists": {"ses:FromAddress": "a@b"}}"#)],
            action: "ses:SendEmail", resource: identity, expected: .allowed),
        Case(
            name: "StringNotEquals with missing key holds",
            policies: [allow("ses:SendEmail", condition: #"{"StringNotEquals": {"ses:FromAddress": "a@b"}}"#)], action: "ses:SendEmail",
            resource: identity, expected: .allowed),
        Case(
            name: "StringNotEquals fails on match",
            policies: [allow("ses:SendEmail", condition: #"{"StringNotEquals": {"ses:FromAddress": "a@b"}}"#)], action: "ses:SendEmail",
            resource: identity, context: ["ses:fromaddress": ["a@b"]], expected: .implicitDeny),
        Case(
            name: "StringLike", policies: [allow("ses:SendEmail", condition: #"{"StringLike": {"ses:FromAddress": "*@example.com"}}"#)],
            action: "ses:SendEmail", resource: identity, context: ["ses:fromaddress": ["x@example.com"]], expected: .allowed),
        Case(
            name: "StringEqualsIgnoreCase",
            policies: [allow("ses:SendEmail", condition: #"{"StringEqualsIgnoreCase": {"ses:FromDisplayName": "Marketing"}}"#)],
            action: "ses:SendEmail", resource: identity, context: ["ses:fromdisplayname": ["MARKETING"]], expected: .allowed),
        Case(
            name: "values within a key are ORed",
            policies: [allow("ses:SendEmail", condition: #"{"StringEquals": {"ses:FromAddress": ["a@b", "c@d"]}}"#)],
            action: "ses:SendEmail", resource: identity, context: ["ses:fromaddress": ["c@d"]], expected: .allowed),
        Case(
            name: "keys are ANDed",
            policies: [allow("ses:SendEmail", condition: #"{"StringEquals": {"ses:FromAddress": "a@b", "ses:FromDisplayName": "A"}}"#)],
            action: "ses:SendEmail", resource: identity, context: ["ses:fromaddress": ["a@b"], "ses:fromdisplayname": ["B"]],
            expected: .implicitDeny),
        Case(
            name: "ForAllValues: every recipient in the domain",
            policies: [allow("ses:SendRawEmail", condition: #"{"ForAllValues:StringLike": {"ses:Recipients": ["*@example.com"]}}"#)],
            action: "ses:SendRawEmail", resource: identity, context: ["ses:recipients": ["a@example.com", "b@example.com"]],
            expected: .allowed),
        Case(
            name: "ForAllValues: one outsider fails",
            policies: [allow("ses:SendRawEmail", condition: #"{"ForAllValues:StringLike": {"ses:Recipients": ["*@example.com"]}}"#)],
            action: "ses:SendRawEmail", resource: identity, context: ["ses:recipients": ["a@example.com", "b@evil.test"]],
            expected: .implicitDeny),
        Case(
            name: "ForAllValues: absent key holds",
            policies: [allow("ses:SendRawEmail", condition: #"{"ForAllValues:StringLike": {"ses:Recipients": ["*@example.com"]}}"#)],
            action: "ses:SendRawEmail", resource: identity, expected: .allowed),
        Case(
            name: "ForAnyValue: one match",
            policies: [allow("ses:SendRawEmail", condition: #"{"ForAnyValue:StringEquals": {"ses:Recipients": ["boss@example.com"]}}"#)],
            action: "ses:SendRawEmail", resource: identity, context: ["ses:recipients": ["a@x", "boss@example.com"]], expected: .allowed),
        Case(
            name: "ForAnyValue: absent key fails",
            policies: [allow("ses:SendRawEmail", condition: #"{"ForAnyValue:StringEquals": {"ses:Recipients": ["boss@example.com"]}}"#)],
            action: "ses:SendRawEmail", resource: identity, expected: .implicitDeny),
        Case(
            name: "deny with ForAnyValue",
            policies: [
                allow("*"), deny("ses:SendRawEmail", condition: #"{"ForAnyValue:StringLike": {"ses:Recipients": ["*@competitor.test"]}}"#),
            ], action: "ses:SendRawEmail", resource: identity, context: ["ses:recipients": ["a@x", "b@competitor.test"]],
            expected: .explicitDeny),
        Case(
            name: "NumericLessThan",
            policies: [allow("iam:ListUsers", condition: #"{"NumericLessThan": {"aws:EpochTime": "2000000000"}}"#)],
            action: "iam:ListUsers", resource: "*", context: ["aws:epochtime": ["1700000000"]], expected: .allowed),
        Case(
            name: "NumericGreaterThanEquals fails",
            policies: [allow("iam:ListUsers", condition: #"{"NumericGreaterThanEquals": {"aws:EpochTime": 2000000000}}"#)],
            action: "iam:ListUsers", resource: "*", context: ["aws:epochtime": ["1700000000"]], expected: .implicitDeny),
        Case(
            name: "DateLessThan",
            policies: [allow("iam:ListUsers", condition: #"{"DateLessThan": {"aws:CurrentTime": "2030-01-01T00:00:00Z"}}"#)],
            action: "iam:ListUsers", resource: "*", context: ["aws:currenttime": ["2026-11-23T10:00:00Z"]], expected: .allowed),
        Case(
            name: "DateGreaterThan fails",
            policies: [allow("iam:ListUsers", condition: #"{"DateGreaterThan": {"aws:CurrentTime": "2030-01-01T00:00:00Z"}}"#)],
            action: "iam:ListUsers", resource: "*", context: ["aws:currenttime": ["2026-11-23T10:00:00Z"]], expected: .implicitDeny),
        Case(
            name: "Bool", policies: [deny("*", condition: #"{"Bool": {"aws:SecureTransport": false}}"#), allow("*")],
            action: "iam:ListUsers", resource: "*", context: ["aws:securetransport": ["false"]], expected: .explicitDeny),
        Case(
            name: "Bool with string value", policies: [allow("*", condition: #"{"Bool": {"aws:SecureTransport": "true"}}"#)],
            action: "iam:ListUsers", resource: "*", context: ["aws:securetransport": ["true"]], expected: .allowed),
        Case(
            name: "IpAddress in CIDR",
            policies: [allow("*", condition: #"{"IpAddress": {"aws:SourceIp": ["10.0.0.0/8", "127.0.0.0/8"]}}"#)], action: "iam:ListUsers",
            resource: "*", context: ["aws:sourceip": ["127.0.0.1"]], expected: .allowed),
        Case(
            name: "IpAddress outside", policies: [allow("*", condition: #"{"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}"#)],
            action: "iam:ListUsers", resource: "*", context: ["aws:sourceip": ["198.51.100.7"]], expected: .implicitDeny),
        Case(
            name: "NotIpAddress", policies: [allow("*", condition: #"{"NotIpAddress": {"aws:SourceIp": "203.0.113.0/24"}}"#)],
            action: "iam:ListUsers", resource: "*", context: ["aws:sourceip": ["198.51.100.7"]], expected: .allowed),
        Case(
            name: "IPv6 CIDR", policies: [allow("*", condition: #"{"IpAddress": {"aws:SourceIp": "2001:db8::/32"}}"#)],
            action: "iam:ListUsers", resource: "*", context: ["aws:sourceip": ["2001:db8:1::5"]], expected: .allowed),
        Case(
            name: "ArnLike", policies: [allow("*", condition: #"{"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:user/ali*"}}"#)],
            action: "iam:ListUsers", resource: "*", context: ["aws:principalarn": [userARN]], expected: .allowed),
        Case(
            name: "ArnEquals fails",
            policies: [allow("*", condition: #"{"ArnEquals": {"aws:PrincipalArn": "arn:aws:iam::123456789012:user/bob"}}"#)],
            action: "iam:ListUsers", resource: "*", context: ["aws:principalarn": [userARN]], expected: .implicitDeny),
        Case(
            name: "ArnNotLike", policies: [allow("*", condition: #"{"ArnNotLike": {"aws:PrincipalArn": "arn:aws:iam::*:user/bob"}}"#)],
            action: "iam:ListUsers", resource: "*", context: ["aws:principalarn": [userARN]], expected: .allowed),
        Case(
            name: "Null true: key absent", policies: [allow("*", condition: #"{"Null": {"aws:TokenIssueTime": "true"}}"#)],
            action: "iam:ListUsers", resource: "*", expected: .allowed),
        Case(
            name: "Null false: key absent fails", policies: [allow("*", condition: #"{"Null": {"aws:TokenIssueTime": "false"}}"#)],
            action: "iam:ListUsers", resource: "*", expected: .implicitDeny),
        // Policy variables
        Case(
            name: "aws:username variable", policies: [allow("iam:*AccessKey*", "arn:aws:iam::123456789012:user/${aws:username}")],
            action: "iam:CreateAccessKey", resource: userARN, context: ["aws:username": ["alice"]], expected: .allowed),
        Case(
            name: "variable for another user", policies: [allow("iam:*AccessKey*", "arn:aws:iam::123456789012:user/${aws:username}")],
            action: "iam:CreateAccessKey", resource: "arn:aws:iam::123456789012:user/bob", context: ["aws:username": ["alice"]],
            expected: .implicitDeny),
        Case(
            name: "variables are literal in 2008-10-17",
            policies: [allow("iam:CreateAccessKey", "arn:aws:iam::123456789012:user/${aws:username}", version: "2008-10-17")],
            action: "iam:CreateAccessKey", resource: userARN, context: ["aws:username": ["alice"]], expected: .implicitDeny),
    ]

    @Test(arguments: cases)
    func evaluate(_ c: Case) throws {
        let policies = try c.policies.map { try PolicyDocument.parse($0) }
        let decision = PolicyEvaluator.evaluate(policies, AuthorizationRequest(action: c.action, resource: c.resource, context: c.context))
        #expect(decision == c.expected)
    }

    @Test func rootIsAllowedEverything() {
        let decision = PolicyEvaluator.evaluate(
            principal: .root(accountID: "123456789012"), policies: [], AuthorizationRequest(action: "iam:DeleteUser", resource: "*"))
        #expect(decision == .allowed)
    }

    @Test func managedPoliciesParseAndGrant() {
        #expect(ManagedPolicies.parsed.count == ManagedPolicies.all.count)
        let readOnly = ManagedPolicies.parsed["arn:aws:iam::aws:policy/IAMReadOnlyAccess"]!
        #expect(PolicyEvaluator.evaluate([readOnly], AuthorizationRequest(action: "iam:ListUsers", resource: "*")) == .allowed)
        #expect(PolicyEvaluator.evaluate([readOnly], AuthorizationRequest(action: "iam:CreateUser", resource: "*")) == .implicitDeny)
        let ses = ManagedPolicies.parsed["arn:aws:iam::aws:policy/AmazonSESFullAccess"]!
        #expect(PolicyEvaluator.evaluate([ses], AuthorizationRequest(action: "ses:SendRawEmail", resource: Self.identity)) == .allowed)
        #expect(PolicyEvaluator.evaluate([ses], AuthorizationRequest(action: "iam:ListUsers", resource: "*")) == .implicitDeny)
    }
}

/// Documents IAM refuses, and the reason it gives.
@Suite struct PolicyParsingTests {
    struct Bad: Sendable, CustomStringConvertible {
        let document: String
        let reason: String
        var description: String { reason }
    }

    static let bad: [Bad] = [
        Bad(document: "not json", reason: "Syntax errors in policy."),
        Bad(document: "[]", reason: "Syntax errors in policy."),
        Bad(document: #"{"Version":"2012-10-17"}"#, reason: "Syntax errors in policy."),
        Bad(document: #"{"Version":"2012-10-17","Statement":[]}"#, reason: "Syntax errors in policy."),
        Bad(
            document: #"{"Version":"2099-01-01","Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}"#,
            reason: "The policy failed legacy parsing"),
        Bad(
            document: #"{"Version":"2012-10-17","Statement":{"Effect":"Maybe","Action":"*","Resource":"*"}}"#,
            reason: "Invalid effect: Maybe"),
        Bad(
            document: #"{"Version":"2012-10-17","Statement":{"Action":"*","Resource":"*"}}"#,
            reason: "Policy statement must contain an effect."),
        Bad(
            document: #"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Resource":"*"}}"#,
            reason: "Policy statement must contain actions."),
        Bad(
            document: #"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*"}}"#,
            reason: "Policy statement must contain resources."),
        Bad(
            document: #"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","NotAction":"iam:*","Resource":"*"}}"#,
            reason: "Policy statement must contain either Action or NotAction, not both."),
        Bad(
            document: #"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"ListUsers","Resource":"*"}}"#,
            reason: "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc."),
        Bad(
            document: #"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:Get:Object","Resource":"*"}}"#,
            reason: "Actions/Condition can contain only one colon."),
        Bad(
            document: #"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"a a:ListBucket","Resource":"*"}}"#,
            reason: "Vendor a a is not valid"),
        Bad(
            document: #"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"arn:aws"}}"#,
            reason: "Resource arn:aws must be in ARN format or \"*\"."),
        Bad(
            document: #"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"bucket"}}"#,
            reason: "Resource bucket must be in ARN format or \"*\"."),
        Bad(
            document: #"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}}"#,
            reason: "Policy document should not specify a principal."),
        Bad(
            document:
                #"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringSorta":{"a:b":"c"}}}}"#,
            reason: "Invalid Condition type : StringSorta."),
        Bad(
            document:
                #"{"Version":"2012-10-17","Statement":[{"Sid":"A","Effect":"Allow","Action":"*","Resource":"*"},{"Sid":"A","Effect":"Deny","Action":"*","Resource":"*"}]}"#,
            reason: "Statement IDs (SID) in a single policy must be unique."),
    ]

    @Test(arguments: bad)
    func refused(_ bad: Bad) {
        do {
            _ = try PolicyDocument.parse(bad.document)
            Issue.record("accepted a malformed policy")
        } catch {
            #expect(error.code == .malformedPolicyDocument)
            #expect(error.message.hasPrefix(bad.reason))
        }
    }

    @Test func acceptsSESConsolePolicy() throws {
        let doc = try PolicyDocument.parse(
            #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ses:SendRawEmail","Resource":"*"}]}"#)
        #expect(doc.statements.count == 1)
        #expect(doc.statements[0].effect == .allow)
    }

    @Test func globMatching() {
        #expect(Glob("a*c", caseInsensitive: false).matches("abbbc"))
        #expect(Glob("a*c", caseInsensitive: false).matches("ac"))
        #expect(!Glob("a*c", caseInsensitive: false).matches("ab"))
        #expect(Glob("*:user/*", caseInsensitive: false).matches("arn:aws:iam::1:user/x"))
        #expect(Glob("a?c", caseInsensitive: false).matches("abc"))
        #expect(!Glob("a?c", caseInsensitive: false).matches("ac"))
        #expect(Glob("*a*b*", caseInsensitive: false).matches("xxaxxbxx"))
    }
}
