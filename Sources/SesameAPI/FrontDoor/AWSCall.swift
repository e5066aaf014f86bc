import HTTPTypes
import Hummingbird
import NIOCore
public import SesameAWSProtocol
public import SesameBackend

/// What a typed handler learns about its call besides the input: who signed it, for which
/// region, and the request ID the answer carries.
public struct AWSCall: Sendable {
    public var caller: Caller
    public var region: String
    public var requestID: String

    /// A member the model leaves optional but the operation cannot do without (IAM's
    /// CreateLoginProfile password, SNS's Subscribe endpoint), refused in the validator's words.
    static func required<T>(_ value: T?, _ member: String) throws -> T {
        guard let value else {
            throw AWSError.validationError(
                ShapeValidator.message(["Value null at '\(member)' failed to satisfy constraint: Member must not be null"]))
        }
        return value
    }
}

/// The handlers of one AWS service, typed by the generated operations.
public typealias AWSHandlers = AWSOperationTable<AWSCall>

extension AWSError {
    /// An operation of the model that Sesame does not implement: 501 with a message naming the
    /// service and the operation, in the protocol's own error shape.
    static func notImplemented(_ operation: String, service: ServiceModel) -> AWSError {
        AWSError(
            code: "NotImplemented", status: 501,
            message: "Sesame does not implement the \(service.metadata.serviceID) operation \(operation) yet.", fault: .receiver)
    }
}

extension AWSHTTPResponse {
    /// The names the codecs write on every answer, parsed once.
    static let knownNames: [String: HTTPField.Name] = Dictionary(
        uniqueKeysWithValues: ["Content-Type", "x-amzn-RequestId", "x-amzn-ErrorType", "x-amzn-query-error"].map {
            ($0, HTTPField.Name($0)!)
        })

    /// As a Hummingbird response; `close` asks the client to open a new connection (a request
    /// refused before its body was read).
    func response(close: Bool = false) -> Response {
        var fields = HTTPFields()
        for (name, value) in headers {
            if let field = Self.knownNames[name] ?? HTTPField.Name(name) { fields[field] = value }
        }
        if close { fields[.connection] = "close" }
        return Response(status: .init(code: status), headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }
}

extension SigV4HTTPRequest {
    /// The codecs' view of a request: header names lower-cased (the last of repeated ones wins).
    func awsRequest(body: ByteBuffer) -> AWSHTTPRequest {
        var fields: [String: String] = [:]
        for (name, value) in headers { fields[name.lowercased()] = value }
        return AWSHTTPRequest(method: method, path: rawPath, rawQuery: rawQuery, headers: fields, body: Array(body.readableBytesView))
    }
}
