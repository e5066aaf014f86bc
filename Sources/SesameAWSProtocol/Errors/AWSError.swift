/// An error as an AWS client sees it: code, HTTP status, message, and fault side.
public struct AWSError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Fault: String, Sendable { case sender = "Sender", receiver = "Receiver" }

    public var code: String
    public var status: Int
    public var message: String
    public var fault: Fault
    /// A JSON service that also answers Query-protocol errors (SQS) names some errors
    /// differently there (`AWS.SimpleQueueService.NonExistentQueue`); nil: the same code.
    public var queryCode: String?

    public init(code: String, status: Int, message: String, fault: Fault = .sender, queryCode: String? = nil) {
        self.code = code
        self.status = status
        self.message = message
        self.fault = fault
        self.queryCode = queryCode
    }

    public var description: String { "\(code) (\(status)): \(message)" }

    // Signature V4 and request-level errors, worded as AWS words them.
    public static func missingAuthenticationToken() -> AWSError {
        AWSError(code: "MissingAuthenticationToken", status: 403, message: "Request is missing Authentication Token")
    }
    public static func incompleteSignature(_ message: String) -> AWSError {
        AWSError(code: "IncompleteSignature", status: 400, message: message)
    }
    public static func invalidClientTokenId() -> AWSError {
        AWSError(code: "InvalidClientTokenId", status: 403, message: "The security token included in the request is invalid.")
    }
    public static func expiredToken() -> AWSError {
        AWSError(code: "ExpiredToken", status: 403, message: "The security token included in the request is expired")
    }
    public static let signatureMismatchText =
        "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details."
    public static func signatureDoesNotMatch(_ message: String = signatureMismatchText) -> AWSError {
        AWSError(code: "SignatureDoesNotMatch", status: 403, message: message)
    }
    public static func requestExpired(_ message: String = "Request has expired.") -> AWSError {
        AWSError(code: "RequestExpired", status: 400, message: message)
    }
    public static func invalidAction(_ action: String, service: String) -> AWSError {
        AWSError(code: "InvalidAction", status: 400, message: "Could not find operation \(action) for version \(service)")
    }
    public static func missingAction() -> AWSError {
        AWSError(code: "MissingAction", status: 400, message: "Missing Action")
    }
    public static func validationError(_ message: String) -> AWSError {
        AWSError(code: "ValidationError", status: 400, message: message)
    }
    public static func requestEntityTooLarge(maxSize: Int) -> AWSError {
        AWSError(code: "RequestEntityTooLarge", status: 413, message: "Request body is larger than the \(maxSize) bytes Sesame accepts.")
    }
    public static func internalFailure() -> AWSError {
        AWSError(
            code: "InternalFailure", status: 500,
            message: "The request processing has failed because of an unknown error, exception or failure.", fault: .receiver)
    }
    public static func serviceUnavailable() -> AWSError {
        AWSError(code: "ServiceUnavailable", status: 503, message: "Service is unable to handle request.", fault: .receiver)
    }
}
