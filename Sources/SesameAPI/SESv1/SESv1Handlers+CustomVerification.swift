import Foundation
import SesameAWSModels
import SesameAWSProtocol
import SesameBackend
import SesameCore

/// SES v1: custom verification email templates and SendCustomVerificationEmail, with v1's own
/// error names for a template that exists or does not.
extension SESv1Handlers {
    static func addCustomVerification(_ ses: SESBackend, _ handlers: inout AWSHandlers) {
        @Sendable func template(
            _ call: AWSCall, _ name: String, _ from: String, _ subject: String, _ content: String, _ success: String, _ failure: String
        ) -> CustomVerificationTemplate {
            CustomVerificationTemplate(
                region: call.region, name: name, fromAddress: from, subject: subject, content: content, successURL: success,
                failureURL: failure, createdAt: Date())
        }
        handlers.on(SES.Operations.CreateCustomVerificationEmailTemplate.self) { input, call in
            try await v1Errors {
                try await ses.putCustomVerificationTemplate(
                    call.caller, region: call.region,
                    template: template(
                        call, input.templateName, input.fromEmailAddress, input.templateSubject, input.templateContent,
                        input.successRedirectionURL, input.failureRedirectionURL), replace: false)
            }
            return .init()
        }
        handlers.on(SES.Operations.UpdateCustomVerificationEmailTemplate.self) { input, call in
            try await v1Errors {
                let current = try await ses.customVerificationTemplate(call.caller, region: call.region, name: input.templateName)
                try await ses.putCustomVerificationTemplate(
                    call.caller, region: call.region,
                    template: template(
                        call, input.templateName, input.fromEmailAddress ?? current.fromAddress, input.templateSubject ?? current.subject,
                        input.templateContent ?? current.content, input.successRedirectionURL ?? current.successURL,
                        input.failureRedirectionURL ?? current.failureURL), replace: true)
            }
            return .init()
        }
        handlers.on(SES.Operations.GetCustomVerificationEmailTemplate.self) { input, call in
            let found = try await v1Errors {
                try await ses.customVerificationTemplate(call.caller, region: call.region, name: input.templateName)
            }
            return .init(
                templateName: found.name, fromEmailAddress: found.fromAddress, templateSubject: found.subject,
                templateContent: found.content,
                successRedirectionURL: found.successURL, failureRedirectionURL: found.failureURL)
        }
        handlers.on(SES.Operations.ListCustomVerificationEmailTemplates.self) { input, call in
            let listed = try await ses.listCustomVerificationTemplates(
                call.caller, region: call.region, nextToken: input.nextToken, maxResults: input.maxResults)
            return .init(
                customVerificationEmailTemplates: listed.templates.map {
                    SES.CustomVerificationEmailTemplate(
                        templateName: $0.name, fromEmailAddress: $0.fromAddress, templateSubject: $0.subject,
                        successRedirectionURL: $0.successURL, failureRedirectionURL: $0.failureURL)
                }, nextToken: listed.nextToken)
        }
        handlers.on(SES.Operations.DeleteCustomVerificationEmailTemplate.self) { input, call in
            try await ses.deleteCustomVerificationTemplate(call.caller, region: call.region, name: input.templateName, v2: false)
            return .init()
        }
        handlers.on(SES.Operations.SendCustomVerificationEmail.self) { input, call in
            let id = try await v1Errors {
                try await ses.sendCustomVerificationEmail(
                    call.caller, region: call.region, email: input.emailAddress, templateName: input.templateName,
                    configurationSet: input.configurationSetName)
            }
            return .init(messageId: id)
        }
    }

    /// v1 names a missing or duplicate custom verification template with its own codes.
    static func v1Errors<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as SesameError where error.code == .notFound {
            throw AWSError(code: "CustomVerificationEmailTemplateDoesNotExist", status: 400, message: error.message)
        } catch let error as SesameError where error.code == .alreadyExists {
            throw AWSError(code: "CustomVerificationEmailTemplateAlreadyExists", status: 400, message: error.message)
        }
    }
}
