import Foundation
import SesameCore
import SesameStorage

/// SES's email feedback: a bounce or complaint that no SNS topic of the sending identity takes
/// is mailed to the message's sender while feedback forwarding is on (SES's default), as a
/// report (`multipart/report`) from the MAILER-DAEMON address.
extension SESBackend {
    /// What follows recorded events in their own transaction: SNS notifications (when `sns` is
    /// given) and feedback mail. Returns whether feedback mail was queued.
    @discardableResult
    static func follow(
        _ events: [DeliveryEvent], messages: [StoredMessage], sns: SNSBackend?, configuration: Configuration, session: any StoreSession
    ) async throws -> Bool {
        guard !events.isEmpty else { return false }
        if let sns { try await publish(events, messages: messages, sns: sns, session: session) }
        var known = Dictionary(messages.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        var feedback: [StoredMessage] = []
        for event in events where event.kind == .bounce || event.kind == .complaint {
            if known[event.messageID] == nil, let message = try await session.messages(ids: [event.messageID]).first {
                known[event.messageID] = message
            }
            // Never feedback about feedback (or about verification mail): no loops.
            guard let message = known[event.messageID], !message.via.isReport, message.via != .identityVerification else { continue }
            let source = message.source.lowercased()
            let domain = String(source.split(separator: "@").last ?? "")
            let identities = [source, domain]
            if try await session.notificationTopics(region: message.region, identities: identities).contains(where: {
                $0.kind == event.kind.rawValue
            }) {
                continue
            }
            var forwarding = true
            for identity in identities where try await session.setting(forwardingKey(message.region, identity)) == "false" {
                forwarding = false
            }
            guard forwarding else { continue }
            var mail = feedbackMessage(event, about: message, sender: configuration.feedbackSender)
            plan(&mail, mode: configuration.deliveryMode, suppressed: [])
            feedback.append(mail)
        }
        guard !feedback.isEmpty else { return false }
        try await session.insertMessages(feedback)
        return true
    }

    static func feedbackMessage(_ event: DeliveryEvent, about message: StoredMessage, sender: String) -> StoredMessage {
        let id = MessageID.make(at: event.createdAt)
        let boundary = "=_sesame_report_" + RandomIDs.requestID().replacingOccurrences(of: "-", with: "")
        let bounce = event.kind == .bounce
        let subject = bounce ? "Delivery Status Notification (Failure)" : "Complaint Notification"
        let crlf = "\r\n"
        var lines = [
            "From: MAILER-DAEMON <\(sender)>", "To: \(message.source)", "Subject: \(subject)", "Message-ID: <\(id)@email.amazonses.com>",
            "Date: \(MIME.date(event.createdAt))", "MIME-Version: 1.0",
            "Content-Type: multipart/report; report-type=\(bounce ? "delivery-status" : "feedback-report"); boundary=\"\(boundary)\"", "",
            "--\(boundary)", "Content-Type: text/plain; charset=UTF-8", "",
        ]
        if bounce {
            lines += ["An error occurred while trying to deliver the mail to the following recipients:"] + event.recipients
            if let detail = event.detail { lines += ["", detail] }
            lines += [
                "", "--\(boundary)", "Content-Type: message/delivery-status", "", "Reporting-MTA: \(event.reportingMTA ?? "dns; sesame")",
                "",
            ]
            for recipient in event.recipients {
                lines += [
                    "Final-Recipient: rfc822; \(recipient)", "Action: failed",
                    "Status: \(SESNotification.status(event.detail, permanent: event.type == "Permanent"))",
                    "Diagnostic-Code: smtp; \(event.detail ?? "")", "",
                ]
            }
        } else {
            lines += ["A recipient of your message reported it as unwanted (\(event.type ?? "abuse")):"] + event.recipients
            lines += [
                "", "--\(boundary)", "Content-Type: message/feedback-report", "", "Feedback-Type: \(event.type ?? "abuse")", "Version: 1",
            ]
            lines += event.recipients.map { "Original-Rcpt-To: \($0)" } + [""]
        }
        lines += ["--\(boundary)", "Content-Type: text/rfc822-headers", ""]
        lines += MIME.headers(of: message.raw).map { "\($0.name): \($0.value)" }
        lines += ["", "--\(boundary)--", ""]
        var mail = StoredMessage(
            id: id, region: message.region, source: sender, destinations: [message.source], subject: subject,
            raw: Array(lines.joined(separator: crlf).utf8), principalARN: message.principalARN, via: .feedback, createdAt: event.createdAt)
        mail.countsTowardQuota = false
        return mail
    }
}
