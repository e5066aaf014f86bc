import Foundation
import SesameAWSModels
import SesameAWSProtocol
import SesameBackend
import SesameCore

extension SESv1Handlers {
    static func template(_ template: SES.Template) -> EmailTemplate {
        EmailTemplate(
            name: template.templateName, subject: template.subjectPart, text: template.textPart, html: template.htmlPart, createdAt: Date())
    }

    static func addTemplates(_ ses: SESBackend, _ handlers: inout AWSHandlers) {
        handlers.on(SES.Operations.CreateTemplate.self) { input, call in
            try await ses.createTemplate(call.caller, region: call.region, template: template(input.template))
            return .init()
        }
        handlers.on(SES.Operations.UpdateTemplate.self) { input, call in
            try await ses.updateTemplate(call.caller, region: call.region, template: template(input.template))
            return .init()
        }
        handlers.on(SES.Operations.GetTemplate.self) { input, call in
            let found = try await ses.getTemplate(call.caller, region: call.region, name: input.templateName)
            return .init(
                template: SES.Template(templateName: found.name, subjectPart: found.subject, textPart: found.text, htmlPart: found.html))
        }
        handlers.on(SES.Operations.DeleteTemplate.self) { input, call in
            try await ses.deleteTemplate(call.caller, region: call.region, name: input.templateName)
            return .init()
        }
        handlers.on(SES.Operations.ListTemplates.self) { input, call in
            let listed = try await ses.listTemplates(call.caller, region: call.region, nextToken: input.nextToken, maxItems: input.maxItems)
            return .init(
                templatesMetadata: listed.templates.map { SES.TemplateMetadata(name: $0.name, createdTimestamp: $0.createdAt) },
                nextToken: listed.nextToken)
        }
        handlers.on(SES.Operations.TestRenderTemplate.self) { input, call in
            .init(
                renderedTemplate: try await ses.testRenderTemplate(
                    call.caller, region: call.region, name: input.templateName, dataJSON: input.templateData))
        }
        handlers.on(SES.Operations.SendTemplatedEmail.self) { input, call in
            let destination = input.destination
            let id = try await ses.sendTemplatedEmail(
                call.caller, region: call.region, source: input.source, to: destination.toAddresses ?? [],
                cc: destination.ccAddresses ?? [], bcc: destination.bccAddresses ?? [], replyTo: input.replyToAddresses ?? [],
                templateName: input.template, dataJSON: input.templateData, configurationSet: input.configurationSetName)
            return .init(messageId: id)
        }
        handlers.on(SES.Operations.SendBulkTemplatedEmail.self) { input, call in
            // Each destination succeeds or fails on its own, as SES reports per destination.
            var statuses: [SES.BulkEmailDestinationStatus] = []
            for entry in input.destinations {
                let destination = entry.destination
                do {
                    let id = try await ses.sendTemplatedEmail(
                        call.caller, region: call.region, source: input.source, to: destination.toAddresses ?? [],
                        cc: destination.ccAddresses ?? [], bcc: destination.bccAddresses ?? [], replyTo: input.replyToAddresses ?? [],
                        templateName: input.template, dataJSON: entry.replacementTemplateData ?? input.defaultTemplateData,
                        configurationSet: input.configurationSetName)
                    statuses.append(.init(status: "Success", messageId: id))
                } catch let error as SesameError where error.code == .templateDoesNotExist || error.code == .accessDenied {
                    throw error
                } catch let error as SesameError {
                    let status: String =
                        switch error.code {
                        case .messageRejected: "MessageRejected"
                        case .configurationSetDoesNotExist: "ConfigurationSetDoesNotExist"
                        case .throttling: "AccountDailyQuotaExceeded"
                        case .sendingPaused: "AccountSendingPaused"
                        case .invalidParameterValue, .missingRenderingAttribute, .invalidRenderingParameter: "InvalidParameterValue"
                        default: "Failed"
                        }
                    statuses.append(.init(status: status, error: error.message))
                }
            }
            return .init(status: statuses)
        }
    }

    static func addConfigurationSets(_ ses: SESBackend, _ handlers: inout AWSHandlers) {
        handlers.on(SES.Operations.CreateConfigurationSet.self) { input, call in
            try await ses.createConfigurationSet(call.caller, region: call.region, name: input.configurationSet.name)
            return .init()
        }
        handlers.on(SES.Operations.ListConfigurationSets.self) { input, call in
            let listed = try await ses.listConfigurationSets(
                call.caller, region: call.region, nextToken: input.nextToken, maxItems: input.maxItems)
            return .init(configurationSets: listed.names.map { SES.ConfigurationSet(name: $0) }, nextToken: listed.nextToken)
        }
        handlers.on(SES.Operations.DeleteConfigurationSet.self) { input, call in
            try await ses.deleteConfigurationSet(call.caller, region: call.region, name: input.configurationSetName)
            return .init()
        }
    }

    static func addNotifications(_ ses: SESBackend, _ handlers: inout AWSHandlers) {
        handlers.on(SES.Operations.SetIdentityNotificationTopic.self) { input, call in
            try await ses.setIdentityNotificationTopic(
                call.caller, region: call.region, identity: input.identity, kind: input.notificationType, topicARN: input.snsTopic)
            return .init()
        }
        handlers.on(SES.Operations.SetIdentityFeedbackForwardingEnabled.self) { input, call in
            try await ses.setFeedbackForwarding(
                call.caller, region: call.region, identity: input.identity, enabled: input.forwardingEnabled)
            return .init()
        }
        handlers.on(SES.Operations.SetIdentityHeadersInNotificationsEnabled.self) { input, call in
            try await ses.setHeadersInNotifications(
                call.caller, region: call.region, identity: input.identity, kind: input.notificationType, enabled: input.enabled)
            return .init()
        }
        handlers.on(SES.Operations.GetIdentityNotificationAttributes.self) { input, call in
            let found = try await ses.notificationAttributes(call.caller, region: call.region, identities: input.identities)
            var attributes: [String: SES.IdentityNotificationAttributes] = [:]
            for entry in found {
                attributes[entry.identity] = SES.IdentityNotificationAttributes(
                    bounceTopic: entry.topics["Bounce"], complaintTopic: entry.topics["Complaint"], deliveryTopic: entry.topics["Delivery"],
                    forwardingEnabled: entry.forwardingEnabled,
                    headersInBounceNotificationsEnabled: entry.headersIncluded["Bounce"] ?? false,
                    headersInComplaintNotificationsEnabled: entry.headersIncluded["Complaint"] ?? false,
                    headersInDeliveryNotificationsEnabled: entry.headersIncluded["Delivery"] ?? false)
            }
            return .init(notificationAttributes: attributes)
        }
        handlers.on(SES.Operations.CreateConfigurationSetEventDestination.self) { input, call in
            try await putDestination(ses, call, input.configurationSetName, input.eventDestination, create: true)
            return .init()
        }
        // Update takes the same parameters as Create; the destination must exist.
        handlers.on(SES.Operations.UpdateConfigurationSetEventDestination.self) { input, call in
            try await putDestination(ses, call, input.configurationSetName, input.eventDestination, create: false)
            return .init()
        }
        handlers.on(SES.Operations.DeleteConfigurationSetEventDestination.self) { input, call in
            try await notFound(as: "EventDestinationDoesNotExist") {
                try await ses.deleteEventDestination(
                    call.caller, region: call.region, configurationSet: input.configurationSetName, name: input.eventDestinationName,
                    action: "ses:DeleteConfigurationSetEventDestination")
            }
            return .init()
        }
    }

    static func putDestination(
        _ ses: SESBackend, _ call: AWSCall, _ set: String, _ destination: SES.EventDestination, create: Bool
    ) async throws {
        try await notFound(as: "EventDestinationDoesNotExist") {
            try await ses.putEventDestination(
                call.caller, region: call.region, configurationSet: set, name: destination.name, enabled: destination.enabled ?? false,
                eventTypes: destination.matchingEventTypes,
                target: try EventDestinationTarget.one(
                    sns: destination.snsDestination?.topicARN,
                    cloudWatch: destination.cloudWatchDestination?.dimensionConfigurations.map {
                        CloudWatchDimension(
                            name: $0.dimensionName, valueSource: $0.dimensionValueSource, defaultValue: $0.defaultDimensionValue)
                    },
                    firehose: destination.kinesisFirehoseDestination.map { ($0.deliveryStreamARN, $0.iamRoleARN) }, eventBridge: nil,
                    pinpoint: nil, v2: false),
                create: create,
                action: create ? "ses:CreateConfigurationSetEventDestination" : "ses:UpdateConfigurationSetEventDestination")
        }
    }
}
