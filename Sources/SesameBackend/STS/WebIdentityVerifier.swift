import Crypto
public import Foundation
public import SesameCore
import _CryptoExtras

/// Where the signing keys (a JWKS document) of an OpenID Connect issuer come from. Sesame
/// reaches no internet, so the operator names them (`--oidc-jwks ISSUER=FILE_OR_URL`).
public protocol WebIdentityKeySource: Sendable {
    /// The JWKS document for an issuer (`host/path`, no scheme), or nil when none is configured.
    func jwks(issuer: String) async throws -> [UInt8]?
}

/// Checks a web identity token's signature against its issuer's keys (RS256 and ES256, the
/// algorithms OIDC providers use) and its registered claims against the IAM provider.
public struct WebIdentityVerifier: Sendable {
    let keys: (any WebIdentityKeySource)?

    public init(keys: (any WebIdentityKeySource)?) { self.keys = keys }

    static func invalid(_ message: String) -> SesameError { SesameError(.invalidIdentityToken, message) }

    /// Verifies `token` for `provider`; returns the audience it was issued for.
    public func verify(_ token: WebIdentityToken, provider: OIDCProvider, now: Date) async throws -> String {
        guard let keys, let document = try await keys.jwks(issuer: provider.url) else {
            throw Self.invalid(
                "Sesame has no signing keys for https://\(provider.url): start it with --oidc-jwks https://\(provider.url)=FILE_OR_URL.")
        }
        try Self.checkSignature(token, jwks: document)
        guard let audience = token.audiences.first(where: { provider.clientIDs.contains($0) }) else {
            throw Self.invalid("Incorrect token audience")
        }
        guard let expiry = token.number("exp") else { throw Self.invalid("The ID token has no expiration (exp) claim.") }
        if expiry <= now.timeIntervalSince1970 {
            throw SesameError(
                .expiredWebIdentityToken,
                "Token expired: current date/time \(Int(now.timeIntervalSince1970)) must be before the expiration date/time\(Int(expiry))")
        }
        if let notBefore = token.number("nbf"), notBefore > now.timeIntervalSince1970 + 300 {
            throw Self.invalid("The ID token is not valid yet (nbf).")
        }
        return audience
    }

    struct JWK: Decodable {
        var kty: String
        var kid: String?
        var alg: String?
        var n: String?
        var e: String?
        var crv: String?
        var x: String?
        var y: String?
    }

    struct JWKSet: Decodable {
        var keys: [JWK]
    }

    static func checkSignature(_ token: WebIdentityToken, jwks: [UInt8]) throws {
        guard let set = try? JSONDecoder().decode(JWKSet.self, from: Data(jwks)) else {
            throw invalid("The issuer's key set (JWKS) could not be read.")
        }
        let candidates = set.keys.filter { token.keyID == nil || $0.kid == token.keyID }
        guard !candidates.isEmpty else { throw invalid("No key in the issuer's key set matches the token's key ID.") }
        let digest = SHA256.hash(data: token.signingInput)
        for key in candidates {
            switch (token.algorithm, key.kty) {
            case ("RS256", "RSA"):
                guard let n = key.n.flatMap({ WebIdentityToken.base64URLDecode(Substring($0)) }),
                    let e = key.e.flatMap({ WebIdentityToken.base64URLDecode(Substring($0)) }),
                    let publicKey = try? _RSA.Signing.PublicKey(n: n, e: e)
                else { continue }
                if publicKey.isValidSignature(
                    _RSA.Signing.RSASignature(rawRepresentation: token.signature), for: digest, padding: .insecurePKCS1v1_5)
                {
                    return
                }
            case ("ES256", "EC"):
                guard key.crv == "P-256", let x = key.x.flatMap({ WebIdentityToken.base64URLDecode(Substring($0)) }),
                    let y = key.y.flatMap({ WebIdentityToken.base64URLDecode(Substring($0)) }),
                    let publicKey = try? P256.Signing.PublicKey(x963Representation: [0x04] + x + y),
                    let signature = try? P256.Signing.ECDSASignature(rawRepresentation: token.signature)
                else { continue }
                if publicKey.isValidSignature(signature, for: digest) { return }
            default:
                continue
            }
        }
        throw invalid(
            token.algorithm == "RS256" || token.algorithm == "ES256"
                ? "The ID token's signature does not verify with the issuer's keys." : "Unsupported token algorithm \(token.algorithm).")
    }
}

/// Keys read from files, for issuers configured with a path.
public struct FileWebIdentityKeys: WebIdentityKeySource {
    let files: [String: String]

    public init(files: [String: String]) { self.files = files }

    public func jwks(issuer: String) async throws -> [UInt8]? {
        guard let path = files[issuer] else { return nil }
        return try await BlockingWork.run { Array(try Data(contentsOf: URL(fileURLWithPath: path))) }
    }
}
