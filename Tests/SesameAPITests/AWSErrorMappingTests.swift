import Logging
import SesameAWSProtocol
import SesameCore
import SesameStorage
import Testing

@testable import SesameAPI

/// Every `SesameError.Code` has its AWS code and status, and nothing internal leaks.
@Suite struct AWSErrorMappingTests {
    static let expected: [(SesameError.Code, String, Int)] = [
        (.noSuchEntity, "NoSuchEntity", 404), (.entityAlreadyExists, "EntityAlreadyExists", 409),
        (.limitExceeded, "LimitExceeded", 409), (.deleteConflict, "DeleteConflict", 409),
        (.malformedPolicyDocument, "MalformedPolicyDocument", 400), (.validation, "ValidationError", 400),
        (.accessDenied, "AccessDenied", 403), (.invalidInput, "InvalidInput", 400),
        (.policyNotAttachable, "PolicyNotAttachable", 400), (.passwordPolicyViolation, "PasswordPolicyViolation", 400),
        (.temporarilyUnavailable, "ServiceUnavailable", 503), (.internalFailure, "InternalFailure", 500),
        (.messageRejected, "MessageRejected", 400), (.invalidParameterValue, "InvalidParameterValue", 400),
        (.throttling, "Throttling", 400), (.sendingPaused, "AccountSendingPausedException", 400),
        (.templateDoesNotExist, "TemplateDoesNotExist", 400), (.alreadyExists, "AlreadyExists", 400),
        (.missingRenderingAttribute, "MissingRenderingAttribute", 400), (.invalidRenderingParameter, "InvalidRenderingParameter", 400),
        (.configurationSetDoesNotExist, "ConfigurationSetDoesNotExist", 400),
        (.configurationSetAlreadyExists, "ConfigurationSetAlreadyExists", 400),
        (.notFound, "NotFoundException", 404), (.snsNotFound, "NotFound", 404), (.invalidParameter, "InvalidParameter", 400),
        (.concurrentModification, "ConcurrentModification", 409), (.invalidUserType, "InvalidUserType", 400),
        (.reportNotPresent, "ReportNotPresent", 410), (.invalidIdentityToken, "InvalidIdentityToken", 400),
        (.expiredWebIdentityToken, "ExpiredTokenException", 400),
        (.invalidAuthorizationMessage, "InvalidAuthorizationMessageException", 400),
        (.configurationSetSendingPaused, "ConfigurationSetSendingPausedException", 400),
        (.invalidPolicy, "InvalidPolicy", 400),
        (.trackingOptionsAlreadyExists, "TrackingOptionsAlreadyExistsException", 400),
        (.trackingOptionsDoesNotExist, "TrackingOptionsDoesNotExistException", 400),
        (.invalidTrackingOptions, "InvalidTrackingOptions", 400),
        (.invalidDeliveryOptions, "InvalidDeliveryOptions", 400),
        (.mailFromDomainNotVerified, "MailFromDomainNotVerifiedException", 400),
        (.fromEmailAddressNotVerified, "FromEmailAddressNotVerified", 400),
        (.productionAccessNotGranted, "ProductionAccessNotGranted", 400),
        (.invalidCustomVerificationContent, "CustomVerificationEmailInvalidContent", 400),
        (.queueDoesNotExist, "QueueDoesNotExist", 400), (.queueNameExists, "QueueNameExists", 400),
        (.invalidAttributeName, "InvalidAttributeName", 400), (.invalidAttributeValue, "InvalidAttributeValue", 400),
        (.receiptHandleIsInvalid, "ReceiptHandleIsInvalid", 400), (.tooManyEntriesInBatchRequest, "TooManyEntriesInBatchRequest", 400),
        (.emptyBatchRequest, "EmptyBatchRequest", 400), (.batchEntryIdsNotDistinct, "BatchEntryIdsNotDistinct", 400),
        (.batchRequestTooLong, "BatchRequestTooLong", 400), (.resourceNotFound, "ResourceNotFoundException", 404),
        (.unsupportedOperation, "UnsupportedOperation", 400), (.ruleDoesNotExist, "RuleDoesNotExist", 400),
        (.ruleSetDoesNotExist, "RuleSetDoesNotExist", 400), (.cannotDelete, "CannotDelete", 400),
        (.invalidSnsTopic, "InvalidSnsTopic", 400),
        (.invalidS3Configuration, "InvalidS3Configuration", 400), (.invalidLambdaFunction, "InvalidLambdaFunction", 400),
        (.invalidBatchEntryId, "InvalidBatchEntryId", 400), (.purgeQueueInProgress, "PurgeQueueInProgress", 403),
        (.messageNotInflight, "MessageNotInflight", 400),
    ]

    @Test func everyCodeIsMapped() {
        #expect(Set(Self.expected.map { $0.0.description }) == Set(SesameError.Code.all.map(\.description)))
        let logger = Logger(label: "test")
        for (code, awsCode, status) in Self.expected {
            let mapped = AWSErrorMapping.awsError(for: SesameError(code, "message", reason: "secret detail"), logger: logger)
            #expect(mapped.code == awsCode, "\(code)")
            #expect(mapped.status == status, "\(code)")
            #expect(!mapped.message.contains("secret detail"))
        }
    }

    @Test func unknownErrorsBecomeInternalFailure() {
        struct Boom: Error {}
        let mapped = AWSErrorMapping.awsError(for: Boom(), logger: Logger(label: "test"))
        #expect(mapped.code == "InternalFailure" && mapped.status == 500 && mapped.fault == .receiver)
    }

    @Test func awsErrorsPassThrough() {
        let mapped = AWSErrorMapping.awsError(for: AWSError.invalidClientTokenId(), logger: Logger(label: "test"))
        #expect(mapped == .invalidClientTokenId())
    }
}
