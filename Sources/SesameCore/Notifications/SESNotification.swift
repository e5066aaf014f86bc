public import Foundation

/// The JSON SES publishes about a message: identity notifications (`notificationType`) and
/// configuration-set event publishing (`eventType`), in SES's field names.
public enum SESNotification {
    public enum Format: Sendable { case identityNotification, eventPublishing }

    /// ISO 8601 with milliseconds, as SES writes timestamps: `2026-11-23T06:00:00.123Z`.
    public static func timestamp(_ date: Date) -> String {
        let seconds = Timestamp.iso8601(date).dropLast()
        let millis = Int((date.timeIntervalSince1970 * 1000).rounded(.down)) % 1000
        return "\(seconds).\(String(format: "%03d", millis))Z"
    }

    /// The enhanced status code in a reply (`550 5.1.1 …` → `5.1.1`), or a generic one.
    public static func status(_ detail: String?, permanent: Bool) -> String {
        let parts = (detail ?? "").split(separator: " ")
        if parts.count > 1, parts[1].split(separator: ".").count == 3, parts[1].allSatisfy({ $0.isNumber || $0 == "." }) {
            return String(parts[1])
        }
        return permanent ? "5.0.0" : "4.0.0"
    }

    static func accountID(_ principalARN: String) -> String { ARN.account(of: principalARN) ?? "" }

    /// The `mail` object: the message the event is about.
    public static func mail(_ message: StoredMessage, includeHeaders: Bool, format: Format) -> [String: Any] {
        let headers = MIME.headers(of: message.raw)
        let common = commonHeaders(headers)
        let account = accountID(message.principalARN)
        var mail: [String: Any] = [
            "timestamp": timestamp(message.createdAt), "messageId": message.id, "source": message.source,
            "sourceArn": ARN.sesIdentity(region: message.region, account: account, identity: message.source),
            "sourceIp": "127.0.0.1", "sendingAccountId": account, "destination": message.destinations,
            "headersTruncated": false, "commonHeaders": common,
        ]
        if format == .eventPublishing {
            mail["callerIdentity"] = message.principalARN.split(separator: "/").last.map(String.init) ?? message.principalARN
            var tags: [String: [String]] = ["ses:operation": [message.via.operationTag]]
            if let set = message.configurationSet { tags["ses:configuration-set"] = [set] }
            tags["ses:source-ip"] = ["127.0.0.1"]
            mail["tags"] = tags
        }
        if includeHeaders || format == .eventPublishing {
            mail["headers"] = headers.map { ["name": $0.name, "value": $0.value] }
        }
        return mail
    }

    /// SES's `commonHeaders`: the address fields as lists, the subject decoded, date and message ID.
    static func commonHeaders(_ headers: [(name: String, value: String)]) -> [String: Any] {
        func values(_ name: String) -> [String] { headers.filter { $0.name.lowercased() == name }.map(\.value) }
        var common: [String: Any] = [:]
        for (key, name) in [("from", "from"), ("to", "to"), ("cc", "cc"), ("bcc", "bcc"), ("replyTo", "reply-to")] {
            let list = values(name).flatMap { MIME.addressList($0) }.map(\.description)
            if !list.isEmpty { common[key] = list }
        }
        if let subject = values("subject").first { common["subject"] = MIME.decodeHeaderText(subject) }
        if let date = values("date").first { common["date"] = date }
        if let id = values("message-id").first { common["messageId"] = id }
        return common
    }

    /// The whole notification for `event` about `message`, as a JSON string.
    public static func json(_ event: DeliveryEvent, message: StoredMessage, includeHeaders: Bool, format: Format) -> String {
        let time = timestamp(event.createdAt)
        var out: [String: Any] = ["mail": mail(message, includeHeaders: includeHeaders, format: format)]
        switch format {
        case .identityNotification: out["notificationType"] = event.kind.rawValue
        case .eventPublishing: out["eventType"] = event.kind.rawValue
        }
        switch event.kind {
        case .send:
            out["send"] = [String: Any]()
        case .reject:
            out["reject"] = ["reason": event.detail ?? "Bad content"]
        case .delivery:
            out["delivery"] =
                [
                    "timestamp": time, "recipients": event.recipients, "smtpResponse": event.detail ?? "",
                    "processingTimeMillis": max(0, Int((event.createdAt.timeIntervalSince(message.createdAt) * 1000).rounded())),
                    "reportingMTA": (event.reportingMTA ?? "").replacingOccurrences(of: "dns; ", with: ""),
                ] as [String: Any]
        case .bounce:
            let permanent = event.type == "Permanent"
            out["bounce"] =
                [
                    "bounceType": event.type ?? "Undetermined", "bounceSubType": event.subType ?? "Undetermined",
                    "bouncedRecipients": event.recipients.map {
                        [
                            "emailAddress": $0, "action": "failed", "status": status(event.detail, permanent: permanent),
                            "diagnosticCode": "smtp; \(event.detail ?? "")",
                        ]
                    },
                    "timestamp": time, "feedbackId": event.id, "reportingMTA": event.reportingMTA ?? "dns; sesame",
                ] as [String: Any]
        case .complaint:
            var complaint: [String: Any] = [
                "complainedRecipients": event.recipients.map { ["emailAddress": $0] }, "timestamp": time, "feedbackId": event.id,
                "arrivalDate": time,
            ]
            if let type = event.type { complaint["complaintFeedbackType"] = type }
            if let agent = event.subType { complaint["userAgent"] = agent }
            out["complaint"] = complaint
        case .open:
            out["open"] = ["ipAddress": event.type ?? "", "timestamp": time, "userAgent": event.subType ?? ""]
        case .click:
            out["click"] =
                [
                    "ipAddress": event.type ?? "", "timestamp": time, "userAgent": event.subType ?? "", "link": event.detail ?? "",
                    "linkTags": event.tags,
                ] as [String: Any]
        case .renderingFailure:
            out["failure"] = ["errorMessage": event.detail ?? "", "templateName": event.type ?? ""]
        case .deliveryDelay:
            out["deliveryDelay"] =
                [
                    "timestamp": time, "delayType": event.type ?? "TransientCommunicationFailure",
                    "expirationTime": timestamp(message.createdAt.addingTimeInterval(12 * 3600)),
                    "delayedRecipients": event.recipients.map {
                        [
                            "emailAddress": $0, "status": status(event.detail, permanent: false),
                            "diagnosticCode": "smtp; \(event.detail ?? "")",
                        ]
                    },
                    "reportingMTA": event.reportingMTA ?? "dns; sesame",
                ] as [String: Any]
        }
        let data = (try? JSONSerialization.data(withJSONObject: out, options: [.withoutEscapingSlashes, .sortedKeys])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }
}

/// SNS's message signatures (SignatureVersion 1: SHA1withRSA; 2: SHA256withRSA) are made over
/// these strings: selected fields as `Name\nvalue\n`, in this order.
public enum SNSSignedFields {
    public static func stringToSign(_ message: [String: String]) -> String {
        let keys =
            message["Type"] == "Notification"
            ? ["Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type"]
            : ["Message", "MessageId", "SubscribeURL", "Timestamp", "Token", "TopicArn", "Type"]
        var out = ""
        for key in keys {
            guard let value = message[key] else { continue }
            out += "\(key)\n\(value)\n"
        }
        return out
    }
}
