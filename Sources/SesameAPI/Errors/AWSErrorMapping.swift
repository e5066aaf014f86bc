import Hummingbird
public import Logging
import NIOCore
public import SesameAWSProtocol
import SesameCore

/// The only place where Sesame's errors become AWS errors.
public enum AWSErrorMapping {
    /// Maps any error thrown while serving a request to what the AWS client sees.
    /// Unknown errors become `InternalFailure`, logged with their cause, never shown to the client.
    public static func awsError(for error: any Error, logger: Logger) -> AWSError {
        switch error {
        case let error as AWSError:
            return error
        case let error as SesameError:
            let mapped = map(error)
            if mapped.status >= 500 { logger.error("request failed: \(error)") }
            return mapped
        case let error as HTTPError where error.status == .contentTooLarge:
            return AWSError(code: "RequestEntityTooLarge", status: 413, message: "Request body exceeds the maximum size Sesame accepts.")
        case is NIOTooManyBytesError:
            return AWSError(code: "RequestEntityTooLarge", status: 413, message: "Request body exceeds the maximum size Sesame accepts.")
        default:
            logger.error("request failed with an unexpected error: \(String(reflecting: error))")
            return .internalFailure()
        }
    }

    /// IAM's codes and HTTP statuses (botocore's IAM model) for each `SesameError.Code`.
    static func map(_ error: SesameError) -> AWSError {
        let (code, status): (String, Int) =
            switch error.code {
            case .noSuchEntity: ("NoSuchEntity", 404)
            case .entityAlreadyExists: ("EntityAlreadyExists", 409)
            case .limitExceeded: ("LimitExceeded", 409)
            case .deleteConflict: ("DeleteConflict", 409)
            case .malformedPolicyDocument: ("MalformedPolicyDocument", 400)
            case .validation: ("ValidationError", 400)
            case .accessDenied: ("AccessDenied", 403)
            case .invalidInput: ("InvalidInput", 400)
            case .policyNotAttachable: ("PolicyNotAttachable", 400)
            case .passwordPolicyViolation: ("PasswordPolicyViolation", 400)
            case .temporarilyUnavailable: ("ServiceUnavailable", 503)
            case .internalFailure: ("InternalFailure", 500)
            case .messageRejected: ("MessageRejected", 400)
            case .invalidParameterValue: ("InvalidParameterValue", 400)
            case .throttling: ("Throttling", 400)
            case .sendingPaused: ("AccountSendingPausedException", 400)
            case .templateDoesNotExist: ("TemplateDoesNotExist", 400)
            case .alreadyExists: ("AlreadyExists", 400)
            case .missingRenderingAttribute: ("MissingRenderingAttribute", 400)
            case .invalidRenderingParameter: ("InvalidRenderingParameter", 400)
            case .configurationSetDoesNotExist: ("ConfigurationSetDoesNotExist", 400)
            case .configurationSetAlreadyExists: ("ConfigurationSetAlreadyExists", 400)
            case .notFound: ("NotFoundException", 404)
            case .snsNotFound: ("NotFound", 404)
            case .invalidParameter: ("InvalidParameter", 400)
            case .concurrentModification: ("ConcurrentModification", 409)
            case .invalidUserType: ("InvalidUserType", 400)
            case .reportNotPresent: ("ReportNotPresent", 410)
            case .invalidIdentityToken: ("InvalidIdentityToken", 400)
            case .expiredWebIdentityToken: ("ExpiredTokenException", 400)
            case .invalidAuthorizationMessage: ("InvalidAuthorizationMessageException", 400)
            case .configurationSetSendingPaused: ("ConfigurationSetSendingPausedException", 400)
            case .invalidPolicy: ("InvalidPolicy", 400)
            case .trackingOptionsAlreadyExists: ("TrackingOptionsAlreadyExistsException", 400)
            case .trackingOptionsDoesNotExist: ("TrackingOptionsDoesNotExistException", 400)
            case .invalidTrackingOptions: ("InvalidTrackingOptions", 400)
            case .invalidDeliveryOptions: ("InvalidDeliveryOptions", 400)
            case .mailFromDomainNotVerified: ("MailFromDomainNotVerifiedException", 400)
            case .fromEmailAddressNotVerified: ("FromEmailAddressNotVerified", 400)
            case .productionAccessNotGranted: ("ProductionAccessNotGranted", 400)
            case .invalidCustomVerificationContent: ("CustomVerificationEmailInvalidContent", 400)
            case .queueDoesNotExist: ("QueueDoesNotExist", 400)
            case .queueNameExists: ("QueueNameExists", 400)
            case .invalidAttributeName: ("InvalidAttributeName", 400)
            case .invalidAttributeValue: ("InvalidAttributeValue", 400)
            case .receiptHandleIsInvalid: ("ReceiptHandleIsInvalid", 400)
            case .tooManyEntriesInBatchRequest: ("TooManyEntriesInBatchRequest", 400)
            case .emptyBatchRequest: ("EmptyBatchRequest", 400)
            case .batchEntryIdsNotDistinct: ("BatchEntryIdsNotDistinct", 400)
            case .invalidBatchEntryId: ("InvalidBatchEntryId", 400)
            case .batchRequestTooLong: ("BatchRequestTooLong", 400)
            case .resourceNotFound: ("ResourceNotFoundException", 404)
            case .unsupportedOperation: ("UnsupportedOperation", 400)
            case .ruleDoesNotExist: ("RuleDoesNotExist", 400)
            case .ruleSetDoesNotExist: ("RuleSetDoesNotExist", 400)
            case .cannotDelete: ("CannotDelete", 400)
            case .invalidSnsTopic: ("InvalidSnsTopic", 400)
            case .invalidS3Configuration: ("InvalidS3Configuration", 400)
            case .invalidLambdaFunction: ("InvalidLambdaFunction", 400)
            case .purgeQueueInProgress: ("PurgeQueueInProgress", 403)
            case .messageNotInflight: ("MessageNotInflight", 400)
            default: ("InternalFailure", 500)
            }
        if code == "InternalFailure" { return .internalFailure() }
        return AWSError(
            code: code, status: status, message: error.message, fault: status >= 500 ? .receiver : .sender,
            queryCode: sqsQueryCodes[code])
    }

    /// SQS's error codes in the Query protocol (sent as `x-amzn-query-error` beside the JSON type).
    static let sqsQueryCodes = [
        "QueueDoesNotExist": "AWS.SimpleQueueService.NonExistentQueue", "QueueNameExists": "QueueAlreadyExists",
        "TooManyEntriesInBatchRequest": "AWS.SimpleQueueService.TooManyEntriesInBatchRequest",
        "EmptyBatchRequest": "AWS.SimpleQueueService.EmptyBatchRequest",
        "BatchEntryIdsNotDistinct": "AWS.SimpleQueueService.BatchEntryIdsNotDistinct",
        "InvalidBatchEntryId": "AWS.SimpleQueueService.InvalidBatchEntryId",
        "BatchRequestTooLong": "AWS.SimpleQueueService.BatchRequestTooLong",
        "UnsupportedOperation": "AWS.SimpleQueueService.UnsupportedOperation",
        "PurgeQueueInProgress": "AWS.SimpleQueueService.PurgeQueueInProgress",
        "MessageNotInflight": "AWS.SimpleQueueService.MessageNotInflight",
    ]

    /// The same errors as SES v2 (REST-JSON) names them: exception shape names, and the JSON
    /// forms of the signature errors.
    public static func restJSONError(for error: any Error, logger: Logger) -> AWSError {
        let query = awsError(for: error, logger: logger)
        let (code, status): (String, Int) =
            switch query.code {
            case "NoSuchEntity", "NotFoundException", "TemplateDoesNotExist", "ConfigurationSetDoesNotExist": ("NotFoundException", 404)
            case "EntityAlreadyExists", "AlreadyExists", "ConfigurationSetAlreadyExists": ("AlreadyExistsException", 400)
            case "LimitExceeded": ("LimitExceededException", 400)
            case "AccessDenied": ("AccessDeniedException", 403)
            case "Throttling": ("TooManyRequestsException", 429)
            case "AccountSendingPausedException", "ConfigurationSetSendingPausedException": ("SendingPausedException", 400)
            case "MailFromDomainNotVerifiedException": ("MailFromDomainNotVerifiedException", 400)
            case "InvalidClientTokenId": ("UnrecognizedClientException", 403)
            case "SignatureDoesNotMatch": ("InvalidSignatureException", 403)
            case "InternalFailure": ("InternalServiceErrorException", 500)
            case "MessageRejected", "MissingAuthenticationToken", "IncompleteSignature", "RequestExpired", "ServiceUnavailable",
                "RequestEntityTooLarge", "UnknownOperationException", "NotImplemented":
                (query.code, query.status)
            default: ("BadRequestException", 400)
            }
        return AWSError(code: code, status: status, message: query.message, fault: query.fault)
    }
}
