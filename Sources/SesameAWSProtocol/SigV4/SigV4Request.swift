/// What a signed request looks like to the verifier, independent of any HTTP library.
public struct SigV4HTTPRequest: Sendable {
    public var method: String
    /// The path exactly as it came on the wire (still percent-encoded), without the query.
    public var rawPath: String
    /// The query string exactly as it came on the wire, without `?`.
    public var rawQuery: String
    /// Header names in any case; repeated names allowed.
    public var headers: [(name: String, value: String)]
    /// Hex SHA-256 of the body.
    public var payloadHash: String

    public init(method: String, rawPath: String, rawQuery: String, headers: [(name: String, value: String)], payloadHash: String) {
        self.method = method
        self.rawPath = rawPath
        self.rawQuery = rawQuery
        self.headers = headers
        self.payloadHash = payloadHash
    }

    /// The first header with this name; `lowercaseName` must be lowercase.
    func header(_ lowercaseName: String) -> String? {
        headers.first { Self.equalsIgnoringASCIICase($0.name, lowercaseName) }?.value
    }

    /// Compares a header name with a lowercase name, ignoring ASCII case, without allocating.
    static func equalsIgnoringASCIICase(_ name: String, _ lowercaseName: String) -> Bool {
        var a = name.utf8.makeIterator()
        var b = lowercaseName.utf8.makeIterator()
        while true {
            switch (a.next(), b.next()) {
            case (nil, nil): return true
            case (let x?, let y?):
                let lx = x >= 0x41 && x <= 0x5A ? x + 0x20 : x
                if lx != y { return false }
            default: return false
            }
        }
    }
}

/// The credential scope: `AKID/20150830/us-east-1/iam/aws4_request`.
public struct CredentialScope: Sendable, Equatable {
    public var accessKeyID: String
    public var date: String
    public var region: String
    public var service: String

    public var scopeString: String { "\(date)/\(region)/\(service)/aws4_request" }
}

/// A request whose signature fields were found and parsed, not yet checked against a secret.
public struct ParsedSignature: Sendable {
    public enum Form: Sendable { case authorizationHeader, presignedQuery }
    public var form: Form
    public var scope: CredentialScope
    public var signedHeaders: [String]
    public var signature: String
    /// `X-Amz-Date` (or the `Date` header converted), `yyyyMMdd'T'HHmmss'Z'`.
    public var amzDate: String
    /// Presigned URLs only: seconds of validity.
    public var expires: Int?
    public var securityToken: String?
}
