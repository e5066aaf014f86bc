import Foundation
import SesameAWSModels
public import SesameAWSProtocol
public import SesameBackend
import SesameCore

/// SES API v1 (Query protocol, 2010-12-01), served at `POST /` for requests signed for `ses`
/// (or `email`, which some SDKs use).
public enum SESv1Handlers {
    public static func make(_ ses: SESBackend) -> AWSHandlers {
        var handlers = AWSHandlers(SES.self)
        addIdentities(ses, &handlers)
        addSending(ses, &handlers)
        addTemplates(ses, &handlers)
        addConfigurationSets(ses, &handlers)
        addNotifications(ses, &handlers)
        addIdentitySettings(ses, &handlers)
        addConfigurationSetOptions(ses, &handlers)
        addCustomVerification(ses, &handlers)
        addSendBounce(ses, &handlers)
        addReceiving(ses, &handlers)
        return handlers
    }

    /// SES v1's per-identity attribute maps, keyed by identity name.
    static func byIdentity<T>(_ identities: [Identity], _ value: (Identity) -> T) -> [String: T] {
        Dictionary(identities.map { ($0.name, value($0)) }, uniquingKeysWith: { first, _ in first })
    }

    /// The backend's "not found" as the SES v1 error `code` names it (SES v2 calls them all
    /// `NotFoundException`; v1 has one per kind of thing).
    static func notFound<T>(as code: String, _ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as SesameError where error.code == .notFound {
            throw AWSError(code: code, status: 400, message: error.message)
        }
    }

    static func addIdentities(_ ses: SESBackend, _ handlers: inout AWSHandlers) {
        handlers.on(SES.Operations.VerifyEmailIdentity.self) { input, call in
            try await ses.verifyEmailIdentity(call.caller, region: call.region, email: input.emailAddress)
            return .init()
        }
        handlers.on(SES.Operations.VerifyEmailAddress.self) { input, call in
            try await ses.verifyEmailIdentity(call.caller, region: call.region, email: input.emailAddress, action: "ses:VerifyEmailAddress")
            return .init()
        }
        handlers.on(SES.Operations.VerifyDomainIdentity.self) { input, call in
            .init(verificationToken: try await ses.verifyDomainIdentity(call.caller, region: call.region, domain: input.domain))
        }
        handlers.on(SES.Operations.ListIdentities.self) { input, call in
            // The model's enum check has already refused any other IdentityType.
            let kind = input.identityType.flatMap(Identity.Kind.init(rawValue:))
            let listed = try await ses.listIdentities(
                call.caller, region: call.region, kind: kind, nextToken: input.nextToken, maxItems: input.maxItems)
            return .init(identities: listed.identities.map(\.name), nextToken: listed.nextToken)
        }
        handlers.on(SES.Operations.ListVerifiedEmailAddresses.self) { _, call in
            let listed = try await ses.listIdentities(call.caller, region: call.region, kind: .emailAddress, nextToken: nil, maxItems: 1000)
            return .init(verifiedEmailAddresses: listed.identities.filter { $0.status == .success }.map(\.name))
        }
        handlers.on(SES.Operations.GetIdentityVerificationAttributes.self) { input, call in
            let found = try await ses.identityAttributes(call.caller, region: call.region, names: input.identities)
            return .init(
                verificationAttributes: byIdentity(found) { identity in
                    // Only domains have a token to publish; an email's token is the secret in its link.
                    SES.IdentityVerificationAttributes(
                        verificationStatus: identity.reportedStatus.v1,
                        verificationToken: identity.kind == .domain ? identity.verificationToken : nil)
                })
        }
        handlers.on(SES.Operations.VerifyDomainDkim.self) { input, call in
            .init(dkimTokens: try await ses.verifyDomainDkim(call.caller, region: call.region, domain: input.domain))
        }
        handlers.on(SES.Operations.SetIdentityDkimEnabled.self) { input, call in
            try await notFound(as: "InvalidParameterValue") {
                try await ses.putDkimAttributes(
                    call.caller, region: call.region, name: input.identity, signingEnabled: input.dkimEnabled,
                    action: "ses:SetIdentityDkimEnabled")
            }
            return .init()
        }
        handlers.on(SES.Operations.GetIdentityDkimAttributes.self) { input, call in
            let found = try await ses.dkimAttributes(call.caller, region: call.region, names: input.identities)
            return .init(
                dkimAttributes: byIdentity(found) { identity in
                    SES.IdentityDkimAttributes(
                        dkimEnabled: identity.dkimKey?.signingEnabled ?? !identity.dkimTokens.isEmpty,
                        dkimVerificationStatus: identity.dkimStatus.v1, dkimTokens: identity.dkimTokens.isEmpty ? nil : identity.dkimTokens)
                })
        }
        handlers.on(SES.Operations.DeleteIdentity.self) { input, call in
            try await ses.deleteIdentity(call.caller, region: call.region, name: input.identity)
            return .init()
        }
        handlers.on(SES.Operations.DeleteVerifiedEmailAddress.self) { input, call in
            try await ses.deleteIdentity(
                call.caller, region: call.region, name: input.emailAddress, action: "ses:DeleteVerifiedEmailAddress")
            return .init()
        }
    }

    static func addSending(_ ses: SESBackend, _ handlers: inout AWSHandlers) {
        handlers.on(SES.Operations.SendEmail.self) { input, call in
            let destination = input.destination
            let id = try await ses.sendEmail(
                call.caller, region: call.region, source: input.source, to: destination.toAddresses ?? [],
                cc: destination.ccAddresses ?? [], bcc: destination.bccAddresses ?? [], replyTo: input.replyToAddresses ?? [],
                subject: input.message.subject.data, text: input.message.body.text?.data, html: input.message.body.html?.data,
                configurationSet: input.configurationSetName)
            return .init(messageId: id)
        }
        handlers.on(SES.Operations.SendRawEmail.self) { input, call in
            let id = try await ses.sendRawEmail(
                call.caller, region: call.region, source: input.source, destinations: input.destinations ?? [],
                raw: input.rawMessage.data.bytes, configurationSet: input.configurationSetName)
            return .init(messageId: id)
        }
        handlers.on(SES.Operations.GetSendQuota.self) { _, call in
            let quota = try await ses.sendQuota(call.caller, region: call.region)
            return .init(
                max24HourSend: Double(quota.max24HourSend), maxSendRate: Double(quota.maxSendRate),
                sentLast24Hours: Double(quota.sentLast24Hours))
        }
        handlers.on(SES.Operations.GetAccountSendingEnabled.self) { _, call in
            .init(enabled: try await ses.accountSendingEnabled(call.caller, region: call.region))
        }
        handlers.on(SES.Operations.UpdateAccountSendingEnabled.self) { input, call in
            try await ses.updateAccountSendingEnabled(call.caller, region: call.region, enabled: input.enabled ?? false)
            return .init()
        }
        handlers.on(SES.Operations.GetSendStatistics.self) { _, call in
            let points = try await ses.sendStatistics(call.caller, region: call.region)
            return .init(
                sendDataPoints: points.map {
                    SES.SendDataPoint(
                        timestamp: $0.timestamp, deliveryAttempts: $0.deliveryAttempts, bounces: $0.bounces, complaints: $0.complaints,
                        rejects: $0.rejects)
                })
        }
    }
}
