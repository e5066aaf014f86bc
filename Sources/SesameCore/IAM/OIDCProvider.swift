public import Foundation

/// An OpenID Connect identity provider registered in IAM (CreateOpenIDConnectProvider): tokens
/// it issues can be exchanged for a role session with AssumeRoleWithWebIdentity.
public struct OIDCProvider: Sendable, Equatable {
    /// The issuer without its scheme (`token.actions.githubusercontent.com`), as IAM keeps it.
    public var url: String
    public var accountID: String
    public var clientIDs: [String]
    public var thumbprints: [String]
    public var createdAt: Date

    public init(url: String, accountID: String, clientIDs: [String], thumbprints: [String], createdAt: Date) {
        self.url = url
        self.accountID = accountID
        self.clientIDs = clientIDs
        self.thumbprints = thumbprints
        self.createdAt = createdAt
    }

    public var arn: String { "arn:\(Partition.current):iam::\(accountID):oidc-provider/\(url)" }

    /// `https://host/path/` → `host/path`; nil unless it is an https URL.
    public static func normalizedURL(_ url: String) -> String? {
        guard url.lowercased().hasPrefix("https://") else { return nil }
        var rest = String(url.dropFirst("https://".count))
        while rest.hasSuffix("/") { rest.removeLast() }
        guard !rest.isEmpty, !rest.contains(where: { $0 == " " || $0 == "?" || $0 == "#" }) else { return nil }
        return rest
    }
}

/// A JSON Web Token as AssumeRoleWithWebIdentity receives it, split and decoded but not yet
/// trusted: the signature is checked by the backend against the issuer's keys.
public struct WebIdentityToken: Sendable {
    public var algorithm: String
    public var keyID: String?
    var claims: [String: JSONValue]
    /// `header.payload`, the bytes the signature covers.
    public var signingInput: [UInt8]
    public var signature: [UInt8]

    public static func base64URLDecode(_ text: Substring) -> [UInt8]? {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        return Data(base64Encoded: base64).map(Array.init)
    }

    static func invalid(_ why: String) -> SesameError { SesameError(.invalidIdentityToken, why) }

    /// Splits and decodes a compact JWS; refuses anything malformed.
    public static func parse(_ token: String) throws(SesameError) -> WebIdentityToken {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let headerBytes = base64URLDecode(parts[0]), let payloadBytes = base64URLDecode(parts[1]),
            let signature = base64URLDecode(parts[2])
        else { throw invalid("The ID token is not a well-formed JWT.") }
        guard case .object(let header)? = try? JSONDecoder().decode(JSONValue.self, from: Data(headerBytes)),
            case .object(let claims)? = try? JSONDecoder().decode(JSONValue.self, from: Data(payloadBytes)),
            case .string(let algorithm)? = header["alg"]
        else { throw invalid("The ID token is not a well-formed JWT.") }
        var keyID: String?
        if case .string(let kid)? = header["kid"] { keyID = kid }
        return WebIdentityToken(
            algorithm: algorithm, keyID: keyID, claims: claims,
            signingInput: Array(token.utf8.prefix(parts[0].utf8.count + 1 + parts[1].utf8.count)),
            signature: signature)
    }

    public func string(_ claim: String) -> String? {
        if case .string(let value)? = claims[claim] { return value }
        return nil
    }

    /// `aud` may be one string or a list.
    public var audiences: [String] {
        switch claims["aud"] {
        case .string(let one)?: [one]
        case .array(let many)?: many.compactMap { if case .string(let s) = $0 { s } else { nil } }
        default: []
        }
    }

    public func number(_ claim: String) -> Double? {
        if case .number(let value)? = claims[claim] { return Double(value) }
        return nil
    }
}
