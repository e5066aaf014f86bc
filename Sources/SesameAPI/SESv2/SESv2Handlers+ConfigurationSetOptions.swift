import Foundation
import SesameAWSModels
import SesameAWSProtocol
import SesameBackend
import SesameCore

/// SES v2: a configuration set created with all its options, read whole, and changed one
/// group at a time (`PutConfigurationSet*Options`).
extension SESv2Handlers {
    static func addConfigurationSetOptions(_ ses: SESBackend, _ handlers: inout AWSHandlers) {
        handlers.on(SESv2.Operations.CreateConfigurationSet.self) { input, call in
            var options = ConfigurationSetOptions()
            if let tracking = input.trackingOptions { options.tracking = Self.tracking(tracking) }
            if let delivery = input.deliveryOptions { try Self.apply(delivery, to: &options) }
            if let reputation = input.reputationOptions { Self.apply(reputation, to: &options) }
            if let sending = input.sendingOptions { options.sendingEnabled = sending.sendingEnabled ?? true }
            if let suppression = input.suppressionOptions { Self.apply(suppression, to: &options) }
            if let vdm = input.vdmOptions { Self.apply(vdm, to: &options) }
            if let archiving = input.archivingOptions { options.archiveARN = archiving.archiveArn }
            options.tags = (input.tags ?? []).map { Tag(key: $0.key, value: $0.value) }
            try await ses.createConfigurationSet(
                call.caller, region: call.region, name: input.configurationSetName, options: options, v2: true)
            return .init()
        }
        handlers.on(SESv2.Operations.GetConfigurationSet.self) { input, call in
            let set = try await ses.configurationSet(
                call.caller, region: call.region, name: input.configurationSetName, action: "ses:GetConfigurationSet", v2: true)
            let o = set.options
            return .init(
                configurationSetName: set.name,
                trackingOptions: o.tracking.map {
                    SESv2.TrackingOptions(customRedirectDomain: $0.customRedirectDomain, httpsPolicy: $0.httpsPolicy)
                },
                deliveryOptions: SESv2.DeliveryOptions(
                    tlsPolicy: o.tlsPolicy.rawValue, sendingPoolName: o.sendingPoolName, maxDeliverySeconds: o.maxDeliverySeconds),
                reputationOptions: SESv2.ReputationOptions(
                    reputationMetricsEnabled: o.reputationMetricsEnabled, lastFreshStart: o.lastFreshStart),
                sendingOptions: SESv2.SendingOptions(sendingEnabled: o.sendingEnabled),
                tags: o.tags.map { SESv2.Tag(key: $0.key, value: $0.value) },
                suppressionOptions: o.suppressedReasons == nil && o.suppressionValidation == nil
                    ? nil
                    : SESv2.SuppressionOptions(
                        suppressedReasons: o.suppressedReasons,
                        validationOptions: o.suppressionValidation.map { validation in
                            SESv2.SuppressionValidationOptions(
                                conditionThreshold: SESv2.SuppressionConditionThreshold(
                                    conditionThresholdEnabled: validation.conditionThresholdEnabled,
                                    overallConfidenceThreshold: validation.confidenceVerdictThreshold.map {
                                        SESv2.SuppressionConfidenceThreshold(confidenceVerdictThreshold: $0)
                                    }))
                        }),
                vdmOptions: o.engagementMetrics == nil && o.optimizedSharedDelivery == nil
                    ? nil
                    : SESv2.VdmOptions(
                        dashboardOptions: o.engagementMetrics.map { SESv2.DashboardOptions(engagementMetrics: $0) },
                        guardianOptions: o.optimizedSharedDelivery.map { SESv2.GuardianOptions(optimizedSharedDelivery: $0) }),
                archivingOptions: o.archiveARN.map { SESv2.ArchivingOptions(archiveArn: $0) })
        }
        handlers.on(SESv2.Operations.PutConfigurationSetDeliveryOptions.self) { input, call in
            let delivery = SESv2.DeliveryOptions(
                tlsPolicy: input.tlsPolicy, sendingPoolName: input.sendingPoolName, maxDeliverySeconds: input.maxDeliverySeconds)
            try await update(ses, call, input.configurationSetName, "ses:PutConfigurationSetDeliveryOptions") {
                try Self.apply(delivery, to: &$0)
            }
            return .init()
        }
        handlers.on(SESv2.Operations.PutConfigurationSetReputationOptions.self) { input, call in
            try await update(ses, call, input.configurationSetName, "ses:PutConfigurationSetReputationOptions") {
                $0.reputationMetricsEnabled = input.reputationMetricsEnabled ?? false
            }
            return .init()
        }
        handlers.on(SESv2.Operations.PutConfigurationSetSendingOptions.self) { input, call in
            try await update(ses, call, input.configurationSetName, "ses:PutConfigurationSetSendingOptions") {
                $0.sendingEnabled = input.sendingEnabled ?? false
            }
            return .init()
        }
        handlers.on(SESv2.Operations.PutConfigurationSetSuppressionOptions.self) { input, call in
            let suppression = SESv2.SuppressionOptions(
                suppressedReasons: input.suppressedReasons, validationOptions: input.validationOptions)
            try await update(ses, call, input.configurationSetName, "ses:PutConfigurationSetSuppressionOptions") {
                Self.apply(suppression, to: &$0)
            }
            return .init()
        }
        handlers.on(SESv2.Operations.PutConfigurationSetTrackingOptions.self) { input, call in
            let tracking = input.customRedirectDomain.map {
                SESv2.TrackingOptions(customRedirectDomain: $0, httpsPolicy: input.httpsPolicy)
            }
            try await update(ses, call, input.configurationSetName, "ses:PutConfigurationSetTrackingOptions") {
                $0.tracking = tracking.map(Self.tracking)
            }
            return .init()
        }
        handlers.on(SESv2.Operations.PutConfigurationSetVdmOptions.self) { input, call in
            let vdm = input.vdmOptions ?? SESv2.VdmOptions()
            try await update(ses, call, input.configurationSetName, "ses:PutConfigurationSetVdmOptions") {
                $0.engagementMetrics = nil
                $0.optimizedSharedDelivery = nil
                Self.apply(vdm, to: &$0)
            }
            return .init()
        }
        handlers.on(SESv2.Operations.PutConfigurationSetArchivingOptions.self) { input, call in
            try await update(ses, call, input.configurationSetName, "ses:PutConfigurationSetArchivingOptions") {
                $0.archiveARN = input.archiveArn
            }
            return .init()
        }
    }

    static func update(
        _ ses: SESBackend, _ call: AWSCall, _ name: String, _ action: String,
        _ change: @escaping @Sendable (inout ConfigurationSetOptions) throws -> Void
    ) async throws {
        try await ses.updateConfigurationSetOptions(call.caller, region: call.region, name: name, action: action, v2: true, change)
    }

    static func tracking(_ tracking: SESv2.TrackingOptions) -> ConfigurationSetOptions.Tracking {
        ConfigurationSetOptions.Tracking(customRedirectDomain: tracking.customRedirectDomain, httpsPolicy: tracking.httpsPolicy)
    }

    static func apply(_ delivery: SESv2.DeliveryOptions, to options: inout ConfigurationSetOptions) throws {
        options.tlsPolicy = delivery.tlsPolicy.flatMap(ConfigurationSetOptions.TLSPolicy.init(rawValue:)) ?? .optional
        options.sendingPoolName = delivery.sendingPoolName
        options.maxDeliverySeconds = delivery.maxDeliverySeconds
    }

    static func apply(_ reputation: SESv2.ReputationOptions, to options: inout ConfigurationSetOptions) {
        options.reputationMetricsEnabled = reputation.reputationMetricsEnabled ?? false
        options.lastFreshStart = reputation.lastFreshStart
    }

    static func apply(_ suppression: SESv2.SuppressionOptions, to options: inout ConfigurationSetOptions) {
        options.suppressedReasons = suppression.suppressedReasons
        options.suppressionValidation = suppression.validationOptions.map {
            ConfigurationSetOptions.SuppressionValidation(
                conditionThresholdEnabled: $0.conditionThreshold.conditionThresholdEnabled,
                confidenceVerdictThreshold: $0.conditionThreshold.overallConfidenceThreshold?.confidenceVerdictThreshold)
        }
    }

    static func apply(_ vdm: SESv2.VdmOptions, to options: inout ConfigurationSetOptions) {
        options.engagementMetrics = vdm.dashboardOptions?.engagementMetrics
        options.optimizedSharedDelivery = vdm.guardianOptions?.optimizedSharedDelivery
    }
}
