public import Foundation
public import SesameCore
import SesameStorage

extension SESBackend {
    static func noSuchTemplate(_ name: String) -> SesameError {
        SesameError(.templateDoesNotExist, "Template \(name) does not exist.")
    }

    /// Template and configuration set names: 1-64 characters of A-Z, a-z, 0-9, '-' and '_'.
    static func validateName(_ name: String, of kind: String) throws(SesameError) {
        guard !name.isEmpty, name.count <= 64,
            name.unicodeScalars.allSatisfy({
                ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0))) || $0 == "-" || $0 == "_"
            })
        else {
            throw SesameError(.invalidParameterValue, "\(kind) name must be 1-64 characters of A-Z, a-z, 0-9, '-' and '_' (got '\(name)').")
        }
    }

    public func createTemplate(_ caller: Caller, region: String, template: EmailTemplate) async throws {
        try Self.validateName(template.name, of: "Template")
        try authorize(caller, "ses:CreateTemplate", "*")
        let created = try await store.transaction { session in try await session.putTemplate(region: region, template, replace: false) }
        if !created { throw SesameError(.alreadyExists, "Template \(template.name) already exists.") }
    }

    public func updateTemplate(_ caller: Caller, region: String, template: EmailTemplate) async throws {
        try authorize(caller, "ses:UpdateTemplate", "*")
        try await store.transaction { session in
            guard try await session.template(region: region, name: template.name) != nil else { throw Self.noSuchTemplate(template.name) }
            _ = try await session.putTemplate(region: region, template, replace: true)
        }
    }

    public func getTemplate(_ caller: Caller, region: String, name: String) async throws -> EmailTemplate {
        try authorize(caller, "ses:GetTemplate", "*")
        guard let template = try await store.read({ session in try await session.template(region: region, name: name) }) else {
            throw Self.noSuchTemplate(name)
        }
        return template
    }

    /// Deleting a template that does not exist succeeds, as in SES v1.
    public func deleteTemplate(_ caller: Caller, region: String, name: String) async throws {
        try authorize(caller, "ses:DeleteTemplate", "*")
        try await store.transaction { session in try await session.deleteTemplate(region: region, name: name) }
    }

    public func listTemplates(
        _ caller: Caller, region: String, nextToken: String?, maxItems: Int?
    ) async throws -> (
        templates: [EmailTemplate], nextToken: String?
    ) {
        try authorize(caller, "ses:ListTemplates", "*")
        let limit = min(max(maxItems ?? 100, 1), 100)
        let after = Self.tokenKey(nextToken)
        let found = try await store.read { session in try await session.templates(region: region, afterName: after, limit: limit + 1) }
        return Self.page(found, limit: limit) { $0.name }
    }

    /// Renders a template with data, mapping renderer failures to SES's errors.
    public static func render(
        _ template: EmailTemplate, dataJSON: String
    ) throws(SesameError) -> (subject: String, text: String?, html: String?) {
        do {
            let data = try TemplateRenderer.parseData(dataJSON)
            let subject = try TemplateRenderer.render(template.subject ?? "", data: data, escapeHTML: false)
            let text = try template.text.map { text throws(TemplateRenderer.Failure) in
                try TemplateRenderer.render(text, data: data, escapeHTML: false)
            }
            let html = try template.html.map { html throws(TemplateRenderer.Failure) in
                try TemplateRenderer.render(html, data: data, escapeHTML: true)
            }
            return (subject, text, html)
        } catch {
            switch error.kind {
            case .missingAttribute: throw SesameError(.missingRenderingAttribute, error.message)
            case .invalidData, .invalidTemplate: throw SesameError(.invalidRenderingParameter, error.message)
            }
        }
    }

    /// `TestRenderTemplate`: the MIME message the template would produce.
    public func testRenderTemplate(_ caller: Caller, region: String, name: String, dataJSON: String) async throws -> String {
        try authorize(caller, "ses:TestRenderTemplate", "*")
        let template = try await getTemplate(caller, region: region, name: name)
        let rendered = try Self.render(template, dataJSON: dataJSON)
        var headers = "Subject: \(MIME.encodeHeaderText(rendered.subject))\r\nMIME-Version: 1.0\r\n"
        let body = MIME.simpleMessage(
            from: EmailAddress(address: "sender@example.com"), to: [], cc: [], replyTo: [], subject: rendered.subject,
            text: rendered.text, html: rendered.html, messageID: "render", date: clock.now())
        // Keep only the content headers and body of the built message.
        let all = String(decoding: body, as: UTF8.self)
        if let range = all.range(of: "MIME-Version: 1.0\r\n") { headers += all[range.upperBound...] }
        return headers
    }

    /// `SendTemplatedEmail`: render, then send as `SendEmail` does.
    public func sendTemplatedEmail(
        _ caller: Caller, region: String, source: String, to: [String], cc: [String], bcc: [String], replyTo: [String],
        templateName: String, dataJSON: String, apiVersion: String = "1", configurationSet: String? = nil,
        action: String = "ses:SendTemplatedEmail", extraHeaders: [(String, String)] = []
    ) async throws -> String {
        let template = try await store.read { session in try await session.template(region: region, name: templateName) }
        guard let template else { throw Self.noSuchTemplate(templateName) }
        return try await sendTemplate(
            caller, region: region, source: source, to: to, cc: cc, bcc: bcc, replyTo: replyTo, template: template, dataJSON: dataJSON,
            apiVersion: apiVersion, configurationSet: configurationSet, action: action, extraHeaders: extraHeaders)
    }

    /// Sends `template` (stored or given inline) rendered with `dataJSON`. Data that is not JSON
    /// is refused; data that lacks an attribute the template uses is accepted, as SES accepts it,
    /// and becomes a message sent to nobody with a Rendering Failure event.
    public func sendTemplate(
        _ caller: Caller, region: String, source: String, to: [String], cc: [String], bcc: [String], replyTo: [String],
        template: EmailTemplate, dataJSON: String, apiVersion: String = "1", configurationSet: String? = nil,
        action: String = "ses:SendTemplatedEmail", extraHeaders: [(String, String)] = []
    ) async throws -> String {
        do {
            let rendered = try Self.render(template, dataJSON: dataJSON)
            return try await sendEmail(
                caller, region: region, source: source, to: to, cc: cc, bcc: bcc, replyTo: replyTo, subject: rendered.subject,
                text: rendered.text, html: rendered.html, apiVersion: apiVersion, extraHeaders: extraHeaders, action: action,
                via: .sendTemplatedEmail, configurationSet: configurationSet)
        } catch let error as SesameError where error.code == .missingRenderingAttribute {
            return try await sendEmail(
                caller, region: region, source: source, to: to, cc: cc, bcc: bcc, replyTo: replyTo, subject: template.subject ?? "",
                text: template.text, html: template.html, apiVersion: apiVersion, extraHeaders: extraHeaders, action: action,
                via: .sendTemplatedEmail, configurationSet: configurationSet, renderingFailure: (template.name, error.message))
        }
    }

    // MARK: Configuration sets

    public func createConfigurationSet(_ caller: Caller, region: String, name: String) async throws {
        try Self.validateName(name, of: "Configuration set")
        try authorize(caller, "ses:CreateConfigurationSet", "*")
        let now = clock.now()
        let created = try await store.transaction { session in try await session.insertConfigurationSet(region: region, name: name, at: now)
        }
        sendingState.invalidate(region)
        if !created { throw SesameError(.configurationSetAlreadyExists, "Configuration set <\(name)> already exists.") }
    }

    public func listConfigurationSets(
        _ caller: Caller, region: String, nextToken: String?, maxItems: Int?
    ) async throws -> (
        names: [String], nextToken: String?
    ) {
        try authorize(caller, "ses:ListConfigurationSets", "*")
        let limit = min(max(maxItems ?? 1000, 1), 1000)
        let after = Self.tokenKey(nextToken)
        let found = try await store.read { session in
            try await session.configurationSets(region: region, afterName: after, limit: limit + 1)
        }
        return Self.page(found.map(\.name), limit: limit) { $0 }
    }

    public func deleteConfigurationSet(_ caller: Caller, region: String, name: String) async throws {
        try authorize(caller, "ses:DeleteConfigurationSet", "*")
        try await store.transaction { session in
            guard try await session.configurationSetExists(region: region, name: name) else {
                throw SesameError(.configurationSetDoesNotExist, "Configuration set <\(name)> does not exist.")
            }
            try await session.deleteConfigurationSet(region: region, name: name)
        }
        sendingState.invalidate(region)
    }

    // MARK: Statistics

    public struct SendDataPoint: Sendable {
        public var timestamp: Date
        public var deliveryAttempts: Int
        public var bounces: Int
        public var complaints: Int
        public var rejects: Int
    }
}
