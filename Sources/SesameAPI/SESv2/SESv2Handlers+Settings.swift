import Foundation
import SesameAWSModels
import SesameAWSProtocol
import SesameBackend
import SesameCore

extension SESv2Handlers {
    static func template(name: String, _ content: SESv2.EmailTemplateContent?) -> EmailTemplate {
        EmailTemplate(name: name, subject: content?.subject, text: content?.text, html: content?.html, createdAt: Date())
    }

    static func addTemplates(_ ses: SESBackend, _ handlers: inout AWSHandlers) {
        handlers.on(SESv2.Operations.CreateEmailTemplate.self) { input, call in
            try await ses.createTemplate(
                call.caller, region: call.region, template: template(name: input.templateName, input.templateContent))
            return .init()
        }
        handlers.on(SESv2.Operations.ListEmailTemplates.self) { input, call in
            let listed = try await ses.listTemplates(call.caller, region: call.region, nextToken: input.nextToken, maxItems: input.pageSize)
            return .init(
                templatesMetadata: listed.templates.map {
                    SESv2.EmailTemplateMetadata(templateName: $0.name, createdTimestamp: $0.createdAt)
                },
                nextToken: listed.nextToken)
        }
        handlers.on(SESv2.Operations.GetEmailTemplate.self) { input, call in
            let found = try await ses.getTemplate(call.caller, region: call.region, name: input.templateName)
            return .init(
                templateName: found.name,
                templateContent: SESv2.EmailTemplateContent(subject: found.subject, text: found.text, html: found.html))
        }
        handlers.on(SESv2.Operations.UpdateEmailTemplate.self) { input, call in
            try await ses.updateTemplate(
                call.caller, region: call.region, template: template(name: input.templateName, input.templateContent))
            return .init()
        }
        handlers.on(SESv2.Operations.DeleteEmailTemplate.self) { input, call in
            _ = try await ses.getTemplate(call.caller, region: call.region, name: input.templateName)
            try await ses.deleteTemplate(call.caller, region: call.region, name: input.templateName)
            return .init()
        }
        handlers.on(SESv2.Operations.TestRenderEmailTemplate.self) { input, call in
            .init(
                renderedTemplate: try await ses.testRenderTemplate(
                    call.caller, region: call.region, name: input.templateName, dataJSON: input.templateData))
        }
    }

    static func addConfigurationSets(_ ses: SESBackend, _ handlers: inout AWSHandlers) {
        handlers.on(SESv2.Operations.ListConfigurationSets.self) { input, call in
            let listed = try await ses.listConfigurationSets(
                call.caller, region: call.region, nextToken: input.nextToken, maxItems: input.pageSize)
            return .init(configurationSets: listed.names, nextToken: listed.nextToken)
        }
        handlers.on(SESv2.Operations.DeleteConfigurationSet.self) { input, call in
            try await ses.deleteConfigurationSet(call.caller, region: call.region, name: input.configurationSetName)
            return .init()
        }
        handlers.on(SESv2.Operations.CreateConfigurationSetEventDestination.self) { input, call in
            try await putDestination(
                ses, call, input.configurationSetName, input.eventDestinationName, input.eventDestination, create: true)
            return .init()
        }
        handlers.on(SESv2.Operations.UpdateConfigurationSetEventDestination.self) { input, call in
            try await putDestination(
                ses, call, input.configurationSetName, input.eventDestinationName, input.eventDestination, create: false)
            return .init()
        }
        handlers.on(SESv2.Operations.GetConfigurationSetEventDestinations.self) { input, call in
            let destinations = try await ses.eventDestinations(
                call.caller, region: call.region, configurationSet: input.configurationSetName,
                action: "ses:GetConfigurationSetEventDestinations")
            return .init(
                eventDestinations: destinations.map(v2Destination))
        }
        handlers.on(SESv2.Operations.DeleteConfigurationSetEventDestination.self) { input, call in
            try await ses.deleteEventDestination(
                call.caller, region: call.region, configurationSet: input.configurationSetName, name: input.eventDestinationName,
                action: "ses:DeleteConfigurationSetEventDestination")
            return .init()
        }
    }

    static func putDestination(
        _ ses: SESBackend, _ call: AWSCall, _ set: String, _ name: String, _ destination: SESv2.EventDestinationDefinition, create: Bool
    ) async throws {
        let target = try EventDestinationTarget.one(
            sns: destination.snsDestination?.topicArn,
            cloudWatch: destination.cloudWatchDestination?.dimensionConfigurations.map {
                // v2 writes the value source in capitals (`MESSAGE_TAG`); the store keeps v1's `messageTag`.
                CloudWatchDimension(
                    name: $0.dimensionName, valueSource: SESv1Handlers.v1EventType($0.dimensionValueSource),
                    defaultValue: $0.defaultDimensionValue)
            },
            firehose: destination.kinesisFirehoseDestination.map { ($0.deliveryStreamArn, $0.iamRoleArn) },
            eventBridge: destination.eventBridgeDestination?.eventBusArn,
            pinpoint: destination.pinpointDestination.map { $0.applicationArn }, v2: true)
        try await ses.putEventDestination(
            call.caller, region: call.region, configurationSet: set, name: name, enabled: destination.enabled ?? false,
            eventTypes: destination.matchingEventTypes ?? [], target: target, create: create,
            action: create ? "ses:CreateConfigurationSetEventDestination" : "ses:UpdateConfigurationSetEventDestination")
    }

    /// The store keeps SES v1's names (`bounce`, `messageTag`); v2 writes them as `BOUNCE`, `MESSAGE_TAG`.
    static func v2Name(_ stored: String) -> String {
        stored.reduce(into: "") { out, c in out += c.isUppercase && !out.isEmpty ? "_\(c)" : c.uppercased() }
    }

    static func v2Destination(_ destination: EventDestination) -> SESv2.EventDestination {
        var out = SESv2.EventDestination(
            name: destination.name, enabled: destination.enabled, matchingEventTypes: destination.eventTypes.map(v2Name))
        switch destination.target {
        case .sns(let arn): out.snsDestination = SESv2.SnsDestination(topicArn: arn)
        case .cloudWatch(let dimensions):
            out.cloudWatchDestination = SESv2.CloudWatchDestination(
                dimensionConfigurations: dimensions.map {
                    SESv2.CloudWatchDimensionConfiguration(
                        dimensionName: $0.name, dimensionValueSource: v2Name($0.valueSource), defaultDimensionValue: $0.defaultValue)
                })
        case .kinesisFirehose(let stream, let role):
            out.kinesisFirehoseDestination = SESv2.KinesisFirehoseDestination(iamRoleArn: role, deliveryStreamArn: stream)
        case .eventBridge(let bus): out.eventBridgeDestination = SESv2.EventBridgeDestination(eventBusArn: bus)
        case .pinpoint(let application): out.pinpointDestination = SESv2.PinpointDestination(applicationArn: application)
        }
        return out
    }

    static func addSuppression(_ ses: SESBackend, _ handlers: inout AWSHandlers) {
        handlers.on(SESv2.Operations.PutSuppressedDestination.self) { input, call in
            try await ses.putSuppressedDestination(call.caller, region: call.region, address: input.emailAddress, reason: input.reason)
            return .init()
        }
        handlers.on(SESv2.Operations.ListSuppressedDestinations.self) { input, call in
            let listed = try await ses.listSuppressedDestinations(
                call.caller, region: call.region, reasons: input.reasons ?? [], startDate: input.startDate, endDate: input.endDate,
                nextToken: input.nextToken, pageSize: input.pageSize)
            return .init(
                suppressedDestinationSummaries: listed.items.map {
                    SESv2.SuppressedDestinationSummary(emailAddress: $0.address, reason: $0.reason, lastUpdateTime: $0.updatedAt)
                },
                nextToken: listed.nextToken)
        }
        handlers.on(SESv2.Operations.GetSuppressedDestination.self) { input, call in
            let found = try await ses.suppressedDestination(call.caller, region: call.region, address: input.emailAddress)
            return .init(
                suppressedDestination: SESv2.SuppressedDestination(
                    emailAddress: found.address, reason: found.reason, lastUpdateTime: found.updatedAt,
                    attributes: SESv2.SuppressedDestinationAttributes()))
        }
        handlers.on(SESv2.Operations.DeleteSuppressedDestination.self) { input, call in
            try await ses.deleteSuppressedDestination(call.caller, region: call.region, address: input.emailAddress)
            return .init()
        }
    }
}
