public import Foundation

/// What SES's checks found about a received message (`spfVerdict`, `dkimVerdict`, …).
public struct ReceiptVerdicts: Codable, Sendable, Equatable {
    public var spam: String
    public var virus: String
    public var spf: String
    public var dkim: String
    public var dmarc: String
    /// `none`, `quarantine` or `reject`, when DMARC failed.
    public var dmarcPolicy: String?
    /// SPF's own result word (RFC 7208: `softfail`, `neutral`, …), which SES's verdict folds into
    /// GRAY; shown by Sesame's inspection, not in notifications.
    public var spfResult: String?

    public init(spam: String, virus: String, spf: String, dkim: String, dmarc: String, dmarcPolicy: String? = nil) {
        self.spam = spam
        self.virus = virus
        self.spf = spf
        self.dkim = dkim
        self.dmarc = dmarc
        self.dmarcPolicy = dmarcPolicy
    }

    /// Before anything could be checked.
    public static let unknown = ReceiptVerdicts(
        spam: "PROCESSING_FAILED", virus: "PROCESSING_FAILED", spf: "PROCESSING_FAILED", dkim: "PROCESSING_FAILED",
        dmarc: "PROCESSING_FAILED")

    /// The verdicts a rule's notification shows: spam and virus only when the rule scans.
    public func shown(scanEnabled: Bool) -> ReceiptVerdicts {
        guard !scanEnabled else { return self }
        var out = self
        out.spam = "DISABLED"
        out.virus = "DISABLED"
        return out
    }
}

/// The notification SES publishes about a received message (`notificationType: Received`), in
/// SES's field names: the `mail` object with its headers, the `receipt` object with the verdicts
/// and the action, and for SNS actions the content.
public enum ReceiptNotification {
    /// The `action` object: `type` and the action's settings (SNS's encoding written `UTF8` or `BASE64`).
    public static func action(_ action: ReceiptAction, objectKey: String? = nil) -> [String: Any] {
        var out: [String: Any] = [:]
        switch action {
        case .sns(let topic, let encoding):
            out = ["type": "SNS", "topicArn": topic, "encoding": encoding == "Base64" ? "BASE64" : "UTF8"]
        case .s3(let bucket, let prefix, let topic, _, _):
            out = ["type": "S3", "bucketName": bucket, "objectKeyPrefix": prefix ?? "", "objectKey": objectKey ?? ""]
            if let topic { out["topicArn"] = topic }
        case .bounce(let code, let status, let message, let sender, let topic):
            out = ["type": "Bounce", "smtpReplyCode": code, "message": message, "sender": sender]
            if let status { out["statusCode"] = status }
            if let topic { out["topicArn"] = topic }
        case .stop(_, let topic):
            out = ["type": "Stop"]
            if let topic { out["topicArn"] = topic }
        case .addHeader(let name, let value):
            out = ["type": "AddHeader", "headerName": name, "headerValue": value]
        }
        return out
    }

    /// The whole notification as JSON. `content` (the message, as the SNS action's encoding
    /// says) is given for SNS actions only, as in SES; `recipients` are those the rule took.
    public static func json(
        _ message: ReceivedMessage, raw: [UInt8], verdicts: ReceiptVerdicts, action: [String: Any], processedAt: Date,
        content: String? = nil, recipients: [String]? = nil
    ) -> String {
        let headers = MIME.headers(of: raw)
        var common = SESNotification.commonHeaders(headers)
        if let path = headers.first(where: { $0.name.lowercased() == "return-path" })?.value { common["returnPath"] = path }
        let mail: [String: Any] = [
            "timestamp": SESNotification.timestamp(message.receivedAt), "source": message.mailFrom, "messageId": message.id,
            "destination": message.recipients, "headersTruncated": false,
            "headers": headers.map { ["name": $0.name, "value": $0.value] }, "commonHeaders": common,
        ]
        var receipt: [String: Any] = [
            "timestamp": SESNotification.timestamp(message.receivedAt),
            "processingTimeMillis": max(0, Int(processedAt.timeIntervalSince(message.receivedAt) * 1000)),
            "recipients": recipients ?? message.recipients,
            "spamVerdict": ["status": verdicts.spam], "virusVerdict": ["status": verdicts.virus],
            "spfVerdict": ["status": verdicts.spf], "dkimVerdict": ["status": verdicts.dkim], "dmarcVerdict": ["status": verdicts.dmarc],
            "action": action,
        ]
        if let policy = verdicts.dmarcPolicy { receipt["dmarcPolicy"] = policy }
        var object: [String: Any] = ["notificationType": "Received", "mail": mail, "receipt": receipt]
        if let content { object["content"] = content }
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }
}
