@preconcurrency import Crypto
import Foundation
import Testing

@testable import SesameAWSProtocol

/// AWS's Signature Version 4 test suite (requests signed with `AKIDEXAMPLE` on 2015-08-30 for
/// service `service` in us-east-1). Expected signatures are the suite's published values; the
/// cases were re-checked against botocore. Path-normalisation cases are left out: they sign raw
/// paths that no HTTP client puts on the wire, and non-S3 services sign the path as received.
@Suite struct SigV4SuiteTests {
    struct Case: Sendable, CustomStringConvertible {
        let name: String
        let method: String
        let query: String
        let headers: [(name: String, value: String)]
        let body: String
        let signature: String
        var description: String { name }
    }

    static let secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
    static let date = "20150830T123600Z"

    static let cases: [Case] = [
        Case(
            name: "get-vanilla", method: "GET", query: "", headers: [], body: "",
            signature: "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"),
        Case(
            name: "get-vanilla-empty-query-key", method: "GET", query: "Param1=value1", headers: [], body: "",
            signature: "a67d582fa61cc504c4bae71f336f98b97f1ea3c7a6bfe1b6e45aec72011b9aeb"),
        Case(
            name: "get-vanilla-query-order-key-case", method: "GET", query: "Param2=value2&Param1=value1", headers: [], body: "",
            signature: "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500"),
        Case(
            name: "get-vanilla-query-unreserved", method: "GET",
            query:
                "-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz=-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
            headers: [], body: "", signature: "9c3e54bfcdf0b19771a7f523ee5669cdf59bc7cc0884027167c21bb143a40197"),
        Case(
            name: "get-vanilla-utf8-query", method: "GET", query: "%E1%88%B4=bar", headers: [], body: "",
            signature: "2cdec8eed098649ff3a119c94853b13c643bcf08f8b0a1d91e12c9027818dd04"),
        Case(
            name: "get-header-key-duplicate", method: "GET", query: "",
            headers: [("My-Header1", "value2"), ("My-Header1", "value2"), ("My-Header1", "value1")], body: "",
            signature: "c9d5ea9f3f72853aea855b47ea873832890dbdd183b4468f858259531a5138ea"),
        Case(
            name: "get-header-value-order", method: "GET", query: "",
            headers: [("My-Header1", "value4"), ("My-Header1", "value1"), ("My-Header1", "value3"), ("My-Header1", "value2")], body: "",
            signature: "08c7e5a9acfcfeb3ab6b2185e75ce8b1deb5e634ec47601a50643f830c755c01"),
        Case(
            name: "get-header-value-trim", method: "GET", query: "",
            headers: [("My-Header1", " value1"), ("My-Header2", " \"a   b   c\"")], body: "",
            signature: "acc3ed3afb60bb290fc8d2dd0098b9911fcaa05412b367055dee359757a9c736"),
        Case(
            name: "post-vanilla", method: "POST", query: "", headers: [], body: "",
            signature: "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b"),
        Case(
            name: "post-vanilla-query", method: "POST", query: "Param1=value1", headers: [], body: "",
            signature: "28038455d6de14eafc1f9222cf5aa6f1a96197d7deb8263271d420d138af7f11"),
        Case(
            name: "post-header-key-sort", method: "POST", query: "", headers: [("My-Header1", "value1")], body: "",
            signature: "c5410059b04c1ee005303aed430f6e6645f61f4dc9e1461ec8f8916fdf18852c"),
        Case(
            name: "post-header-value-case", method: "POST", query: "", headers: [("My-Header1", "VALUE1")], body: "",
            signature: "cdbc9802e29d2942e5e10b5bccfdd67c5f22c7c4e8ae67b53629efa58b974b7d"),
        Case(
            name: "post-x-www-form-urlencoded", method: "POST", query: "",
            headers: [("Content-Type", "application/x-www-form-urlencoded")], body: "Param1=value1",
            signature: "ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a"),
        Case(
            name: "post-x-www-form-urlencoded-parameters", method: "POST", query: "",
            headers: [("Content-Type", "application/x-www-form-urlencoded; charset=utf8")], body: "Param1=value1",
            signature: "1a72ec8f64bd914b0e42e42607c7fbce7fb2c7465f63e3092b3b0d39fa77a6fe"),
    ]

    static func request(_ c: Case, signature: String) -> SigV4HTTPRequest {
        var headers: [(name: String, value: String)] = [("Host", "example.amazonaws.com"), ("X-Amz-Date", date)]
        headers += c.headers
        let signed = Array(Set(headers.map { $0.name.lowercased() })).sorted().joined(separator: ";")
        headers.append(
            (
                "Authorization",
                "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=\(signed), Signature=\(signature)"
            ))
        return SigV4HTTPRequest(
            method: c.method, rawPath: "/", rawQuery: c.query, headers: headers,
            payloadHash: SigV4Verifier.sha256Hex(Array(c.body.utf8)))
    }

    static var signingKey: SymmetricKey {
        SigV4Verifier.signingKey(secret: secret, date: "20150830", region: "us-east-1", service: "service")
    }

    @Test(arguments: cases)
    func publishedSignatureVerifies(_ c: Case) throws {
        let verifier = SigV4Verifier()
        let request = Self.request(c, signature: c.signature)
        let parsed = try verifier.parse(request)
        #expect(parsed.scope == CredentialScope(accessKeyID: "AKIDEXAMPLE", date: "20150830", region: "us-east-1", service: "service"))
        #expect(verifier.expectedSignature(parsed, request, signingKey: Self.signingKey) == c.signature)
        try verifier.verifySignature(parsed, request, signingKey: Self.signingKey)
    }

    @Test(arguments: cases)
    func alteredSignatureIsRefused(_ c: Case) throws {
        let verifier = SigV4Verifier()
        var wrong = Array(c.signature)
        wrong[10] = wrong[10] == "0" ? "1" : "0"
        let request = Self.request(c, signature: String(wrong))
        let parsed = try verifier.parse(request)
        #expect(throws: AWSError.signatureDoesNotMatch()) {
            try verifier.verifySignature(parsed, request, signingKey: Self.signingKey)
        }
    }

    @Test func getVanillaIntermediateValues() throws {
        let verifier = SigV4Verifier()
        let request = Self.request(Self.cases[0], signature: Self.cases[0].signature)
        let parsed = try verifier.parse(request)
        let canonical = verifier.canonicalRequest(parsed, request)
        #expect(
            canonical
                == "GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        )
        #expect(
            verifier.stringToSign(parsed, canonicalRequest: canonical)
                == "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\nbb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63"
        )
        let key = Self.signingKey.withUnsafeBytes { SigV4Verifier.hex(Array($0)) }
        #expect(key == "938127b5336810ddb6a5d6af445fcac9e371f9ed418ed386b022aed82901be75")
    }

    /// botocore's presigned form of get-vanilla (expires 3600).
    @Test func presignedQuery() throws {
        let query =
            "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDEXAMPLE%2F20150830%2Fus-east-1%2Fservice%2Faws4_request&X-Amz-Date=20150830T123600Z&X-Amz-Expires=3600&X-Amz-SignedHeaders=host&X-Amz-Signature=e93c787ed7f371d5c6b165c1b38ede9550f4dce4144713e844b25b7192d3865d"
        let request = SigV4HTTPRequest(
            method: "GET", rawPath: "/", rawQuery: query, headers: [("Host", "example.amazonaws.com")],
            payloadHash: SigV4Verifier.sha256Hex([UInt8]()))
        let verifier = SigV4Verifier()
        let parsed = try verifier.parse(request)
        #expect(parsed.form == .presignedQuery)
        #expect(parsed.expires == 3600)
        try verifier.verifySignature(parsed, request, signingKey: Self.signingKey)
        let start = SigV4Verifier.parseAmzDate("20150830T123600Z")!
        try verifier.checkTime(parsed, now: start.addingTimeInterval(3000))
        #expect(throws: AWSError.self) { try verifier.checkTime(parsed, now: start.addingTimeInterval(3700)) }
        do {
            try verifier.checkTime(parsed, now: start.addingTimeInterval(3700))
        } catch {
            #expect(error.code == "RequestExpired")
        }
    }

    /// Presigned URLs may declare `UNSIGNED-PAYLOAD`; a header-signed request may not skip the body hash.
    @Test func unsignedPayloadOnlyForPresignedURLs() throws {
        let verifier = SigV4Verifier()
        let key = Self.signingKey
        let bodyHash = SigV4Verifier.sha256Hex(Array("Action=ListUsers".utf8))
        let query =
            "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDEXAMPLE%2F20150830%2Fus-east-1%2Fservice%2Faws4_request&X-Amz-Date=20150830T123600Z&X-Amz-Expires=60&X-Amz-SignedHeaders=host"
        // The signature is left out of the canonical query, so a placeholder does not change it.
        var presigned = SigV4HTTPRequest(
            method: "POST", rawPath: "/", rawQuery: query + "&X-Amz-Signature=00",
            headers: [("Host", "example.amazonaws.com"), ("X-Amz-Content-Sha256", "UNSIGNED-PAYLOAD")], payloadHash: bodyHash)
        let parsedPresigned = try verifier.parse(presigned)
        #expect(verifier.canonicalRequest(parsedPresigned, presigned).hasSuffix("\nUNSIGNED-PAYLOAD"))
        let signature = verifier.expectedSignature(parsedPresigned, presigned, signingKey: key)
        presigned.rawQuery = query + "&X-Amz-Signature=\(signature)"
        try verifier.verifySignature(try verifier.parse(presigned), presigned, signingKey: key)

        let header = SigV4HTTPRequest(
            method: "POST", rawPath: "/", rawQuery: "",
            headers: [
                ("Host", "example.amazonaws.com"), ("X-Amz-Date", "20150830T123600Z"), ("X-Amz-Content-Sha256", "UNSIGNED-PAYLOAD"),
                (
                    "Authorization",
                    "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-content-sha256;x-amz-date, Signature=00"
                ),
            ],
            payloadHash: bodyHash)
        let parsedHeader = try verifier.parse(header)
        #expect(verifier.canonicalRequest(parsedHeader, header).hasSuffix("\n" + bodyHash))
    }

    /// An SES-shaped request signed by botocore (same key and time).
    @Test func sesQueryRequest() throws {
        let body = "Action=GetSendQuota&Version=2010-12-01"
        let request = SigV4HTTPRequest(
            method: "POST", rawPath: "/", rawQuery: "",
            headers: [
                ("Content-Type", "application/x-www-form-urlencoded; charset=utf-8"), ("Host", "email.us-east-1.amazonaws.com"),
                ("X-Amz-Date", "20150830T123600Z"),
                (
                    "Authorization",
                    "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/ses/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=bf7f7294b91f9f8149391fda5fdf344f04bff5c59ef9b08efb5002fc0dfc274b"
                ),
            ],
            payloadHash: SigV4Verifier.sha256Hex(Array(body.utf8)))
        let verifier = SigV4Verifier()
        let parsed = try verifier.parse(request)
        let key = SigV4Verifier.signingKey(secret: Self.secret, date: "20150830", region: "us-east-1", service: "ses")
        try verifier.verifySignature(parsed, request, signingKey: key)
        // The same signature over a tampered body must fail: the payload hash is signed.
        var tampered = request
        tampered.payloadHash = SigV4Verifier.sha256Hex(Array("Action=GetSendQuota&Version=2010-12-02".utf8))
        #expect(throws: AWSError.self) { try verifier.verifySignature(parsed, tampered, signingKey: key) }
    }

    /// Non-S3 services sign the path as it arrived, encoded once more.
    @Test func canonicalURIDoubleEncodes() {
        #expect(SigV4Verifier.canonicalURI("/v2/email/identities/a%40example.com") == "/v2/email/identities/a%2540example.com")
        #expect(SigV4Verifier.canonicalURI("") == "/")
        #expect(SigV4Verifier.canonicalURI("/") == "/")
    }

    @Test func signerAndVerifierAgree() throws {
        let signer = SigV4Signer(accessKeyID: "AKIAEXAMPLEEXAMPLE12", secret: "secret-secret", region: "eu-west-1", service: "iam")
        let body = Array("Action=ListUsers&Version=2010-05-08".utf8)
        let base: [(name: String, value: String)] = [("Host", "127.0.0.1:8080"), ("Content-Type", "application/x-www-form-urlencoded")]
        let now = Date(timeIntervalSince1970: 1_700_000_000)
        let added = signer.sign(method: "POST", rawPath: "/", rawQuery: "", headers: base, body: body, date: now)
        let request = SigV4HTTPRequest(
            method: "POST", rawPath: "/", rawQuery: "", headers: base + added, payloadHash: SigV4Verifier.sha256Hex(body))
        let verifier = SigV4Verifier()
        let parsed = try verifier.parse(request)
        try verifier.checkTime(parsed, now: now)
        try verifier.verifySignature(
            parsed, request,
            signingKey: SigV4Verifier.signingKey(secret: "secret-secret", date: parsed.scope.date, region: "eu-west-1", service: "iam"))
    }
}

@Suite struct SigV4ErrorTests {
    let verifier = SigV4Verifier()

    func request(authorization: String?, date: String? = "20150830T123600Z", query: String = "") -> SigV4HTTPRequest {
        var headers: [(name: String, value: String)] = [("Host", "example.amazonaws.com")]
        if let date { headers.append(("X-Amz-Date", date)) }
        if let authorization { headers.append(("Authorization", authorization)) }
        return SigV4HTTPRequest(
            method: "GET", rawPath: "/", rawQuery: query, headers: headers, payloadHash: SigV4Verifier.sha256Hex([UInt8]()))
    }

    func code(_ body: () throws -> Void) -> String? {
        do {
            try body()
            return nil
        } catch {
            return (error as? AWSError)?.code ?? "unexpected \(error)"
        }
    }

    @Test func missingSignature() {
        #expect(code { _ = try verifier.parse(request(authorization: nil)) } == "MissingAuthenticationToken")
    }

    @Test func incompleteHeader() {
        let c = code {
            _ = try verifier.parse(request(authorization: "AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/iam/aws4_request"))
        }
        #expect(c == "IncompleteSignature")
    }

    @Test func missingDate() {
        let auth = "AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/iam/aws4_request, SignedHeaders=host, Signature=00"
        #expect(code { _ = try verifier.parse(request(authorization: auth, date: nil)) } == "IncompleteSignature")
    }

    @Test func clockSkew() throws {
        let auth = "AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/iam/aws4_request, SignedHeaders=host;x-amz-date, Signature=00"
        let parsed = try verifier.parse(request(authorization: auth))
        let signedAt = SigV4Verifier.parseAmzDate("20150830T123600Z")!
        #expect(code { try verifier.checkTime(parsed, now: signedAt.addingTimeInterval(14 * 60)) } == nil)
        #expect(code { try verifier.checkTime(parsed, now: signedAt.addingTimeInterval(-14 * 60)) } == nil)
        do {
            try verifier.checkTime(parsed, now: signedAt.addingTimeInterval(16 * 60))
            Issue.record("a request 16 minutes old was accepted")
        } catch {
            #expect(error.code == "SignatureDoesNotMatch")
            #expect(
                error.message == "Signature expired: 20150830T123600Z is now earlier than 20150830T123700Z (20150830T125200Z - 15 min.)")
        }
        #expect(code { try verifier.checkTime(parsed, now: signedAt.addingTimeInterval(-16 * 60)) } == "SignatureDoesNotMatch")
    }

    @Test func scopeDateMustMatch() throws {
        let auth = "AWS4-HMAC-SHA256 Credential=AKID/20150829/us-east-1/iam/aws4_request, SignedHeaders=host;x-amz-date, Signature=00"
        let parsed = try verifier.parse(request(authorization: auth))
        #expect(code { try verifier.checkTime(parsed, now: SigV4Verifier.parseAmzDate("20150830T123600Z")!) } == "SignatureDoesNotMatch")
    }

    @Test func hostMustBeSigned() throws {
        let auth = "AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/iam/aws4_request, SignedHeaders=x-amz-date, Signature=00"
        let req = request(authorization: auth)
        let parsed = try verifier.parse(req)
        let key = SigV4Verifier.signingKey(secret: "s", date: "20150830", region: "us-east-1", service: "iam")
        #expect(code { try verifier.verifySignature(parsed, req, signingKey: key) } == "IncompleteSignature")
    }

    @Test func otherAlgorithmsAreRefused() {
        #expect(code { _ = try verifier.parse(request(authorization: "AWS AKID:signature")) } == "IncompleteSignature")
    }
}
