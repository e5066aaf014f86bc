import Foundation
import SesameAWSModels
import SesameAWSProtocol
import SesameBackend
import SesameCore

/// SES v2's `SendBulkEmail`: one template (stored or inline) sent to each entry with its own
/// replacement data; each entry succeeds or fails on its own.
extension SESv2Handlers {
    static func addBulkSending(_ ses: SESBackend, _ handlers: inout AWSHandlers) {
        handlers.on(SESv2.Operations.SendBulkEmail.self) { input, call in
            guard let template = input.defaultContent.template else {
                throw SesameError(.validation, "DefaultContent must have a Template.")
            }
            guard let from = input.fromEmailAddress else { throw SesameError(.validation, "FromEmailAddress is required.") }
            let name = template.templateName ?? template.templateArn?.split(separator: "/").last.map(String.init)
            if name == nil && template.templateContent == nil {
                throw SesameError(.validation, "DefaultContent.Template needs TemplateName, TemplateArn or TemplateContent.")
            }
            var results: [SESv2.BulkEmailEntryResult] = []
            for entry in input.bulkEmailEntries {
                let destination = entry.destination
                let data = entry.replacementEmailContent?.replacementTemplate?.replacementTemplateData ?? template.templateData ?? "{}"
                do {
                    let id: String
                    if let inline = template.templateContent {
                        id = try await ses.sendTemplate(
                            call.caller, region: call.region, source: from, to: destination.toAddresses ?? [],
                            cc: destination.ccAddresses ?? [], bcc: destination.bccAddresses ?? [], replyTo: input.replyToAddresses ?? [],
                            template: EmailTemplate(
                                name: "", subject: inline.subject, text: inline.text, html: inline.html, createdAt: Date()),
                            dataJSON: data, apiVersion: "2", configurationSet: input.configurationSetName, action: "ses:SendBulkEmail")
                    } else {
                        id = try await ses.sendTemplatedEmail(
                            call.caller, region: call.region, source: from, to: destination.toAddresses ?? [],
                            cc: destination.ccAddresses ?? [], bcc: destination.bccAddresses ?? [], replyTo: input.replyToAddresses ?? [],
                            templateName: name ?? "", dataJSON: data, apiVersion: "2", configurationSet: input.configurationSetName,
                            action: "ses:SendBulkEmail")
                    }
                    results.append(SESv2.BulkEmailEntryResult(status: "SUCCESS", messageId: id))
                } catch let error as SesameError where error.code == .accessDenied {
                    throw error
                } catch let error as SesameError {
                    results.append(SESv2.BulkEmailEntryResult(status: bulkStatus(error.code), error: error.message))
                }
            }
            return .init(bulkEmailEntryResults: results)
        }
    }

    /// SES v2's per-entry status for a refusal.
    static func bulkStatus(_ code: SesameError.Code) -> String {
        switch code {
        case .messageRejected: "MESSAGE_REJECTED"
        case .mailFromDomainNotVerified: "MAIL_FROM_DOMAIN_NOT_VERIFIED"
        case .configurationSetDoesNotExist: "CONFIGURATION_SET_NOT_FOUND"
        case .templateDoesNotExist: "TEMPLATE_NOT_FOUND"
        case .throttling: "ACCOUNT_THROTTLED"
        case .sendingPaused: "ACCOUNT_SENDING_PAUSED"
        case .configurationSetSendingPaused: "CONFIGURATION_SET_SENDING_PAUSED"
        case .invalidParameterValue, .validation, .missingRenderingAttribute, .invalidRenderingParameter: "INVALID_PARAMETER"
        case .temporarilyUnavailable: "TRANSIENT_FAILURE"
        default: "FAILED"
        }
    }
}
