import ArgumentParser
import Foundation
import SesameAPI
import SesameAWSProtocol
import SesameBackend
import SesameCore

/// Times what the server does per request before it runs an action: parse the signature, check
/// the clock, recompute and compare the signature, and evaluate the caller's policies.
struct VerifyBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify", abstract: "Time SigV4 verification plus policy evaluation per request (in-process).")

    @Option(help: "Requests to verify.") var iterations = 200_000

    func run() throws {
        let secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
        let signer = SigV4Signer(accessKeyID: "AKIAIOSFODNN7EXAMPLE", secret: secret, region: "us-east-1", service: "iam")
        let body = Array("Action=ListUsers&Version=2010-05-08".utf8)
        let base: [(name: String, value: String)] = [
            ("host", "127.0.0.1:8080"), ("content-type", "application/x-www-form-urlencoded; charset=utf-8"),
            ("content-length", String(body.count)),
        ]
        let now = Date()
        let headers =
            base + signer.sign(method: "POST", rawPath: "/", rawQuery: "", headers: base, body: body, date: now)
            + [("user-agent", "Boto3/1.43.11 md/Botocore#1.43.11 ua/2.1 os/linux lang/python#3.11.7")]
        // A user with a typical set of policies: an SES sending policy with a condition, a
        // self-service policy with a variable, and a managed read-only policy.
        let policies = try [
            PolicyDocument.parse(
                #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ses:SendRawEmail","Resource":"*","Condition":{"StringLike":{"ses:FromAddress":"*@example.com"}}}]}"#
            ),
            PolicyDocument.parse(
                #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:GetUser","iam:*AccessKey*"],"Resource":"arn:aws:iam::*:user/${aws:username}"}]}"#
            ),
            ManagedPolicies.parsed["arn:aws:iam::aws:policy/IAMReadOnlyAccess"]!,
        ]
        let context: [String: [String]] = [
            "aws:username": ["alice"], "aws:sourceip": ["127.0.0.1"], "aws:securetransport": ["false"],
            "aws:currenttime": [Timestamp.iso8601(now)], "aws:principalarn": ["arn:aws:iam::123456789012:user/alice"],
        ]
        let verifier = SigV4Verifier()

        let cached = SigV4Verifier.signingKey(
            secret: secret, date: String(SigV4Verifier.formatAmzDate(now).prefix(8)), region: "us-east-1", service: "iam")
        func once(cachedKey: Bool) throws {
            // What the HTTP layer does first: hash the body.
            let request = SigV4HTTPRequest(
                method: "POST", rawPath: "/", rawQuery: "", headers: headers, payloadHash: SigV4Verifier.sha256Hex(body))
            let parsed = try verifier.parse(request)
            try verifier.checkTime(parsed, now: now)
            // The server keeps each key's signing key for the day; derive it only when asked to.
            let signingKey =
                cachedKey
                ? cached
                : SigV4Verifier.signingKey(
                    secret: secret, date: parsed.scope.date, region: parsed.scope.region, service: parsed.scope.service)
            try verifier.verifySignature(parsed, request, signingKey: signingKey)
            var authorization = AuthorizationRequest(action: "iam:ListUsers", resource: "arn:aws:iam::123456789012:user/")
            authorization.context = context
            guard PolicyEvaluator.evaluate(policies, authorization) == .allowed else {
                throw ValidationError("policy evaluation disagrees")
            }
        }

        for _ in 0..<2_000 { try once(cachedKey: true) }
        let clock = ContinuousClock()
        func microseconds(_ d: Duration) -> Double {
            (Double(d.components.seconds) * 1e18 + Double(d.components.attoseconds)) / 1e12 / Double(iterations)
        }
        let perRequest = microseconds(try clock.measure { for _ in 0..<iterations { try once(cachedKey: true) } })
        let perRequestUncached = microseconds(try clock.measure { for _ in 0..<iterations { try once(cachedKey: false) } })

        // Policy evaluation alone, for the breakdown.
        var authorization = AuthorizationRequest(action: "iam:ListUsers", resource: "arn:aws:iam::123456789012:user/")
        authorization.context = context
        let evalElapsed = clock.measure {
            for _ in 0..<iterations { _ = PolicyEvaluator.evaluate(policies, authorization) }
        }
        let perEval = microseconds(evalElapsed)
        print(
            String(
                format:
                    "verify+evaluate: %.2f µs per request (%d requests; body hash, parse, clock, signature, 3 policies) [target < 20 µs]",
                perRequest, iterations))
        print(String(format: "  deriving the signing key each time instead of once a day: %.2f µs", perRequestUncached))
        print(String(format: "  of which policy evaluation: %.2f µs (3 policies, 4 statements)", perEval))
        try sessionScenario(now: now)
    }

    /// A temporary credential (GetSessionToken) of a user whose permissions come from its own
    /// policy, two group policies and a permissions boundary: the token is checked as the
    /// server checks it, and the whole set is evaluated.
    func sessionScenario(now: Date) throws {
        let secret = "tEMPoRARYsECRET0000000000000000000000000"
        let token = RandomIDs.sessionToken()
        let signer = SigV4Signer(accessKeyID: "ASIAIOSFODNN7EXAMPLE", secret: secret, region: "us-east-1", service: "ses")
        let body = Array("Action=SendRawEmail&Version=2010-12-01&RawMessage.Data=SGk%3D".utf8)
        let base: [(name: String, value: String)] = [
            ("host", "127.0.0.1:8080"), ("content-type", "application/x-www-form-urlencoded; charset=utf-8"),
            ("content-length", String(body.count)), ("x-amz-security-token", token),
        ]
        let headers = base + signer.sign(method: "POST", rawPath: "/", rawQuery: "", headers: base, body: body, date: now)
        let policies = PolicySet(
            identity: try [
                PolicyDocument.parse(
                    #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:GetUser","iam:*AccessKey*"],"Resource":"arn:aws:iam::*:user/${aws:username}"}]}"#
                ),
                PolicyDocument.parse(
                    #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ses:SendRawEmail","Resource":"*","Condition":{"StringLike":{"ses:FromAddress":"*@example.com"}}}]}"#
                ),
                ManagedPolicies.parsed["arn:aws:iam::aws:policy/AmazonSESReadOnlyAccess"]!,
            ],
            boundary: try PolicyDocument.parse(
                #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["ses:*","iam:Get*"],"Resource":"*"},{"Effect":"Deny","Action":"ses:DeleteIdentity","Resource":"*"}]}"#
            ))
        let credential = ResolvedCredential(
            accessKeyID: "ASIAIOSFODNN7EXAMPLE", secret: secret, status: .active, principal: .root(accountID: "123456789012"),
            policies: policies, sessionTokenHash: SessionTokens.hash(token), expiresAt: now.addingTimeInterval(3600))
        let context: [String: [String]] = [
            "aws:username": ["alice"], "aws:sourceip": ["127.0.0.1"], "aws:currenttime": [Timestamp.iso8601(now)],
            "ses:fromaddress": ["alice@example.com"],
        ]
        let verifier = SigV4Verifier()
        let signingKey = SigV4Verifier.signingKey(
            secret: secret, date: String(SigV4Verifier.formatAmzDate(now).prefix(8)), region: "us-east-1", service: "ses")
        func once() throws {
            let request = SigV4HTTPRequest(
                method: "POST", rawPath: "/", rawQuery: "", headers: headers, payloadHash: SigV4Verifier.sha256Hex(body))
            let parsed = try verifier.parse(request)
            try verifier.checkTime(parsed, now: now)
            try verifier.verifySignature(parsed, request, signingKey: signingKey)
            try SigV4Authenticator.checkSessionToken(credential, request, now: now)
            var authorization = AuthorizationRequest(action: "ses:SendRawEmail", resource: "*")
            authorization.context = context
            guard PolicyEvaluator.evaluate(credential.policies, authorization) == .allowed else {
                throw ValidationError("policy evaluation disagrees")
            }
        }
        for _ in 0..<2_000 { try once() }
        let elapsed = try ContinuousClock().measure { for _ in 0..<iterations { try once() } }
        let micros = (Double(elapsed.components.seconds) * 1e18 + Double(elapsed.components.attoseconds)) / 1e12 / Double(iterations)
        print(
            String(
                format:
                    "with a session token, group policies and a boundary: %.2f µs per request (token checked, 3 identity policies + boundary) [target < 20 µs]",
                micros))
    }
}
