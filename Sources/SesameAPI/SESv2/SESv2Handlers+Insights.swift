import Foundation
import SesameAWSModels
import SesameAWSProtocol
import SesameBackend
import SesameCore

/// SES v2's reporting: `BatchGetMetricData`, `GetMessageInsights`, `GetEmailAddressInsights`,
/// answered from Sesame's own messages and events.
extension SESv2Handlers {
    static func addInsights(_ ses: SESBackend, _ handlers: inout AWSHandlers) {
        handlers.on(SESv2.Operations.BatchGetMetricData.self) { input, call in
            let queries = input.queries.map {
                SESBackend.MetricQuery(id: $0.id, metric: $0.metric, dimensions: $0.dimensions ?? [:], start: $0.startDate, end: $0.endDate)
            }
            let results = try await ses.metricData(call.caller, region: call.region, queries: queries)
            return .init(
                results: results.map { SESv2.MetricDataResult(id: $0.id, timestamps: $0.timestamps, values: $0.values) }, errors: [])
        }
        handlers.on(SESv2.Operations.GetMessageInsights.self) { input, call in
            let (message, events) = try await ses.messageInsights(call.caller, region: call.region, messageID: input.messageId)
            var tags = [SESv2.MessageTag(name: "ses:operation", value: message.via.operationTag)]
            if let set = message.configurationSet { tags.append(SESv2.MessageTag(name: "ses:configuration-set", value: set)) }
            return .init(
                messageId: message.id, fromEmailAddress: message.source, subject: message.subject, emailTags: tags,
                insights: message.destinations.map { recipient in
                    SESv2.EmailInsights(
                        destination: recipient, isp: SendingMetrics.isp(of: recipient),
                        events: (events[recipient] ?? []).map(insightsEvent))
                })
        }
        handlers.on(SESv2.Operations.GetEmailAddressInsights.self) { input, call in
            let found = try await ses.emailAddressInsights(call.caller, region: call.region, address: input.emailAddress)
            func verdict(_ value: String) -> SESv2.EmailAddressInsightsVerdict {
                SESv2.EmailAddressInsightsVerdict(confidenceVerdict: value)
            }
            return .init(
                mailboxValidation: SESv2.MailboxValidation(
                    isValid: verdict(found.valid),
                    evaluations: SESv2.EmailAddressInsightsMailboxEvaluations(
                        hasValidSyntax: verdict(found.syntax), hasValidDnsRecords: verdict(found.dns),
                        mailboxExists: verdict(found.mailbox),
                        isRoleAddress: verdict(found.role), isDisposable: verdict("LOW"), isRandomInput: verdict("LOW"))))
        }
    }

    /// One event as message insights show it: its v2 type name, and a bounce's or complaint's details.
    static func insightsEvent(_ event: DeliveryEvent) -> SESv2.InsightsEvent {
        var details: SESv2.EventDetails?
        switch event.kind {
        case .bounce:
            details = SESv2.EventDetails(
                bounce: SESv2.Bounce(bounceType: event.type?.uppercased(), bounceSubType: event.subType, diagnosticCode: event.detail))
        case .complaint:
            details = SESv2.EventDetails(complaint: SESv2.Complaint(complaintSubType: nil, complaintFeedbackType: event.type))
        default: break
        }
        return SESv2.InsightsEvent(timestamp: event.createdAt, type: v2Name(event.kind.eventTypeName), details: details)
    }
}
