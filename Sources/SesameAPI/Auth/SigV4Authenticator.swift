public import Foundation
public import Hummingbird
import NIOCore
public import SesameAWSProtocol
public import SesameBackend
public import SesameCore
import SesameHTTP

/// Verifies a request's Signature V4 against the stored access keys and returns the caller.
public struct SigV4Authenticator: Sendable {
    let verifier = SigV4Verifier()
    let credentials: CredentialResolver
    let clock: any WallClock

    public init(credentials: CredentialResolver, clock: any WallClock) {
        self.credentials = credentials
        self.clock = clock
    }

    /// Builds the verifier's view of a Hummingbird request.
    public static func httpRequest(_ request: Request, body: ByteBuffer) -> SigV4HTTPRequest {
        let target = request.head.path ?? "/"
        let rawPath: String, rawQuery: String
        if let q = target.firstIndex(of: "?") {
            rawPath = String(target[..<q])
            rawQuery = String(target[target.index(after: q)...])
        } else {
            rawPath = target
            rawQuery = ""
        }
        var headers: [(name: String, value: String)] = []
        headers.reserveCapacity(request.headers.count + 1)
        if let authority = request.head.authority { headers.append((name: "host", value: authority)) }
        for field in request.headers { headers.append((name: field.name.canonicalName, value: field.value)) }
        return SigV4HTTPRequest(
            method: request.method.rawValue, rawPath: rawPath, rawQuery: rawQuery, headers: headers,
            payloadHash: SigV4Verifier.sha256Hex(body.readableBytesView))
    }

    /// Parses the signature fields only (no secret needed): tells which service and region were signed for.
    public func parse(_ request: SigV4HTTPRequest) throws(AWSError) -> ParsedSignature {
        try verifier.parse(request)
    }

    /// What can be checked before the body is read: the signature's fields parse, the request
    /// time is within the allowed skew, and the access key exists and is active. Run first, so an
    /// unsigned or wrongly keyed request is refused before any of a large body is buffered.
    public func precheck(_ request: Request) async throws -> ParsedSignature {
        let parsed = try verifier.parse(Self.httpRequest(request, body: ByteBuffer()))
        try verifier.checkTime(parsed, now: clock.now())
        guard let credential = try await credentials.resolve(parsed.scope.accessKeyID), credential.status == .active else {
            throw AWSError.invalidClientTokenId()
        }
        return parsed
    }

    /// The whole body, at most `maxSize` bytes: a larger one is refused with 413 (at once when
    /// its `Content-Length` says so).
    public static func collectBody(_ request: Request, maxSize: Int) async throws -> ByteBuffer {
        if let length = request.headers[.contentLength].flatMap({ Int($0) }), length > maxSize {
            throw AWSError.requestEntityTooLarge(maxSize: maxSize)
        }
        do {
            return try await request.body.collect(upTo: maxSize)
        } catch is NIOTooManyBytesError {
            throw AWSError.requestEntityTooLarge(maxSize: maxSize)
        }
    }

    /// Checks time, key and signature; returns the authenticated caller.
    public func authenticate(_ parsed: ParsedSignature, _ request: SigV4HTTPRequest) async throws -> Caller {
        let now = clock.now()
        try verifier.checkTime(parsed, now: now)
        guard let credential = try await credentials.resolve(parsed.scope.accessKeyID), credential.status == .active else {
            throw AWSError.invalidClientTokenId()
        }
        let scope = parsed.scope
        let key = credentials.signingKey(for: credential, scope: "\(scope.date)/\(scope.region)/\(scope.service)") {
            SigV4Verifier.signingKey(secret: credential.secret, date: scope.date, region: scope.region, service: scope.service)
        }
        try verifier.verifySignature(parsed, request, signingKey: key)
        try Self.checkSessionToken(credential, request, now: now)
        credentials.recordUse(accessKeyID: credential.accessKeyID, service: scope.service, region: scope.region, at: now)
        return credential.caller()
    }

    /// An STS credential works only with its session token (`X-Amz-Security-Token`, as a header
    /// or, presigned, in the query) and only until it expires; a long-term key takes no token.
    public static func checkSessionToken(_ credential: ResolvedCredential, _ request: SigV4HTTPRequest, now: Date) throws(AWSError) {
        // Header names arrive lowercased (`httpRequest` uses their canonical names).
        var token = request.headers.first { $0.name == "x-amz-security-token" }?.value
        if token == nil, request.rawQuery.contains("X-Amz-Security-Token=") {
            token = URIEncoding.parsePairs(Array(request.rawQuery.utf8), plusAsSpace: false).first { $0.0 == "X-Amz-Security-Token" }?.1
        }
        guard let expected = credential.sessionTokenHash else {
            if token != nil { throw AWSError.invalidClientTokenId() }
            return
        }
        guard let token, SigV4Verifier.sha256Hex(Array(token.utf8)) == expected else { throw AWSError.invalidClientTokenId() }
        if let expiresAt = credential.expiresAt, expiresAt <= now { throw AWSError.expiredToken() }
    }

    /// The checks every front door makes once the body is read: the signature was made for one
    /// of `signingNames` and for a region this node serves (or us-east-1 for a global API), the
    /// key and signature verify; returns the caller with the request's context added.
    func verify(
        _ parsed: ParsedSignature, _ signed: SigV4HTTPRequest, _ request: Request, context: SesameRequestContext,
        signingNames: Set<String>, regions: [String], acceptsGlobalRegion: Bool = false
    ) async throws -> Caller {
        guard signingNames.contains(parsed.scope.service) else {
            throw AWSError.signatureDoesNotMatch("Credential should be scoped to correct service: '\(signingNames.sorted().first ?? "")'. ")
        }
        let region = parsed.scope.region
        guard regions.contains(region) || (acceptsGlobalRegion && region == "us-east-1") else {
            throw AWSError.signatureDoesNotMatch("Credential should be scoped to a valid region, not '\(region)'. ")
        }
        var caller = try await authenticate(parsed, signed)
        caller.addRequestContext(
            now: Date(), sourceIP: context.clientAddress, secureTransport: false, userAgent: request.headers[.userAgent],
            region: region)
        return caller
    }
}
