import Foundation
import SesameAWSProtocol
import SesameBackend
import SesameCore

/// SES API v1 (Query protocol, version 2010-12-01), served at `POST /` for requests signed for
/// `ses` (or `email`, which some SDKs use).
public enum SESv1Service {
    public static let namespace = "http://ses.amazonaws.com/doc/2010-12-01/"

    public static func make(_ ses: SESBackend) -> QueryService {
        var actions: [String: QueryAction] = [:]
        addIdentityActions(ses, &actions)
        addSendActions(ses, &actions)
        addAccountActions(ses, &actions)
        addTemplateActions(ses, &actions)
        addConfigurationSetActions(ses, &actions)
        addNotificationActions(ses, &actions)
        return QueryService(signingNames: ["ses", "email"], namespace: namespace, version: "2010-12-01", actions: actions, acceptsGlobalRegion: false)
    }

    static func addIdentityActions(_ ses: SESBackend, _ actions: inout [String: QueryAction]) {
        actions["VerifyEmailIdentity"] = { call in
            try await ses.verifyEmailIdentity(call.caller, region: call.region, email: try call.parameters.required("EmailAddress"))
            return QueryResult { _ in }
        }
        actions["VerifyEmailAddress"] = { call in
            try await ses.verifyEmailIdentity(
                call.caller, region: call.region, email: try call.parameters.required("EmailAddress"), action: "ses:VerifyEmailAddress")
            return .empty
        }
        actions["VerifyDomainIdentity"] = { call in
            let token = try await ses.verifyDomainIdentity(call.caller, region: call.region, domain: try call.parameters.required("Domain"))
            return QueryResult { $0.element("VerificationToken", token) }
        }
        actions["ListIdentities"] = { call in
            let p = call.parameters
            var kind: Identity.Kind?
            if let type = p["IdentityType"] {
                guard let parsed = Identity.Kind(rawValue: type) else {
                    throw AWSError(code: "ValidationError", status: 400, message: "1 validation error detected: Value '\(type)' at 'identityType' failed to satisfy constraint: Member must satisfy enum value set: [EmailAddress, Domain]")
                }
                kind = parsed
            }
            let listed = try await ses.listIdentities(call.caller, region: call.region, kind: kind, nextToken: p["NextToken"], maxItems: try p.integer("MaxItems"))
            return QueryResult { xml in
                xml.list("Identities", listed.identities) { xml, identity in xml.characters(identity.name) }
                xml.element("NextToken", listed.nextToken)
            }
        }
        actions["ListVerifiedEmailAddresses"] = { call in
            let listed = try await ses.listIdentities(call.caller, region: call.region, kind: .emailAddress, nextToken: nil, maxItems: 1000)
            let verified = listed.identities.filter { $0.status == .success }
            return QueryResult { xml in xml.list("VerifiedEmailAddresses", verified) { xml, identity in xml.characters(identity.name) } }
        }
        actions["GetIdentityVerificationAttributes"] = { call in
            let found = try await ses.identityAttributes(call.caller, region: call.region, names: call.parameters.list("Identities"))
            return QueryResult { xml in
                identityMap(&xml, "VerificationAttributes", found) { xml, identity in
                    xml.element("VerificationStatus", identity.status.rawValue)
                    // Only domains have a token to publish; an email's token is the secret in its link.
                    if identity.kind == .domain { xml.element("VerificationToken", identity.verificationToken) }
                }
            }
        }
        actions["VerifyDomainDkim"] = { call in
            let tokens = try await ses.verifyDomainDkim(call.caller, region: call.region, domain: try call.parameters.required("Domain"))
            return QueryResult { xml in xml.list("DkimTokens", tokens) { xml, token in xml.characters(token) } }
        }
        actions["SetIdentityDkimEnabled"] = { call in
            guard let enabled = try call.parameters.boolean("DkimEnabled") else {
                throw SesameError(.validation, "1 validation error detected: Value null at 'dkimEnabled' failed to satisfy constraint: Member must not be null")
            }
            try await ses.putDkimAttributes(
                call.caller, region: call.region, name: try call.parameters.required("Identity"), signingEnabled: enabled,
                action: "ses:SetIdentityDkimEnabled")
            return QueryResult { _ in }
        }
        actions["GetIdentityDkimAttributes"] = { call in
            let found = try await ses.dkimAttributes(call.caller, region: call.region, names: call.parameters.list("Identities"))
            return QueryResult { xml in
                identityMap(&xml, "DkimAttributes", found) { xml, identity in
                    xml.element("DkimEnabled", identity.dkimKey?.signingEnabled ?? !identity.dkimTokens.isEmpty)
                    xml.element("DkimVerificationStatus", identity.dkimStatus)
                    if !identity.dkimTokens.isEmpty {
                        xml.list("DkimTokens", identity.dkimTokens) { xml, token in xml.characters(token) }
                    }
                }
            }
        }
        actions["DeleteIdentity"] = { call in
            try await ses.deleteIdentity(call.caller, region: call.region, name: try call.parameters.required("Identity"))
            return QueryResult { _ in }
        }
        actions["DeleteVerifiedEmailAddress"] = { call in
            try await ses.deleteIdentity(
                call.caller, region: call.region, name: try call.parameters.required("EmailAddress"), action: "ses:DeleteVerifiedEmailAddress")
            return .empty
        }
    }

    static func addSendActions(_ ses: SESBackend, _ actions: inout [String: QueryAction]) {
        actions["SendEmail"] = { call in
            let p = call.parameters
            let text = p["Message.Body.Text.Data"], html = p["Message.Body.Html.Data"]
            let subject = try p.required("Message.Subject.Data")
            let id = try await ses.sendEmail(
                call.caller, region: call.region, source: try p.required("Source"),
                to: p.list("Destination.ToAddresses"), cc: p.list("Destination.CcAddresses"), bcc: p.list("Destination.BccAddresses"),
                replyTo: p.list("ReplyToAddresses"), subject: subject, text: text, html: html,
                configurationSet: p["ConfigurationSetName"])
            return QueryResult { $0.element("MessageId", id) }
        }
        actions["SendRawEmail"] = { call in
            let p = call.parameters
            guard let data = Data(base64Encoded: try p.required("RawMessage.Data")) else {
                throw AWSError(code: "InvalidParameterValue", status: 400, message: "RawMessage.Data must be base64-encoded.")
            }
            let id = try await ses.sendRawEmail(
                call.caller, region: call.region, source: p["Source"], destinations: p.list("Destinations"), raw: Array(data),
                configurationSet: p["ConfigurationSetName"])
            return QueryResult { $0.element("MessageId", id) }
        }
    }

    static func addAccountActions(_ ses: SESBackend, _ actions: inout [String: QueryAction]) {
        actions["GetSendQuota"] = { call in
            let quota = try await ses.sendQuota(call.caller, region: call.region)
            return QueryResult { xml in
                xml.element("Max24HourSend", String(quota.max24HourSend))
                xml.element("MaxSendRate", String(quota.maxSendRate))
                xml.element("SentLast24Hours", String(quota.sentLast24Hours))
            }
        }
        actions["GetAccountSendingEnabled"] = { call in
            let enabled = try await ses.accountSendingEnabled(call.caller, region: call.region)
            return QueryResult { $0.element("Enabled", enabled) }
        }
        actions["UpdateAccountSendingEnabled"] = { call in
            try await ses.updateAccountSendingEnabled(call.caller, region: call.region, enabled: try call.parameters.boolean("Enabled") ?? false)
            return .empty
        }
    }

    static func template(_ p: QueryParameters) throws -> EmailTemplate {
        EmailTemplate(
            name: try p.required("Template.TemplateName"), subject: p["Template.SubjectPart"], text: p["Template.TextPart"],
            html: p["Template.HtmlPart"], createdAt: Date())
    }

    static func addTemplateActions(_ ses: SESBackend, _ actions: inout [String: QueryAction]) {
        actions["CreateTemplate"] = { call in
            try await ses.createTemplate(call.caller, region: call.region, template: try template(call.parameters))
            return QueryResult { _ in }
        }
        actions["UpdateTemplate"] = { call in
            try await ses.updateTemplate(call.caller, region: call.region, template: try template(call.parameters))
            return QueryResult { _ in }
        }
        actions["GetTemplate"] = { call in
            let found = try await ses.getTemplate(call.caller, region: call.region, name: try call.parameters.required("TemplateName"))
            return QueryResult { xml in
                xml.element("Template") { xml in
                    xml.element("TemplateName", found.name)
                    xml.element("SubjectPart", found.subject)
                    xml.element("TextPart", found.text)
                    xml.element("HtmlPart", found.html)
                }
            }
        }
        actions["DeleteTemplate"] = { call in
            try await ses.deleteTemplate(call.caller, region: call.region, name: try call.parameters.required("TemplateName"))
            return QueryResult { _ in }
        }
        actions["ListTemplates"] = { call in
            let p = call.parameters
            let listed = try await ses.listTemplates(call.caller, region: call.region, nextToken: p["NextToken"], maxItems: try p.integer("MaxItems"))
            return QueryResult { xml in
                xml.list("TemplatesMetadata", listed.templates) { xml, template in
                    xml.element("Name", template.name)
                    xml.element("CreatedTimestamp", Timestamp.iso8601(template.createdAt))
                }
                xml.element("NextToken", listed.nextToken)
            }
        }
        actions["TestRenderTemplate"] = { call in
            let p = call.parameters
            let rendered = try await ses.testRenderTemplate(
                call.caller, region: call.region, name: try p.required("TemplateName"), dataJSON: try p.required("TemplateData"))
            return QueryResult { $0.element("RenderedTemplate", rendered) }
        }
        actions["SendTemplatedEmail"] = { call in
            let p = call.parameters
            let id = try await ses.sendTemplatedEmail(
                call.caller, region: call.region, source: try p.required("Source"), to: p.list("Destination.ToAddresses"),
                cc: p.list("Destination.CcAddresses"), bcc: p.list("Destination.BccAddresses"), replyTo: p.list("ReplyToAddresses"),
                templateName: try p.required("Template"), dataJSON: try p.required("TemplateData"), configurationSet: p["ConfigurationSetName"])
            return QueryResult { $0.element("MessageId", id) }
        }
        actions["SendBulkTemplatedEmail"] = { call in
            let p = call.parameters
            let source = try p.required("Source")
            let templateName = try p.required("Template")
            let defaultData = try p.required("DefaultTemplateData")
            // Each destination succeeds or fails on its own, as SES reports per destination.
            var statuses: [(status: String, id: String?, error: String?)] = []
            var index = 1
            while p["Destinations.member.\(index).Destination.ToAddresses.member.1"] != nil
                || p["Destinations.member.\(index).Destination.CcAddresses.member.1"] != nil
                || p["Destinations.member.\(index).Destination.BccAddresses.member.1"] != nil
            {
                let prefix = "Destinations.member.\(index)"
                do {
                    let id = try await ses.sendTemplatedEmail(
                        call.caller, region: call.region, source: source, to: p.list("\(prefix).Destination.ToAddresses"),
                        cc: p.list("\(prefix).Destination.CcAddresses"), bcc: p.list("\(prefix).Destination.BccAddresses"),
                        replyTo: p.list("ReplyToAddresses"), templateName: templateName,
                        dataJSON: p["\(prefix).ReplacementTemplateData"] ?? defaultData, configurationSet: p["ConfigurationSetName"])
                    statuses.append(("Success", id, nil))
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
                    statuses.append((status, nil, error.message))
                }
                index += 1
            }
            if statuses.isEmpty {
                throw AWSError(code: "ValidationError", status: 400, message: "1 validation error detected: Value null at 'destinations' failed to satisfy constraint: Member must not be null")
            }
            let result = statuses
            return QueryResult { xml in
                xml.list("Status", result) { xml, status in
                    xml.element("Status", status.status)
                    xml.element("Error", status.error)
                    xml.element("MessageId", status.id)
                }
            }
        }
    }

    static func addConfigurationSetActions(_ ses: SESBackend, _ actions: inout [String: QueryAction]) {
        actions["CreateConfigurationSet"] = { call in
            try await ses.createConfigurationSet(call.caller, region: call.region, name: try call.parameters.required("ConfigurationSet.Name"))
            return QueryResult { _ in }
        }
        actions["DescribeConfigurationSet"] = { call in
            let name = try call.parameters.required("ConfigurationSetName")
            try await ses.describeConfigurationSet(call.caller, region: call.region, name: name)
            return QueryResult { xml in xml.element("ConfigurationSet") { $0.element("Name", name) } }
        }
        actions["ListConfigurationSets"] = { call in
            let p = call.parameters
            let listed = try await ses.listConfigurationSets(call.caller, region: call.region, nextToken: p["NextToken"], maxItems: try p.integer("MaxItems"))
            return QueryResult { xml in
                xml.list("ConfigurationSets", listed.names) { xml, name in xml.element("Name", name) }
                xml.element("NextToken", listed.nextToken)
            }
        }
        actions["DeleteConfigurationSet"] = { call in
            try await ses.deleteConfigurationSet(call.caller, region: call.region, name: try call.parameters.required("ConfigurationSetName"))
            return QueryResult { _ in }
        }
        actions["GetSendStatistics"] = { call in
            let points = try await ses.sendStatistics(call.caller, region: call.region)
            return QueryResult { xml in
                xml.list("SendDataPoints", points) { xml, point in
                    xml.element("Timestamp", Timestamp.iso8601(point.timestamp))
                    xml.element("DeliveryAttempts", point.deliveryAttempts)
                    xml.element("Bounces", point.bounces)
                    xml.element("Complaints", point.complaints)
                    xml.element("Rejects", point.rejects)
                }
            }
        }
    }
}

/// SES v1's per-identity attribute maps: `<Name><entry><key>identity</key><value>…</value></entry>…</Name>`.
func identityMap(_ xml: inout XMLWriter, _ name: String, _ identities: [Identity], _ value: (inout XMLWriter, Identity) -> Void) {
    xml.element(name) { xml in
        for identity in identities {
            xml.element("entry") { xml in
                xml.element("key", identity.name)
                xml.element("value") { xml in value(&xml, identity) }
            }
        }
    }
}

extension SESv1Service {
    static func addNotificationActions(_ ses: SESBackend, _ actions: inout [String: QueryAction]) {
        actions["SetIdentityNotificationTopic"] = { call in
            try await ses.setIdentityNotificationTopic(
                call.caller, region: call.region, identity: try call.parameters.required("Identity"),
                kind: try call.parameters.required("NotificationType"), topicARN: call.parameters["SnsTopic"])
            return QueryResult { _ in }
        }
        actions["SetIdentityFeedbackForwardingEnabled"] = { call in
            guard let enabled = try call.parameters.boolean("ForwardingEnabled") else {
                throw SesameError(.validation, "1 validation error detected: Value null at 'forwardingEnabled' failed to satisfy constraint: Member must not be null")
            }
            try await ses.setFeedbackForwarding(call.caller, region: call.region, identity: try call.parameters.required("Identity"), enabled: enabled)
            return QueryResult { _ in }
        }
        actions["SetIdentityHeadersInNotificationsEnabled"] = { call in
            try await ses.setHeadersInNotifications(
                call.caller, region: call.region, identity: try call.parameters.required("Identity"),
                kind: try call.parameters.required("NotificationType"), enabled: try call.parameters.boolean("Enabled") ?? false)
            return QueryResult { _ in }
        }
        actions["GetIdentityNotificationAttributes"] = { call in
            let found = try await ses.notificationAttributes(call.caller, region: call.region, identities: call.parameters.list("Identities"))
            return QueryResult { xml in
                xml.element("NotificationAttributes") { xml in
                    for attributes in found {
                        xml.element("entry") { xml in
                            xml.element("key", attributes.identity)
                            xml.element("value") { xml in
                                for kind in ["Bounce", "Complaint", "Delivery"] {
                                    if let topic = attributes.topics[kind] { xml.element("\(kind)Topic", topic) }
                                    xml.element("HeadersIn\(kind)NotificationsEnabled", attributes.headersIncluded[kind] ?? false)
                                }
                                xml.element("ForwardingEnabled", attributes.forwardingEnabled)
                            }
                        }
                    }
                }
            }
        }
        // Create and Update take the same parameters; Update needs the destination to exist.
        for (name, create) in [("CreateConfigurationSetEventDestination", true), ("UpdateConfigurationSetEventDestination", false)] {
            actions[name] = { call in
                let p = call.parameters
                try await ses.putEventDestination(
                    call.caller, region: call.region, configurationSet: try p.required("ConfigurationSetName"),
                    name: try p.required("EventDestination.Name"), enabled: try p.boolean("EventDestination.Enabled") ?? false,
                    eventTypes: p.list("EventDestination.MatchingEventTypes"), topicARN: p["EventDestination.SNSDestination.TopicARN"],
                    create: create, action: "ses:\(name)")
                return QueryResult { _ in }
            }
        }
        actions["DeleteConfigurationSetEventDestination"] = { call in
            try await ses.deleteEventDestination(
                call.caller, region: call.region, configurationSet: try call.parameters.required("ConfigurationSetName"),
                name: try call.parameters.required("EventDestinationName"), action: "ses:DeleteConfigurationSetEventDestination")
            return QueryResult { _ in }
        }
    }
}
