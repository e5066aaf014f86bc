import Foundation
import Hummingbird
import NIOCore
import SesameAWSProtocol
import SesameBackend
import SesameCore

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
        credentials.recordUse(accessKeyID: credential.accessKeyID, service: scope.service, region: scope.region, at: now)
        return credential.caller()
    }
}
