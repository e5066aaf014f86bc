import Foundation
public import SesameCore
import SesameStorage

/// Custom verification email templates (v1 and v2) and `SendCustomVerificationEmail`: the
/// template's subject and HTML with Sesame's confirmation link added at the end, from the
/// template's verified sender; following the link lands on the template's success (or failure)
/// URL.
extension SESBackend {
    /// SES's limit per account.
    static let maxCustomVerificationTemplates = 50

    static func customTemplateMissing(_ name: String) -> SesameError {
        SesameError(.notFound, "Custom verification email template \(name) does not exist.")
    }

    /// Creates (`replace` false) or updates (`replace` true: it must exist) a template.
    public func putCustomVerificationTemplate(
        _ caller: Caller, region: String, template: CustomVerificationTemplate, replace: Bool
    ) async throws {
        try authorize(
            caller, replace ? "ses:UpdateCustomVerificationEmailTemplate" : "ses:CreateCustomVerificationEmailTemplate", "*")
        try Self.validateName(template.name, of: "Template")
        try Self.validate(tags: template.tags)
        for url in [template.successURL, template.failureURL] {
            guard let parsed = URL(string: url), parsed.scheme == "http" || parsed.scheme == "https", parsed.host != nil else {
                throw SesameError(.invalidParameterValue, "Redirection URL \(url) is not an http or https URL.")
            }
        }
        if template.content.utf8.count > 10 * 1024 * 1024 {
            throw SesameError(.invalidCustomVerificationContent, "The content of the custom verification email must be less than 10 MB.")
        }
        let sender = try Self.parseAddress(template.fromAddress)
        let state = try await sendingState.state(region)
        guard state.verified.contains(sender.address.lowercased()) || state.verified.contains(sender.domain) else {
            throw SesameError(.fromEmailAddressNotVerified, "From email address \(template.fromAddress) is not verified.")
        }
        try await store.transaction { session in
            let existing = try await session.customVerificationTemplate(region: region, name: template.name)
            if replace && existing == nil { throw Self.customTemplateMissing(template.name) }
            if !replace && existing != nil {
                throw SesameError(.alreadyExists, "Custom verification email template \(template.name) already exists.")
            }
            if existing == nil,
                try await session.customVerificationTemplates(region: region, afterName: nil, limit: Self.maxCustomVerificationTemplates)
                    .count >= Self.maxCustomVerificationTemplates
            {
                throw SesameError(
                    .limitExceeded,
                    "An account can have at most \(Self.maxCustomVerificationTemplates) custom verification email templates.")
            }
            var stored = template
            if let existing { stored.createdAt = existing.createdAt }
            _ = try await session.putCustomVerificationTemplate(stored, replace: replace)
        }
    }

    public func customVerificationTemplate(_ caller: Caller, region: String, name: String) async throws -> CustomVerificationTemplate {
        try authorize(caller, "ses:GetCustomVerificationEmailTemplate", "*")
        guard let found = try await store.read({ try await $0.customVerificationTemplate(region: region, name: name) }) else {
            throw Self.customTemplateMissing(name)
        }
        return found
    }

    public func listCustomVerificationTemplates(
        _ caller: Caller, region: String, nextToken: String?, maxResults: Int?
    ) async throws -> (templates: [CustomVerificationTemplate], nextToken: String?) {
        try authorize(caller, "ses:ListCustomVerificationEmailTemplates", "*")
        let limit = min(max(maxResults ?? 50, 1), 50)
        let after = Self.tokenKey(nextToken)
        let found = try await store.read { try await $0.customVerificationTemplates(region: region, afterName: after, limit: limit + 1) }
        return Self.page(found, limit: limit) { $0.name }
    }

    /// Deleting a template that does not exist succeeds in v1; v2 says it is not found.
    public func deleteCustomVerificationTemplate(_ caller: Caller, region: String, name: String, v2: Bool) async throws {
        try authorize(caller, "ses:DeleteCustomVerificationEmailTemplate", "*")
        try await store.transaction { session in
            if v2, try await session.customVerificationTemplate(region: region, name: name) == nil {
                throw Self.customTemplateMissing(name)
            }
            try await session.deleteCustomVerificationTemplate(region: region, name: name)
        }
    }

    /// Makes `email` a pending identity (if it is not verified yet) and mails it the template
    /// with its confirmation link. Returns the message ID.
    public func sendCustomVerificationEmail(
        _ caller: Caller, region: String, email: String, templateName: String, configurationSet: String?
    ) async throws -> String {
        try authorize(caller, "ses:SendCustomVerificationEmail", "*")
        if configuration.sandbox {
            throw SesameError(
                .productionAccessNotGranted, "Custom verification emails can be sent only by accounts with production access.")
        }
        let address = try Self.parseAddress(email)
        guard let template = try await store.read({ try await $0.customVerificationTemplate(region: region, name: templateName) }) else {
            throw Self.customTemplateMissing(templateName)
        }
        let state = try await sendingState.state(region)
        let sender = try Self.parseAddress(template.fromAddress)
        guard state.verified.contains(sender.address.lowercased()) || state.verified.contains(sender.domain) else {
            throw SesameError(.fromEmailAddressNotVerified, "From email address \(template.fromAddress) is not verified.")
        }
        if let configurationSet, state.configurationSets[configurationSet] == nil {
            throw SesameError(.configurationSetDoesNotExist, "Configuration set <\(configurationSet)> does not exist.")
        }
        let now = clock.now()
        let identity = try await store.transaction { session -> Identity in
            if let existing = try await session.identity(region: region, name: address.address) { return existing }
            let fresh = Identity(
                region: region, name: address.address, kind: .emailAddress, status: .pending, verificationToken: Self.newToken(),
                createdAt: now)
            try await session.putIdentity(fresh)
            return fresh
        }
        sendingState.invalidate(region)
        let link = verificationLink(identity) + "&template=\(Self.formEncode(template.name))"
        let html = template.content + "<p><a href=\"\(link)\">\(link)</a></p>"
        let id = MessageID.make(at: now)
        let raw = MIME.simpleMessage(
            from: sender, to: [address], cc: [], replyTo: [], subject: template.subject, text: nil, html: html, messageID: id, date: now)
        var message = StoredMessage(
            id: id, region: region, source: sender.address, destinations: [address.address], subject: template.subject, raw: raw,
            principalARN: caller.principal.arn, via: .identityVerification, createdAt: now)
        message.countsTowardQuota = false
        message.configurationSet = configurationSet
        Self.plan(&message, mode: configuration.deliveryMode, suppressed: [])
        try await writer.write(message, dailyLimit: -1)
        return id
    }

    /// Where a confirmation link sent from `templateName` lands: its success or failure URL
    /// (nil when the template is gone, and Sesame's own page answers).
    public func customVerificationRedirect(region: String, templateName: String, confirmed: Bool) async throws -> String? {
        let template = try await store.read { try await $0.customVerificationTemplate(region: region, name: templateName) }
        return template.map { confirmed ? $0.successURL : $0.failureURL }
    }
}
