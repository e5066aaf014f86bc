/// An HTTP request as the wire codecs see it: no server framework types.
public struct AWSHTTPRequest: Sendable {
    public var method: String
    /// The path as sent (percent-encoded), without the query.
    public var path: String
    public var rawQuery: String
    /// Header names in lower case.
    public var headers: [String: String]
    public var body: [UInt8]

    public init(method: String, path: String, rawQuery: String, headers: [String: String], body: [UInt8]) {
        self.method = method
        self.path = path
        self.rawQuery = rawQuery
        self.headers = headers
        self.body = body
    }
}

/// What a codec writes back: status, headers and body.
public struct AWSHTTPResponse: Sendable {
    public var status: Int
    public var headers: [(String, String)]
    public var body: [UInt8]

    public init(status: Int, headers: [(String, String)], body: [UInt8]) {
        self.status = status
        self.headers = headers
        self.body = body
    }
}

/// One decoded call: the operation and its input, validated against the model.
public struct AWSDecodedCall: Sendable {
    public var operation: OperationModel
    public var input: AWSValue
}

/// Turns problems into the single `ValidationError` AWS sends.
func throwIfInvalid(_ problems: [String]) throws(AWSError) {
    guard problems.isEmpty else { throw AWSError.validationError(ShapeValidator.message(problems)) }
}
