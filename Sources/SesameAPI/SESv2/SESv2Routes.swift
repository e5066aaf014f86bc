import Foundation
import Hummingbird
import SesameAWSProtocol
import SesameBackend
import SesameCore

/// SES API v2 (REST-JSON, 2019-09-27) under `/v2/email/`: sending, the account, identities,
/// templates, configuration sets and the suppression list.
public struct SESv2Routes: Sendable {
    let ses: SESBackend
    let door: RESTJSONFrontDoor

    static func epoch(_ date: Date) -> Double { date.timeIntervalSince1970.rounded(.down) }

    static func string(_ object: [String: Any], _ key: String) throws -> String {
        guard let value = object[key] as? String else {
            throw SesameError(.validation, "1 validation error detected: Value null at '\(QueryParameters.fieldName(key))' failed to satisfy constraint: Member must not be null")
        }
        return value
    }

    /// SES v2's `DkimAttributes`: the identity's tokens (selectors) and its signing key.
    static func dkimAttributes(_ identity: Identity) -> [String: Any] {
        let status = identity.dkimTokens.isEmpty ? "NOT_STARTED" : identity.dkimStatus.uppercased()
        var out: [String: Any] = [
            "SigningEnabled": identity.dkimKey?.signingEnabled ?? !identity.dkimTokens.isEmpty, "Status": status,
            "SigningAttributesOrigin": identity.dkimKey?.origin ?? "AWS_SES", "Tokens": identity.dkimTokens,
            "NextSigningKeyLength": "RSA_2048_BIT",
        ]
        if let key = identity.dkimKey {
            out["CurrentSigningKeyLength"] = key.keyBits == 1024 ? "RSA_1024_BIT" : "RSA_2048_BIT"
            out["LastKeyGenerationTimestamp"] = epoch(key.createdAt)
        }
        return out
    }

    static func identityJSON(_ identity: Identity) -> [String: Any] {
        var out: [String: Any] = [
            "IdentityType": identity.kind == .emailAddress ? "EMAIL_ADDRESS" : "DOMAIN",
            "VerifiedForSendingStatus": identity.status == .success,
            "VerificationStatus": identity.status == .success ? "SUCCESS" : (identity.status == .pending ? "PENDING" : "FAILED"),
            "FeedbackForwardingStatus": true,
            "DkimAttributes": dkimAttributes(identity),
            "MailFromAttributes": ["BehaviorOnMxFailure": "USE_DEFAULT_VALUE"],
            "Policies": [String: String](), "Tags": [[String: String]](),
        ]
        if identity.kind == .domain, identity.verificationToken != nil { out["VerificationInfo"] = [String: String]() }
        return out
    }

    static func addresses(_ destination: [String: Any]?, _ key: String) -> [String] {
        (destination?[key] as? [String]) ?? []
    }

    func sendEmail(_ call: RESTCall) async throws -> Data {
        let body = try call.json()
        guard let content = body["Content"] as? [String: Any] else {
            throw SesameError(.validation, "1 validation error detected: Value null at 'content' failed to satisfy constraint: Member must not be null")
        }
        let destination = body["Destination"] as? [String: Any]
        let from = body["FromEmailAddress"] as? String
        let configurationSet = body["ConfigurationSetName"] as? String
        let replyTo = (body["ReplyToAddresses"] as? [String]) ?? []
        let id: String
        if let simple = content["Simple"] as? [String: Any] {
            guard let from else { throw SesameError(.validation, "FromEmailAddress is required for Simple content.") }
            let subject = ((simple["Subject"] as? [String: Any])?["Data"] as? String) ?? ""
            let bodyParts = simple["Body"] as? [String: Any]
            let text = (bodyParts?["Text"] as? [String: Any])?["Data"] as? String
            let html = (bodyParts?["Html"] as? [String: Any])?["Data"] as? String
            let headers = ((simple["Headers"] as? [[String: Any]]) ?? []).compactMap { h -> (String, String)? in
                guard let name = h["Name"] as? String, let value = h["Value"] as? String else { return nil }
                return (name, value)
            }
            id = try await ses.sendEmail(
                call.caller, region: call.region, source: from, to: Self.addresses(destination, "ToAddresses"),
                cc: Self.addresses(destination, "CcAddresses"), bcc: Self.addresses(destination, "BccAddresses"), replyTo: replyTo,
                subject: subject, text: text, html: html, apiVersion: "2", extraHeaders: headers, configurationSet: configurationSet)
        } else if let raw = content["Raw"] as? [String: Any] {
            guard let data = (raw["Data"] as? String).flatMap({ Data(base64Encoded: $0) }) else {
                throw SesameError(.validation, "Content.Raw.Data must be base64-encoded MIME.")
            }
            let recipients = Self.addresses(destination, "ToAddresses") + Self.addresses(destination, "CcAddresses")
                + Self.addresses(destination, "BccAddresses")
            id = try await ses.sendRawEmail(
                call.caller, region: call.region, source: from, destinations: recipients, raw: Array(data), apiVersion: "2",
                via: "SendEmail (v2, Raw)", configurationSet: configurationSet, action: "ses:SendEmail")
        } else if let template = content["Template"] as? [String: Any] {
            guard let from else { throw SesameError(.validation, "FromEmailAddress is required for Template content.") }
            let data = (template["TemplateData"] as? String) ?? "{}"
            if let inline = template["TemplateContent"] as? [String: Any] {
                let rendered = try SESBackend.render(
                    EmailTemplate(name: "inline", subject: inline["Subject"] as? String, text: inline["Text"] as? String, html: inline["Html"] as? String, createdAt: Date()),
                    dataJSON: data)
                id = try await ses.sendEmail(
                    call.caller, region: call.region, source: from, to: Self.addresses(destination, "ToAddresses"),
                    cc: Self.addresses(destination, "CcAddresses"), bcc: Self.addresses(destination, "BccAddresses"), replyTo: replyTo,
                    subject: rendered.subject, text: rendered.text, html: rendered.html, apiVersion: "2", configurationSet: configurationSet)
            } else {
                guard let name = template["TemplateName"] as? String ?? (template["TemplateArn"] as? String)?.split(separator: "/").last.map(String.init) else {
                    throw SesameError(.validation, "Content.Template needs TemplateName, TemplateArn or TemplateContent.")
                }
                id = try await ses.sendTemplatedEmail(
                    call.caller, region: call.region, source: from, to: Self.addresses(destination, "ToAddresses"),
                    cc: Self.addresses(destination, "CcAddresses"), bcc: Self.addresses(destination, "BccAddresses"), replyTo: replyTo,
                    templateName: name, dataJSON: data, apiVersion: "2", configurationSet: configurationSet, action: "ses:SendEmail")
            }
        } else {
            throw SesameError(.validation, "Content must have exactly one of Simple, Raw or Template.")
        }
        return try RESTJSONFrontDoor.json(["MessageId": id])
    }

    func getAccount(_ call: RESTCall) async throws -> Data {
        let quota = try await ses.sendQuota(call.caller, region: call.region)
        let enabled = try await ses.accountSendingEnabled(call.caller, region: call.region)
        return try RESTJSONFrontDoor.json([
            "DedicatedIpAutoWarmupEnabled": false, "EnforcementStatus": "HEALTHY", "ProductionAccessEnabled": !ses.configuration.sandbox,
            "SendQuota": ["Max24HourSend": quota.max24HourSend, "MaxSendRate": quota.maxSendRate, "SentLast24Hours": quota.sentLast24Hours],
            "SendingEnabled": enabled, "SuppressionAttributes": ["SuppressedReasons": [String]()],
        ])
    }

    func templateJSON(_ template: EmailTemplate) -> [String: Any] {
        var content: [String: Any] = [:]
        if let s = template.subject { content["Subject"] = s }
        if let t = template.text { content["Text"] = t }
        if let h = template.html { content["Html"] = h }
        return ["TemplateName": template.name, "TemplateContent": content]
    }

    static func template(name: String, _ body: [String: Any]) -> EmailTemplate {
        let content = body["TemplateContent"] as? [String: Any]
        return EmailTemplate(
            name: name, subject: content?["Subject"] as? String, text: content?["Text"] as? String, html: content?["Html"] as? String,
            createdAt: Date())
    }

    func register(
        _ router: Router<SesameRequestContext>, _ method: HTTPRequest.Method, _ path: String, _ parameters: [String] = [],
        _ operation: @escaping RESTJSONFrontDoor.Operation
    ) {
        let door = self.door
        router.on(RouterPath(path), method: method) { request, context in
            await door.handle(request, context: context, parameters: parameters, operation)
        }
    }

    public func add(to router: Router<SesameRequestContext>) {
        let ses = self.ses
        register(router, .post, "/v2/email/outbound-emails") { call in try await self.sendEmail(call) }
        register(router, .get, "/v2/email/account") { call in try await self.getAccount(call) }
        register(router, .put, "/v2/email/account/sending") { call in
            try await ses.updateAccountSendingEnabled(call.caller, region: call.region, enabled: (try call.json()["SendingEnabled"] as? Bool) ?? false)
            return try RESTJSONFrontDoor.json([:])
        }

        // Identities
        register(router, .post, "/v2/email/identities") { call in
            let body = try call.json()
            var signing: SESBackend.DkimSigningRequest?
            if let attributes = body["DkimSigningAttributes"] as? [String: Any] {
                signing = .init(selector: attributes["DomainSigningSelector"] as? String, privateKey: attributes["DomainSigningPrivateKey"] as? String)
            }
            let identity = try await ses.createEmailIdentity(call.caller, region: call.region, name: try Self.string(body, "EmailIdentity"), dkimSigning: signing)
            var out: [String: Any] = [
                "IdentityType": identity.kind == .emailAddress ? "EMAIL_ADDRESS" : "DOMAIN",
                "VerifiedForSendingStatus": identity.status == .success,
            ]
            if identity.kind == .domain {
                out["DkimAttributes"] = Self.dkimAttributes(identity)
            }
            return try RESTJSONFrontDoor.json(out)
        }
        register(router, .get, "/v2/email/identities") { call in
            let listed = try await ses.listIdentities(
                call.caller, region: call.region, kind: nil, nextToken: call.query["NextToken"], maxItems: call.query["PageSize"].flatMap { Int($0) })
            var out: [String: Any] = [
                "EmailIdentities": listed.identities.map { identity -> [String: Any] in
                    [
                        "IdentityType": identity.kind == .emailAddress ? "EMAIL_ADDRESS" : "DOMAIN", "IdentityName": identity.name,
                        "SendingEnabled": identity.status == .success,
                        "VerificationStatus": identity.status == .success ? "SUCCESS" : "PENDING",
                    ]
                }
            ]
            if let next = listed.nextToken { out["NextToken"] = next }
            return try RESTJSONFrontDoor.json(out)
        }
        register(router, .get, "/v2/email/identities/:identity", ["identity"]) { call in
            try RESTJSONFrontDoor.json(Self.identityJSON(try await ses.getEmailIdentity(call.caller, region: call.region, name: call.pathParameters["identity"] ?? "")))
        }
        register(router, .put, "/v2/email/identities/:identity/dkim/signing", ["identity"]) { call in
            let body = try call.json()
            let attributes = body["SigningAttributes"] as? [String: Any]
            let result = try await ses.putDkimSigningAttributes(
                call.caller, region: call.region, name: call.pathParameters["identity"] ?? "",
                origin: try Self.string(body, "SigningAttributesOrigin"), selector: attributes?["DomainSigningSelector"] as? String,
                privateKey: attributes?["DomainSigningPrivateKey"] as? String)
            return try RESTJSONFrontDoor.json(["DkimStatus": result.status, "DkimTokens": result.tokens])
        }
        register(router, .put, "/v2/email/identities/:identity/dkim", ["identity"]) { call in
            try await ses.putDkimAttributes(
                call.caller, region: call.region, name: call.pathParameters["identity"] ?? "",
                signingEnabled: (try call.json()["SigningEnabled"] as? Bool) ?? false)
            return try RESTJSONFrontDoor.json([:])
        }
        register(router, .delete, "/v2/email/identities/:identity", ["identity"]) { call in
            try await ses.deleteEmailIdentity(call.caller, region: call.region, name: call.pathParameters["identity"] ?? "")
            return try RESTJSONFrontDoor.json([:])
        }

        // Templates
        register(router, .post, "/v2/email/templates") { call in
            let body = try call.json()
            try await ses.createTemplate(call.caller, region: call.region, template: Self.template(name: try Self.string(body, "TemplateName"), body))
            return try RESTJSONFrontDoor.json([:])
        }
        register(router, .get, "/v2/email/templates") { call in
            let listed = try await ses.listTemplates(
                call.caller, region: call.region, nextToken: call.query["NextToken"], maxItems: call.query["PageSize"].flatMap { Int($0) })
            var out: [String: Any] = [
                "TemplatesMetadata": listed.templates.map { ["TemplateName": $0.name, "CreatedTimestamp": Self.epoch($0.createdAt)] as [String: Any] }
            ]
            if let next = listed.nextToken { out["NextToken"] = next }
            return try RESTJSONFrontDoor.json(out)
        }
        register(router, .get, "/v2/email/templates/:name", ["name"]) { call in
            try RESTJSONFrontDoor.json(self.templateJSON(try await ses.getTemplate(call.caller, region: call.region, name: call.pathParameters["name"] ?? "")))
        }
        register(router, .put, "/v2/email/templates/:name", ["name"]) { call in
            try await ses.updateTemplate(call.caller, region: call.region, template: Self.template(name: call.pathParameters["name"] ?? "", try call.json()))
            return try RESTJSONFrontDoor.json([:])
        }
        register(router, .delete, "/v2/email/templates/:name", ["name"]) { call in
            let name = call.pathParameters["name"] ?? ""
            _ = try await ses.getTemplate(call.caller, region: call.region, name: name)
            try await ses.deleteTemplate(call.caller, region: call.region, name: name)
            return try RESTJSONFrontDoor.json([:])
        }
        register(router, .post, "/v2/email/templates/:name/render", ["name"]) { call in
            let rendered = try await ses.testRenderTemplate(
                call.caller, region: call.region, name: call.pathParameters["name"] ?? "", dataJSON: try Self.string(try call.json(), "TemplateData"))
            return try RESTJSONFrontDoor.json(["RenderedTemplate": rendered])
        }

        // Configuration sets
        register(router, .post, "/v2/email/configuration-sets") { call in
            try await ses.createConfigurationSet(call.caller, region: call.region, name: try Self.string(try call.json(), "ConfigurationSetName"))
            return try RESTJSONFrontDoor.json([:])
        }
        register(router, .get, "/v2/email/configuration-sets") { call in
            let listed = try await ses.listConfigurationSets(
                call.caller, region: call.region, nextToken: call.query["NextToken"], maxItems: call.query["PageSize"].flatMap { Int($0) })
            var out: [String: Any] = ["ConfigurationSets": listed.names]
            if let next = listed.nextToken { out["NextToken"] = next }
            return try RESTJSONFrontDoor.json(out)
        }
        register(router, .get, "/v2/email/configuration-sets/:name", ["name"]) { call in
            let name = call.pathParameters["name"] ?? ""
            try await ses.describeConfigurationSet(call.caller, region: call.region, name: name)
            return try RESTJSONFrontDoor.json(["ConfigurationSetName": name, "SendingOptions": ["SendingEnabled": true]])
        }
        register(router, .delete, "/v2/email/configuration-sets/:name", ["name"]) { call in
            try await ses.deleteConfigurationSet(call.caller, region: call.region, name: call.pathParameters["name"] ?? "")
            return try RESTJSONFrontDoor.json([:])
        }

        // Event destinations (SNS)
        @Sendable func putDestination(_ call: RESTCall, name: String, create: Bool) async throws -> Data {
            let destination = (try call.json()["EventDestination"] as? [String: Any]) ?? [:]
            try await ses.putEventDestination(
                call.caller, region: call.region, configurationSet: call.pathParameters["name"] ?? "", name: name,
                enabled: destination["Enabled"] as? Bool ?? false, eventTypes: destination["MatchingEventTypes"] as? [String] ?? [],
                topicARN: (destination["SnsDestination"] as? [String: Any])?["TopicArn"] as? String, create: create,
                action: create ? "ses:CreateConfigurationSetEventDestination" : "ses:UpdateConfigurationSetEventDestination")
            return try RESTJSONFrontDoor.json([:])
        }
        register(router, .post, "/v2/email/configuration-sets/:name/event-destinations", ["name"]) { call in
            try await putDestination(call, name: try Self.string(try call.json(), "EventDestinationName"), create: true)
        }
        register(router, .put, "/v2/email/configuration-sets/:name/event-destinations/:destination", ["name", "destination"]) { call in
            try await putDestination(call, name: call.pathParameters["destination"] ?? "", create: false)
        }
        register(router, .get, "/v2/email/configuration-sets/:name/event-destinations", ["name"]) { call in
            let destinations = try await ses.eventDestinations(
                call.caller, region: call.region, configurationSet: call.pathParameters["name"] ?? "", action: "ses:GetConfigurationSetEventDestinations")
            return try RESTJSONFrontDoor.json([
                "EventDestinations": destinations.map { d -> [String: Any] in
                    [
                        "Name": d.name, "Enabled": d.enabled, "SnsDestination": ["TopicArn": d.topicARN],
                        "MatchingEventTypes": d.eventTypes.map { type in
                            type.reduce(into: "") { out, c in out += c.isUppercase ? "_\(c)" : c.uppercased() }
                        },
                    ]
                }
            ])
        }
        register(router, .delete, "/v2/email/configuration-sets/:name/event-destinations/:destination", ["name", "destination"]) { call in
            try await ses.deleteEventDestination(
                call.caller, region: call.region, configurationSet: call.pathParameters["name"] ?? "", name: call.pathParameters["destination"] ?? "",
                action: "ses:DeleteConfigurationSetEventDestination")
            return try RESTJSONFrontDoor.json([:])
        }

        // Suppression list
        register(router, .put, "/v2/email/suppression/addresses") { call in
            let body = try call.json()
            try await ses.putSuppressedDestination(
                call.caller, region: call.region, address: try Self.string(body, "EmailAddress"), reason: try Self.string(body, "Reason"))
            return try RESTJSONFrontDoor.json([:])
        }
        register(router, .get, "/v2/email/suppression/addresses") { call in
            let listed = try await ses.listSuppressedDestinations(
                call.caller, region: call.region, reason: call.query["Reason"], nextToken: call.query["NextToken"],
                pageSize: call.query["PageSize"].flatMap { Int($0) })
            var out: [String: Any] = [
                "SuppressedDestinationSummaries": listed.items.map {
                    ["EmailAddress": $0.address, "Reason": $0.reason, "LastUpdateTime": Self.epoch($0.updatedAt)] as [String: Any]
                }
            ]
            if let next = listed.nextToken { out["NextToken"] = next }
            return try RESTJSONFrontDoor.json(out)
        }
        register(router, .get, "/v2/email/suppression/addresses/:address", ["address"]) { call in
            let found = try await ses.suppressedDestination(call.caller, region: call.region, address: call.pathParameters["address"] ?? "")
            return try RESTJSONFrontDoor.json([
                "SuppressedDestination": [
                    "EmailAddress": found.address, "Reason": found.reason, "LastUpdateTime": Self.epoch(found.updatedAt),
                    "Attributes": [String: String](),
                ] as [String: Any]
            ])
        }
        register(router, .delete, "/v2/email/suppression/addresses/:address", ["address"]) { call in
            try await ses.deleteSuppressedDestination(call.caller, region: call.region, address: call.pathParameters["address"] ?? "")
            return try RESTJSONFrontDoor.json([:])
        }
    }
}
