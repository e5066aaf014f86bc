import Foundation
import SesameAWSModels
import SesameAWSProtocol
import SesameBackend
import SesameCore

/// SES v2: an identity's MAIL FROM, default configuration set, feedback forwarding and
/// sending authorization policies; tags on identities and configuration sets.
extension SESv2Handlers {
    static func addIdentitySettings(_ ses: SESBackend, _ handlers: inout AWSHandlers) {
        handlers.on(SESv2.Operations.PutEmailIdentityMailFromAttributes.self) { input, call in
            let behavior = try input.behaviorOnMxFailure.map { text in
                guard let value = MailFromFailureBehavior(v2: text) else {
                    throw SesameError(.validation, "BehaviorOnMxFailure must be USE_DEFAULT_VALUE or REJECT_MESSAGE.")
                }
                return value
            }
            try await ses.setMailFromDomain(
                call.caller, region: call.region, identity: input.emailIdentity, domain: input.mailFromDomain, behavior: behavior, v2: true)
            return .init()
        }
        handlers.on(SESv2.Operations.PutEmailIdentityConfigurationSetAttributes.self) { input, call in
            try await ses.setDefaultConfigurationSet(
                call.caller, region: call.region, identity: input.emailIdentity, configurationSet: input.configurationSetName)
            return .init()
        }
        handlers.on(SESv2.Operations.PutEmailIdentityFeedbackAttributes.self) { input, call in
            try await ses.setFeedbackForwarding(
                call.caller, region: call.region, identity: input.emailIdentity, enabled: input.emailForwardingEnabled ?? false, v2: true)
            return .init()
        }
        handlers.on(SESv2.Operations.CreateEmailIdentityPolicy.self) { input, call in
            try await ses.putIdentityPolicy(
                call.caller, region: call.region, identity: input.emailIdentity, policyName: input.policyName, document: input.policy,
                write: .create)
            return .init()
        }
        handlers.on(SESv2.Operations.UpdateEmailIdentityPolicy.self) { input, call in
            try await ses.putIdentityPolicy(
                call.caller, region: call.region, identity: input.emailIdentity, policyName: input.policyName, document: input.policy,
                write: .update)
            return .init()
        }
        handlers.on(SESv2.Operations.GetEmailIdentityPolicies.self) { input, call in
            let policies = try await ses.identityPolicies(
                call.caller, region: call.region, identity: input.emailIdentity, names: nil, action: "ses:GetEmailIdentityPolicies",
                v2: true)
            return .init(policies: Dictionary(policies.map { ($0.name, $0.document) }, uniquingKeysWith: { first, _ in first }))
        }
        handlers.on(SESv2.Operations.DeleteEmailIdentityPolicy.self) { input, call in
            try await ses.deleteIdentityPolicy(
                call.caller, region: call.region, identity: input.emailIdentity, policyName: input.policyName, v2: true)
            return .init()
        }
        handlers.on(SESv2.Operations.TagResource.self) { input, call in
            try await ses.changeTags(
                call.caller, region: call.region, arn: input.resourceArn, add: input.tags.map { Tag(key: $0.key, value: $0.value) },
                remove: [])
            return .init()
        }
        handlers.on(SESv2.Operations.UntagResource.self) { input, call in
            try await ses.changeTags(call.caller, region: call.region, arn: input.resourceArn, add: [], remove: input.tagKeys)
            return .init()
        }
        handlers.on(SESv2.Operations.ListTagsForResource.self) { input, call in
            let tags = try await ses.listTags(call.caller, region: call.region, arn: input.resourceArn)
            return .init(tags: tags.map { SESv2.Tag(key: $0.key, value: $0.value) })
        }
    }

    /// SES v2's `MailFromAttributes` of an identity (SES's own domain when none is set).
    static func mailFromAttributes(_ ses: SESBackend, _ identity: Identity) -> SESv2.MailFromAttributes {
        SESv2.MailFromAttributes(
            mailFromDomain: identity.settings.mailFromDomain, mailFromDomainStatus: ses.mailFromStatus(identity)?.v2,
            behaviorOnMxFailure: (identity.settings.behaviorOnMxFailure ?? .useDefaultValue).v2)
    }
}
