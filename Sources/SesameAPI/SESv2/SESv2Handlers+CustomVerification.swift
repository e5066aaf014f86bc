import Foundation
import SesameAWSModels
import SesameAWSProtocol
import SesameBackend
import SesameCore

/// SES v2: custom verification email templates and SendCustomVerificationEmail.
extension SESv2Handlers {
    static func addCustomVerification(_ ses: SESBackend, _ handlers: inout AWSHandlers) {
        handlers.on(SESv2.Operations.CreateCustomVerificationEmailTemplate.self) { input, call in
            try await ses.putCustomVerificationTemplate(
                call.caller, region: call.region,
                template: CustomVerificationTemplate(
                    region: call.region, name: input.templateName, fromAddress: input.fromEmailAddress, subject: input.templateSubject,
                    content: input.templateContent, successURL: input.successRedirectionURL, failureURL: input.failureRedirectionURL,
                    tags: (input.tags ?? []).map { Tag(key: $0.key, value: $0.value) }, createdAt: Date()), replace: false)
            return .init()
        }
        handlers.on(SESv2.Operations.UpdateCustomVerificationEmailTemplate.self) { input, call in
            let current = try await ses.customVerificationTemplate(call.caller, region: call.region, name: input.templateName)
            var updated = current
            updated.fromAddress = input.fromEmailAddress
            updated.subject = input.templateSubject
            updated.content = input.templateContent
            updated.successURL = input.successRedirectionURL
            updated.failureURL = input.failureRedirectionURL
            try await ses.putCustomVerificationTemplate(call.caller, region: call.region, template: updated, replace: true)
            return .init()
        }
        handlers.on(SESv2.Operations.GetCustomVerificationEmailTemplate.self) { input, call in
            let found = try await ses.customVerificationTemplate(call.caller, region: call.region, name: input.templateName)
            return .init(
                templateName: found.name, fromEmailAddress: found.fromAddress, templateSubject: found.subject,
                templateContent: found.content,
                tags: found.tags.map { SESv2.Tag(key: $0.key, value: $0.value) }, successRedirectionURL: found.successURL,
                failureRedirectionURL: found.failureURL)
        }
        handlers.on(SESv2.Operations.ListCustomVerificationEmailTemplates.self) { input, call in
            let listed = try await ses.listCustomVerificationTemplates(
                call.caller, region: call.region, nextToken: input.nextToken, maxResults: input.pageSize)
            return .init(
                customVerificationEmailTemplates: listed.templates.map {
                    SESv2.CustomVerificationEmailTemplateMetadata(
                        templateName: $0.name, fromEmailAddress: $0.fromAddress, templateSubject: $0.subject,
                        successRedirectionURL: $0.successURL, failureRedirectionURL: $0.failureURL)
                }, nextToken: listed.nextToken)
        }
        handlers.on(SESv2.Operations.DeleteCustomVerificationEmailTemplate.self) { input, call in
            try await ses.deleteCustomVerificationTemplate(call.caller, region: call.region, name: input.templateName, v2: true)
            return .init()
        }
        handlers.on(SESv2.Operations.SendCustomVerificationEmail.self) { input, call in
            .init(
                messageId: try await ses.sendCustomVerificationEmail(
                    call.caller, region: call.region, email: input.emailAddress, templateName: input.templateName,
                    configurationSet: input.configurationSetName))
        }
    }
}
