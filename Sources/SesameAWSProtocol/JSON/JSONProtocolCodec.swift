/// The AWS JSON 1.0 protocol (SQS): `POST /` with `X-Amz-Target: <prefix>.<Operation>`, a JSON
/// body in the input shape, a JSON answer, and errors as `{"__type": …, "message": …}`.
public struct JSONProtocolCodec: Sendable {
    public let model: ServiceModel

    public init(model: ServiceModel) { self.model = model }

    public var contentType: String { "application/x-amz-json-\(model.metadata.jsonVersion ?? "1.0")" }

    /// The operation named by an `X-Amz-Target` header, if it belongs to this service.
    public func operationName(target: String) -> String? {
        guard let prefix = model.metadata.targetPrefix, target.hasPrefix(prefix + ".") else { return nil }
        return String(target.dropFirst(prefix.count + 1))
    }

    public func decode(_ request: AWSHTTPRequest, operation: OperationModel) throws(AWSError) -> AWSValue {
        guard let inputName = operation.input else { return .structure([:]) }
        var problems: [String] = []
        var members = AWSMembers()
        JSONShapeCodec(model: model).decodeBody(request.body, shape: model.shape(inputName), into: &members, problems: &problems)
        let value = AWSValue.structure(members)
        try throwIfInvalid(problems)
        try throwIfInvalid(ShapeValidator(model: model).problems(in: value, shape: inputName))
        return value
    }

    public func encode(_ output: AWSValue, operation: OperationModel, requestID: String) -> AWSHTTPResponse {
        var body: [UInt8] = Array("{}".utf8)
        if let outputName = operation.output { body = JSONShapeCodec(model: model).encodeBody(output, shape: model.shape(outputName)) }
        return AWSHTTPResponse(status: 200, headers: [("Content-Type", contentType), ("x-amzn-RequestId", requestID)], body: body)
    }

    /// `{"__type": "<namespace>#<Code>", "message": …}`; a service that also speaks the old Query
    /// errors gets `x-amzn-query-error: <Code>;Sender` as well.
    public func encode(_ error: AWSError, requestID: String) -> AWSHTTPResponse {
        var headers = [("Content-Type", contentType), ("x-amzn-RequestId", requestID)]
        if model.metadata.awsQueryCompatible {
            headers.append(("x-amzn-query-error", "\(error.queryCode ?? error.code);\(error.fault.rawValue)"))
        }
        return AWSHTTPResponse(
            status: error.status, headers: headers, body: JSONShapeCodec.object([("__type", error.code), ("message", error.message)]))
    }
}
