/// The one error type the core and the backend throw.
///
/// `message` is safe to show a client; `reason` is for logs only. Each protocol front end maps
/// `code` to its wire form in exactly one place (AWS: `SesameAPI/Errors/AWSErrorMapping.swift`).
/// New codes are added as static members, so adding one breaks no caller.
public struct SesameError: Error, Sendable, Equatable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        fileprivate enum Base: String, Sendable, CaseIterable {
            case noSuchEntity, entityAlreadyExists, limitExceeded, deleteConflict
            case malformedPolicyDocument, validation, accessDenied, invalidInput
            case policyNotAttachable, passwordPolicyViolation, temporarilyUnavailable, internalFailure
            case messageRejected, invalidParameterValue, throttling, sendingPaused
            case templateDoesNotExist, alreadyExists, missingRenderingAttribute, invalidRenderingParameter
            case configurationSetDoesNotExist, configurationSetAlreadyExists, notFound
            case snsNotFound, invalidParameter, concurrentModification, invalidUserType, reportNotPresent
            case invalidIdentityToken, expiredWebIdentityToken, invalidAuthorizationMessage
            case configurationSetSendingPaused, invalidPolicy, trackingOptionsAlreadyExists, trackingOptionsDoesNotExist
            case invalidTrackingOptions, invalidDeliveryOptions, mailFromDomainNotVerified
            case fromEmailAddressNotVerified, productionAccessNotGranted, invalidCustomVerificationContent
            case queueDoesNotExist, queueNameExists, invalidAttributeName, invalidAttributeValue, receiptHandleIsInvalid
            case tooManyEntriesInBatchRequest, emptyBatchRequest, batchEntryIdsNotDistinct, invalidBatchEntryId
            case purgeQueueInProgress, messageNotInflight, batchRequestTooLong, resourceNotFound, unsupportedOperation
            case ruleDoesNotExist, ruleSetDoesNotExist, cannotDelete, invalidSnsTopic, invalidS3Configuration, invalidLambdaFunction
        }
        fileprivate let base: Base
        public var description: String { base.rawValue }

        public static let noSuchEntity = Code(base: .noSuchEntity)
        /// A concurrent request changed the same thing first; the client may retry.
        public static let concurrentModification = Code(base: .concurrentModification)
        /// SNS's `NotFound` (a topic or subscription that does not exist).
        public static let snsNotFound = Code(base: .snsNotFound)
        /// SNS's `InvalidParameter`.
        public static let invalidParameter = Code(base: .invalidParameter)
        public static let entityAlreadyExists = Code(base: .entityAlreadyExists)
        public static let limitExceeded = Code(base: .limitExceeded)
        public static let deleteConflict = Code(base: .deleteConflict)
        public static let malformedPolicyDocument = Code(base: .malformedPolicyDocument)
        /// A parameter failed a constraint (IAM `ValidationError`).
        public static let validation = Code(base: .validation)
        public static let accessDenied = Code(base: .accessDenied)
        /// A parameter value is not acceptable for the operation (IAM `InvalidInput`).
        public static let invalidInput = Code(base: .invalidInput)
        public static let policyNotAttachable = Code(base: .policyNotAttachable)
        public static let passwordPolicyViolation = Code(base: .passwordPolicyViolation)
        /// Storage is unreachable or busy; the client may retry.
        public static let temporarilyUnavailable = Code(base: .temporarilyUnavailable)
        public static let internalFailure = Code(base: .internalFailure)
        /// SES refused the message (unverified identity, no recipients, …).
        public static let messageRejected = Code(base: .messageRejected)
        /// An SES parameter has a value SES does not accept.
        public static let invalidParameterValue = Code(base: .invalidParameterValue)
        /// A sending quota or rate was exceeded.
        public static let throttling = Code(base: .throttling)
        /// Sending is disabled for the account in this region.
        public static let sendingPaused = Code(base: .sendingPaused)
        public static let templateDoesNotExist = Code(base: .templateDoesNotExist)
        /// An SES resource (template, …) with that name exists.
        public static let alreadyExists = Code(base: .alreadyExists)
        public static let missingRenderingAttribute = Code(base: .missingRenderingAttribute)
        public static let invalidRenderingParameter = Code(base: .invalidRenderingParameter)
        public static let configurationSetDoesNotExist = Code(base: .configurationSetDoesNotExist)
        public static let configurationSetAlreadyExists = Code(base: .configurationSetAlreadyExists)
        /// A resource addressed by a REST path does not exist (SES v2 `NotFoundException`).
        public static let notFound = Code(base: .notFound)
        /// IAM's `InvalidUserType`: the operation is for IAM users only.
        public static let invalidUserType = Code(base: .invalidUserType)
        /// IAM's `ReportNotPresent`: no credential report was generated.
        public static let reportNotPresent = Code(base: .reportNotPresent)
        /// STS's `InvalidIdentityToken`: a web identity token that is malformed or untrusted.
        public static let invalidIdentityToken = Code(base: .invalidIdentityToken)
        /// STS's `ExpiredTokenException` for a web identity token past its `exp`.
        public static let expiredWebIdentityToken = Code(base: .expiredWebIdentityToken)
        /// STS's `InvalidAuthorizationMessageException`.
        public static let invalidAuthorizationMessage = Code(base: .invalidAuthorizationMessage)
        /// SES: a send names a configuration set whose sending is paused.
        public static let configurationSetSendingPaused = Code(base: .configurationSetSendingPaused)
        /// SES's `InvalidPolicy`: a sending authorization policy that is not valid.
        public static let invalidPolicy = Code(base: .invalidPolicy)
        public static let trackingOptionsAlreadyExists = Code(base: .trackingOptionsAlreadyExists)
        public static let trackingOptionsDoesNotExist = Code(base: .trackingOptionsDoesNotExist)
        public static let invalidTrackingOptions = Code(base: .invalidTrackingOptions)
        public static let invalidDeliveryOptions = Code(base: .invalidDeliveryOptions)
        /// SES: the identity's MAIL FROM domain is not verified and it asks to reject the send.
        public static let mailFromDomainNotVerified = Code(base: .mailFromDomainNotVerified)
        /// SES: a custom verification template's sender is not a verified identity.
        public static let fromEmailAddressNotVerified = Code(base: .fromEmailAddressNotVerified)
        /// SES: the account is in the sandbox (custom verification email needs production access).
        public static let productionAccessNotGranted = Code(base: .productionAccessNotGranted)
        public static let invalidCustomVerificationContent = Code(base: .invalidCustomVerificationContent)
        /// SQS: the queue named (by URL or name) does not exist.
        public static let queueDoesNotExist = Code(base: .queueDoesNotExist)
        /// SQS: a queue of that name exists with other attributes.
        public static let queueNameExists = Code(base: .queueNameExists)
        public static let invalidAttributeName = Code(base: .invalidAttributeName)
        public static let invalidAttributeValue = Code(base: .invalidAttributeValue)
        public static let receiptHandleIsInvalid = Code(base: .receiptHandleIsInvalid)
        public static let tooManyEntriesInBatchRequest = Code(base: .tooManyEntriesInBatchRequest)
        public static let emptyBatchRequest = Code(base: .emptyBatchRequest)
        public static let batchEntryIdsNotDistinct = Code(base: .batchEntryIdsNotDistinct)
        public static let invalidBatchEntryId = Code(base: .invalidBatchEntryId)
        public static let batchRequestTooLong = Code(base: .batchRequestTooLong)
        /// SQS's `ResourceNotFoundException` (a move task or its source queue).
        public static let resourceNotFound = Code(base: .resourceNotFound)
        /// SQS's `UnsupportedOperation`.
        public static let unsupportedOperation = Code(base: .unsupportedOperation)
        /// SES receiving: a receipt rule or rule set that does not exist.
        public static let ruleDoesNotExist = Code(base: .ruleDoesNotExist)
        public static let ruleSetDoesNotExist = Code(base: .ruleSetDoesNotExist)
        /// SES receiving: the active rule set cannot be deleted.
        public static let cannotDelete = Code(base: .cannotDelete)
        /// SES receiving: an action's target that does not exist (or, for Lambda, cannot exist here).
        public static let invalidSnsTopic = Code(base: .invalidSnsTopic)
        public static let invalidS3Configuration = Code(base: .invalidS3Configuration)
        public static let invalidLambdaFunction = Code(base: .invalidLambdaFunction)
        /// SQS: a queue may be purged once in 60 seconds.
        public static let purgeQueueInProgress = Code(base: .purgeQueueInProgress)
        /// SQS: ChangeMessageVisibility on a message that is not in flight.
        public static let messageNotInflight = Code(base: .messageNotInflight)

        /// Every code, derived from the cases themselves, so a code added later cannot be left
        /// out of the exhaustive mapping tests.
        public static var all: [Code] { Base.allCases.map { Code(base: $0) } }
    }

    public var code: Code
    /// Text for the client, in the words AWS uses.
    public var message: String
    /// Detail for the operator's log; never sent to a client.
    public var reason: String?
    /// For a refusal: what was asked, by whom, and in which context (the console encodes it for
    /// STS DecodeAuthorizationMessage).
    public var denial: Denial?

    public struct Denial: Sendable, Equatable {
        public var principalARN: String
        public var principalID: String
        public var action: String
        public var resource: String
        public var explicitDeny: Bool
        public var context: [String: [String]]

        public init(
            principalARN: String, principalID: String, action: String, resource: String, explicitDeny: Bool, context: [String: [String]]
        ) {
            self.principalARN = principalARN
            self.principalID = principalID
            self.action = action
            self.resource = resource
            self.explicitDeny = explicitDeny
            self.context = context
        }
    }

    public init(_ code: Code, _ message: String, reason: String? = nil) {
        self.code = code
        self.message = message
        self.reason = reason
    }

    public var description: String { "\(code): \(message)" + (reason.map { " (\($0))" } ?? "") }
}
