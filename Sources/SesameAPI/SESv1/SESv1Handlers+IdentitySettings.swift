import Foundation
import SesameAWSModels
import SesameAWSProtocol
import SesameBackend
import SesameCore

/// SES v1: custom MAIL FROM domains, sending authorization policies, and the options of a
/// configuration set (sending, reputation metrics, delivery and tracking).
extension SESv1Handlers {
    static func addIdentitySettings(_ ses: SESBackend, _ handlers: inout AWSHandlers) {
        handlers.on(SES.Operations.SetIdentityMailFromDomain.self) { input, call in
            try await ses.setMailFromDomain(
                call.caller, region: call.region, identity: input.identity, domain: input.mailFromDomain,
                behavior: input.behaviorOnMXFailure.flatMap(MailFromFailureBehavior.init(rawValue:)), v2: false)
            return .init()
        }
        handlers.on(SES.Operations.GetIdentityMailFromDomainAttributes.self) { input, call in
            let identities = try await ses.mailFromAttributes(call.caller, region: call.region, names: input.identities)
            return .init(
                mailFromDomainAttributes: byIdentity(identities) { identity in
                    SES.IdentityMailFromDomainAttributes(
                        mailFromDomain: identity.settings.mailFromDomain ?? "",
                        mailFromDomainStatus: ses.mailFromStatus(identity)?.rawValue ?? "Failed",
                        behaviorOnMXFailure: (identity.settings.behaviorOnMxFailure ?? .useDefaultValue).rawValue)
                })
        }
        handlers.on(SES.Operations.PutIdentityPolicy.self) { input, call in
            try await ses.putIdentityPolicy(
                call.caller, region: call.region, identity: input.identity, policyName: input.policyName, document: input.policy,
                write: .put)
            return .init()
        }
        handlers.on(SES.Operations.GetIdentityPolicies.self) { input, call in
            let policies = try await ses.identityPolicies(
                call.caller, region: call.region, identity: input.identity, names: input.policyNames, action: "ses:GetIdentityPolicies",
                v2: false)
            return .init(policies: Dictionary(policies.map { ($0.name, $0.document) }, uniquingKeysWith: { first, _ in first }))
        }
        handlers.on(SES.Operations.ListIdentityPolicies.self) { input, call in
            let policies = try await ses.identityPolicies(
                call.caller, region: call.region, identity: input.identity, names: nil, action: "ses:ListIdentityPolicies", v2: false)
            return .init(policyNames: policies.map(\.name))
        }
        handlers.on(SES.Operations.DeleteIdentityPolicy.self) { input, call in
            try await ses.deleteIdentityPolicy(
                call.caller, region: call.region, identity: input.identity, policyName: input.policyName, v2: false)
            return .init()
        }
    }

    static func addConfigurationSetOptions(_ ses: SESBackend, _ handlers: inout AWSHandlers) {
        handlers.on(SES.Operations.DescribeConfigurationSet.self) { input, call in
            let set = try await ses.configurationSet(
                call.caller, region: call.region, name: input.configurationSetName, action: "ses:DescribeConfigurationSet", v2: false)
            let wanted = Set(input.configurationSetAttributeNames ?? [])
            var output = SES.DescribeConfigurationSetResponse(configurationSet: SES.ConfigurationSet(name: set.name))
            if wanted.contains("eventDestinations") {
                let destinations = try await ses.eventDestinations(
                    call.caller, region: call.region, configurationSet: set.name, action: "ses:DescribeConfigurationSet")
                output.eventDestinations = destinations.map(v1Destination)
            }
            let options = set.options
            if wanted.contains("trackingOptions"), let tracking = options.tracking {
                output.trackingOptions = SES.TrackingOptions(customRedirectDomain: tracking.customRedirectDomain)
            }
            if wanted.contains("deliveryOptions") { output.deliveryOptions = SES.DeliveryOptions(tlsPolicy: options.tlsPolicy.v1) }
            if wanted.contains("reputationOptions") {
                output.reputationOptions = SES.ReputationOptions(
                    sendingEnabled: options.sendingEnabled, reputationMetricsEnabled: options.reputationMetricsEnabled,
                    lastFreshStart: options.lastFreshStart)
            }
            return output
        }
        handlers.on(SES.Operations.UpdateConfigurationSetSendingEnabled.self) { input, call in
            try await ses.updateConfigurationSetOptions(
                call.caller, region: call.region, name: input.configurationSetName, action: "ses:UpdateConfigurationSetSendingEnabled",
                v2: false
            ) { $0.sendingEnabled = input.enabled }
            return .init()
        }
        handlers.on(SES.Operations.UpdateConfigurationSetReputationMetricsEnabled.self) { input, call in
            try await ses.updateConfigurationSetOptions(
                call.caller, region: call.region, name: input.configurationSetName,
                action: "ses:UpdateConfigurationSetReputationMetricsEnabled", v2: false
            ) { $0.reputationMetricsEnabled = input.enabled }
            return .init()
        }
        handlers.on(SES.Operations.PutConfigurationSetDeliveryOptions.self) { input, call in
            let policy = input.deliveryOptions?.tlsPolicy.flatMap(ConfigurationSetOptions.TLSPolicy.init(v1:)) ?? .optional
            try await ses.updateConfigurationSetOptions(
                call.caller, region: call.region, name: input.configurationSetName, action: "ses:PutConfigurationSetDeliveryOptions",
                v2: false
            ) { $0.tlsPolicy = policy }
            return .init()
        }
        handlers.on(SES.Operations.CreateConfigurationSetTrackingOptions.self) { input, call in
            let domain = try trackingDomain(input.trackingOptions.customRedirectDomain)
            try await ses.updateConfigurationSetOptions(
                call.caller, region: call.region, name: input.configurationSetName,
                action: "ses:CreateConfigurationSetTrackingOptions", v2: false
            ) { options in
                if options.tracking != nil {
                    throw SesameError(
                        .trackingOptionsAlreadyExists,
                        "Tracking options already exist for configuration set <\(input.configurationSetName)>.")
                }
                options.tracking = ConfigurationSetOptions.Tracking(customRedirectDomain: domain, httpsPolicy: nil)
            }
            return .init()
        }
        handlers.on(SES.Operations.UpdateConfigurationSetTrackingOptions.self) { input, call in
            let domain = try trackingDomain(input.trackingOptions.customRedirectDomain)
            try await ses.updateConfigurationSetOptions(
                call.caller, region: call.region, name: input.configurationSetName,
                action: "ses:UpdateConfigurationSetTrackingOptions", v2: false
            ) { options in
                guard options.tracking != nil else { throw trackingMissing(input.configurationSetName) }
                options.tracking = ConfigurationSetOptions.Tracking(
                    customRedirectDomain: domain, httpsPolicy: options.tracking?.httpsPolicy)
            }
            return .init()
        }
        handlers.on(SES.Operations.DeleteConfigurationSetTrackingOptions.self) { input, call in
            try await ses.updateConfigurationSetOptions(
                call.caller, region: call.region, name: input.configurationSetName,
                action: "ses:DeleteConfigurationSetTrackingOptions", v2: false
            ) { options in
                guard options.tracking != nil else { throw trackingMissing(input.configurationSetName) }
                options.tracking = nil
            }
            return .init()
        }
    }

    static func trackingMissing(_ set: String) -> SesameError {
        SesameError(.trackingOptionsDoesNotExist, "Tracking options do not exist for configuration set <\(set)>.")
    }

    /// v1 requires the custom redirect domain.
    static func trackingDomain(_ domain: String?) throws(SesameError) -> String {
        guard let domain, !domain.isEmpty else {
            throw SesameError(.invalidTrackingOptions, "Tracking options must name a CustomRedirectDomain.")
        }
        return domain
    }

    /// v1's spelling of an event type (`renderingFailure`); destinations made through v2 are
    /// stored as v2 writes them (`RENDERING_FAILURE`).
    /// A stored destination in v1's shape. EventBridge and Pinpoint have no v1 form: v1 shows
    /// them with their name and event types only, as SES does.
    static func v1Destination(_ destination: EventDestination) -> SES.EventDestination {
        var out = SES.EventDestination(
            name: destination.name, enabled: destination.enabled, matchingEventTypes: destination.eventTypes.map(v1EventType))
        switch destination.target {
        case .sns(let arn): out.snsDestination = SES.SNSDestination(topicARN: arn)
        case .cloudWatch(let dimensions):
            out.cloudWatchDestination = SES.CloudWatchDestination(
                dimensionConfigurations: dimensions.map {
                    SES.CloudWatchDimensionConfiguration(
                        dimensionName: $0.name, dimensionValueSource: $0.valueSource, defaultDimensionValue: $0.defaultValue)
                })
        case .kinesisFirehose(let stream, let role):
            out.kinesisFirehoseDestination = SES.KinesisFirehoseDestination(iamRoleARN: role, deliveryStreamARN: stream)
        case .eventBridge, .pinpoint: break
        }
        return out
    }

    static func v1EventType(_ stored: String) -> String {
        guard stored.contains("_") || stored == stored.uppercased() else { return stored }
        let words = stored.lowercased().split(separator: "_")
        return words.enumerated().map { $0.offset == 0 ? String($0.element) : $0.element.capitalized }.joined()
    }
}
