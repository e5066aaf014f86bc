import SesameAWSModels
import SesameAWSProtocol
import SesameBackend
import SesameCore

/// SES v1's `SendBounce`: the request's DSN fields, as the backend's bounce report.
extension SESv1Handlers {
    static func addSendBounce(_ ses: SESBackend, _ handlers: inout AWSHandlers) {
        handlers.on(SES.Operations.SendBounce.self) { input, call in
            let report = BounceReport(
                from: input.bounceSender, to: "", explanation: input.explanation,
                reportingMTA: input.messageDsn?.reportingMta ?? "email-smtp.\(call.region).amazonaws.com",
                arrivalDate: input.messageDsn?.arrivalDate,
                extensionFields: (input.messageDsn?.extensionFields ?? []).map { ($0.name, $0.value) },
                recipients: input.bouncedRecipientInfoList.map { info in
                    let fields = info.recipientDsnFields
                    return BounceReport.Recipient(
                        address: info.recipient, bounceType: info.bounceType, finalRecipient: fields?.finalRecipient,
                        action: fields?.action, remoteMTA: fields?.remoteMta, status: fields?.status,
                        diagnosticCode: fields?.diagnosticCode, lastAttemptDate: fields?.lastAttemptDate,
                        extensionFields: (fields?.extensionFields ?? []).map { ($0.name, $0.value) })
                },
                originalHeaders: [])
            let id = try await ses.sendBounce(
                call.caller, region: call.region, originalMessageID: input.originalMessageId, bounceSender: input.bounceSender,
                report: report)
            return .init(messageId: id)
        }
    }
}
