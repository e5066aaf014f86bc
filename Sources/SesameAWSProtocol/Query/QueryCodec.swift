/// The Query protocol (IAM, STS, SES v1, SNS) from the model: parameters in, XML out.
public struct QueryCodec: Sendable {
    public let model: ServiceModel

    public init(model: ServiceModel) { self.model = model }

    /// Decodes and validates the input of `operation` from the request's parameters.
    public func decode(_ parameters: QueryParameters, operation: OperationModel) throws(AWSError) -> AWSValue {
        guard let inputName = operation.input else { return .structure([:]) }
        // Read and validated in one pass (the validator's rules, in its order).
        let (value, problems) = QueryInputDecoder(model: model, parameters: parameters.pairs).decodeValidating(shape: inputName)
        try throwIfInvalid(problems)
        return value
    }

    public func encode(_ output: AWSValue, operation: OperationModel, requestID: String) -> AWSHTTPResponse {
        let xml = QueryOutputEncoder(model: model).responseBytes(operation, output: output, requestID: requestID)
        return AWSHTTPResponse(status: 200, headers: [("Content-Type", "text/xml"), ("x-amzn-RequestId", requestID)], body: xml)
    }

    public func encode(_ error: AWSError, requestID: String) -> AWSHTTPResponse {
        let xml = QueryResponse.renderError(error, namespace: model.metadata.xmlNamespace ?? "", requestID: requestID)
        return AWSHTTPResponse(
            status: error.status, headers: [("Content-Type", "text/xml"), ("x-amzn-RequestId", requestID)], body: Array(xml.utf8))
    }
}
