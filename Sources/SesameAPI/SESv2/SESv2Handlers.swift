import Foundation
import SesameAWSModels
public import SesameAWSProtocol
public import SesameBackend
import SesameCore

/// SES API v2 (REST-JSON, 2019-09-27) under `/v2/email/`: sending, the account, identities,
/// templates, configuration sets and the suppression list.
public enum SESv2Handlers {
    public static func make(_ ses: SESBackend) -> AWSHandlers {
        var handlers = AWSHandlers(SESv2.self)
        addSending(ses, &handlers)
        addIdentities(ses, &handlers)
        addIdentitySettings(ses, &handlers)
        addConfigurationSetOptions(ses, &handlers)
        addBulkSending(ses, &handlers)
        addCustomVerification(ses, &handlers)
        addDedicatedIPs(ses, &handlers)
        addContactLists(ses, &handlers)
        addTemplates(ses, &handlers)
        addConfigurationSets(ses, &handlers)
        addSuppression(ses, &handlers)
        addInsights(ses, &handlers)
        addJobs(ses, &handlers)
        return handlers
    }

    static func identityType(_ identity: Identity) -> String { identity.kind == .emailAddress ? "EMAIL_ADDRESS" : "DOMAIN" }

    /// SES v2's `DkimAttributes`: the identity's tokens (selectors) and its signing key.
    static func dkimAttributes(_ identity: Identity) -> SESv2.DkimAttributes {
        SESv2.DkimAttributes(
            signingEnabled: identity.dkimKey?.signingEnabled ?? !identity.dkimTokens.isEmpty,
            status: identity.dkimStatus.v2, tokens: identity.dkimTokens,
            signingAttributesOrigin: identity.dkimKey?.origin ?? "AWS_SES", nextSigningKeyLength: "RSA_2048_BIT",
            currentSigningKeyLength: identity.dkimKey.map { $0.keyBits == 1024 ? "RSA_1024_BIT" : "RSA_2048_BIT" },
            lastKeyGenerationTimestamp: identity.dkimKey?.createdAt)
    }

    static func addSending(_ ses: SESBackend, _ handlers: inout AWSHandlers) {
        handlers.on(SESv2.Operations.SendEmail.self) { input, call in
            .init(messageId: try await send(ses, input, call))
        }
        handlers.on(SESv2.Operations.GetAccount.self) { _, call in
            let quota = try await ses.sendQuota(call.caller, region: call.region)
            let enabled = try await ses.accountSendingEnabled(call.caller, region: call.region)
            let reasons = try await ses.accountSuppressedReasons(call.caller, region: call.region)
            return .init(
                dedicatedIpAutoWarmupEnabled: try await ses.dedicatedIPAutoWarmup(region: call.region), enforcementStatus: "HEALTHY",
                productionAccessEnabled: !ses.configuration.sandbox,
                sendQuota: SESv2.SendQuota(
                    max24HourSend: Double(quota.max24HourSend), maxSendRate: Double(quota.maxSendRate),
                    sentLast24Hours: Double(quota.sentLast24Hours)),
                sendingEnabled: enabled, suppressionAttributes: SESv2.SuppressionAttributes(suppressedReasons: reasons))
        }
        handlers.on(SESv2.Operations.PutAccountSuppressionAttributes.self) { input, call in
            try await ses.putAccountSuppressedReasons(call.caller, region: call.region, reasons: input.suppressedReasons ?? [])
            return .init()
        }
        handlers.on(SESv2.Operations.PutAccountSendingAttributes.self) { input, call in
            try await ses.updateAccountSendingEnabled(call.caller, region: call.region, enabled: input.sendingEnabled ?? false)
            return .init()
        }
    }

    static func send(_ ses: SESBackend, _ input: SESv2.SendEmailRequest, _ call: AWSCall) async throws -> String {
        let destination = input.destination
        var to = destination?.toAddresses ?? [], cc = destination?.ccAddresses ?? [], bcc = destination?.bccAddresses ?? []
        var listHeaders: [(String, String)] = []
        if let options = input.listManagementOptions {
            (to, cc, bcc, listHeaders) = try await listManaged(ses, call, options, to: to, cc: cc, bcc: bcc)
        }
        let from = input.fromEmailAddress
        let configurationSet = input.configurationSetName
        let replyTo = input.replyToAddresses ?? []
        if let simple = input.content.simple {
            guard let from else { throw SesameError(.validation, "FromEmailAddress is required for Simple content.") }
            return try await ses.sendEmail(
                call.caller, region: call.region, source: from, to: to, cc: cc, bcc: bcc, replyTo: replyTo, subject: simple.subject.data,
                text: simple.body.text?.data, html: simple.body.html?.data, apiVersion: "2",
                extraHeaders: listHeaders + (simple.headers ?? []).map { ($0.name, $0.value) }, configurationSet: configurationSet)
        }
        if let raw = input.content.raw {
            return try await ses.sendRawEmail(
                call.caller, region: call.region, source: from, destinations: to + cc + bcc,
                raw: Array(listHeaders.map { "\($0.0): \($0.1)\r\n" }.joined().utf8) + raw.data.bytes, apiVersion: "2",
                via: .sendEmailV2Raw, configurationSet: configurationSet, action: "ses:SendEmail")
        }
        if let template = input.content.template {
            guard let from else { throw SesameError(.validation, "FromEmailAddress is required for Template content.") }
            let data = template.templateData ?? "{}"
            if let inline = template.templateContent {
                // An inline template has no name: a Rendering Failure event names none.
                return try await ses.sendTemplate(
                    call.caller, region: call.region, source: from, to: to, cc: cc, bcc: bcc, replyTo: replyTo,
                    template: EmailTemplate(name: "", subject: inline.subject, text: inline.text, html: inline.html, createdAt: Date()),
                    dataJSON: data, apiVersion: "2", configurationSet: configurationSet, action: "ses:SendEmail",
                    extraHeaders: listHeaders)
            }
            guard let name = template.templateName ?? template.templateArn?.split(separator: "/").last.map(String.init) else {
                throw SesameError(.validation, "Content.Template needs TemplateName, TemplateArn or TemplateContent.")
            }
            return try await ses.sendTemplatedEmail(
                call.caller, region: call.region, source: from, to: to, cc: cc, bcc: bcc, replyTo: replyTo, templateName: name,
                dataJSON: data, apiVersion: "2", configurationSet: configurationSet, action: "ses:SendEmail", extraHeaders: listHeaders)
        }
        throw SesameError(.validation, "Content must have exactly one of Simple, Raw or Template.")
    }

    /// `ListManagementOptions`: contacts who opted out are left out, and the message carries the
    /// unsubscribe headers for its (first) recipient.
    static func listManaged(
        _ ses: SESBackend, _ call: AWSCall, _ options: SESv2.ListManagementOptions, to: [String], cc: [String], bcc: [String]
    ) async throws -> (to: [String], cc: [String], bcc: [String], headers: [(String, String)]) {
        func kept(_ recipients: [String]) async throws -> [String] {
            try await ses.listManagedRecipients(
                call.caller, region: call.region, list: options.contactListName, topic: options.topicName, recipients: recipients)
        }
        let (keptTo, keptCc, keptBcc) = (try await kept(to), try await kept(cc), try await kept(bcc))
        guard let first = (keptTo + keptCc + keptBcc).first else {
            if (to + cc + bcc).isEmpty { return ([], [], [], []) }
            throw SesameError(.messageRejected, "Every recipient has unsubscribed from this mail of list \(options.contactListName).")
        }
        let link = try ses.unsubscribeLink(
            region: call.region, list: options.contactListName, topic: options.topicName, email: EmailAddress.parse(first)?.address ?? first
        )
        return (keptTo, keptCc, keptBcc, [("List-Unsubscribe", "<\(link)>"), ("List-Unsubscribe-Post", "List-Unsubscribe=One-Click")])
    }

    static func addIdentities(_ ses: SESBackend, _ handlers: inout AWSHandlers) {
        handlers.on(SESv2.Operations.CreateEmailIdentity.self) { input, call in
            let signing = input.dkimSigningAttributes.map {
                SESBackend.DkimSigningRequest(selector: $0.domainSigningSelector, privateKey: $0.domainSigningPrivateKey)
            }
            let identity = try await ses.createEmailIdentity(
                call.caller, region: call.region, name: input.emailIdentity, dkimSigning: signing,
                settings: IdentitySettings(
                    defaultConfigurationSet: input.configurationSetName, tags: (input.tags ?? []).map { Tag(key: $0.key, value: $0.value) })
            )
            return .init(
                identityType: identityType(identity), verifiedForSendingStatus: identity.status == .success,
                dkimAttributes: identity.kind == .domain ? dkimAttributes(identity) : nil)
        }
        handlers.on(SESv2.Operations.ListEmailIdentities.self) { input, call in
            let listed = try await ses.listIdentities(
                call.caller, region: call.region, kind: nil, nextToken: input.nextToken, maxItems: input.pageSize)
            return .init(
                emailIdentities: listed.identities.map {
                    SESv2.IdentityInfo(
                        identityType: identityType($0), identityName: $0.name, sendingEnabled: $0.status == .success,
                        verificationStatus: $0.reportedStatus.v2)
                },
                nextToken: listed.nextToken)
        }
        handlers.on(SESv2.Operations.GetEmailIdentity.self) { input, call in
            let identity = try await ses.getEmailIdentity(call.caller, region: call.region, name: input.emailIdentity)
            let extras = try await ses.emailIdentityExtras(region: call.region, identity: identity)
            return .init(
                identityType: identityType(identity), feedbackForwardingStatus: extras.forwarding,
                verifiedForSendingStatus: identity.status == .success, dkimAttributes: dkimAttributes(identity),
                mailFromAttributes: mailFromAttributes(ses, identity), policies: extras.policies,
                tags: identity.settings.tags.map { SESv2.Tag(key: $0.key, value: $0.value) },
                configurationSetName: identity.settings.defaultConfigurationSet,
                verificationStatus: identity.reportedStatus.v2,
                verificationInfo: identity.kind == .domain && identity.verificationToken != nil ? SESv2.VerificationInfo() : nil)
        }
        handlers.on(SESv2.Operations.PutEmailIdentityDkimSigningAttributes.self) { input, call in
            let result = try await ses.putDkimSigningAttributes(
                call.caller, region: call.region, name: input.emailIdentity, origin: input.signingAttributesOrigin,
                selector: input.signingAttributes?.domainSigningSelector, privateKey: input.signingAttributes?.domainSigningPrivateKey)
            return .init(dkimStatus: result.status, dkimTokens: result.tokens)
        }
        handlers.on(SESv2.Operations.PutEmailIdentityDkimAttributes.self) { input, call in
            try await ses.putDkimAttributes(
                call.caller, region: call.region, name: input.emailIdentity, signingEnabled: input.signingEnabled ?? false)
            return .init()
        }
        handlers.on(SESv2.Operations.DeleteEmailIdentity.self) { input, call in
            try await ses.deleteEmailIdentity(call.caller, region: call.region, name: input.emailIdentity)
            return .init()
        }
    }
}
