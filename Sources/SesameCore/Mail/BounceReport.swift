public import Foundation

/// The delivery status notification (RFC 3464) SES's `SendBounce` sends to the sender of a
/// message: a human-readable part, the machine-readable `message/delivery-status` part, and the
/// original message's headers.
public struct BounceReport: Sendable {
    /// One bounced recipient: either a bounce type (SES fills the DSN fields in) or the fields.
    public struct Recipient: Sendable {
        public var address: String
        public var bounceType: String?
        public var finalRecipient: String?
        public var action: String?
        public var remoteMTA: String?
        public var status: String?
        public var diagnosticCode: String?
        public var lastAttemptDate: Date?
        public var extensionFields: [(name: String, value: String)]

        public init(
            address: String, bounceType: String?, finalRecipient: String? = nil, action: String? = nil, remoteMTA: String? = nil,
            status: String? = nil, diagnosticCode: String? = nil, lastAttemptDate: Date? = nil,
            extensionFields: [(name: String, value: String)] = []
        ) {
            self.address = address
            self.bounceType = bounceType
            self.finalRecipient = finalRecipient
            self.action = action
            self.remoteMTA = remoteMTA
            self.status = status
            self.diagnosticCode = diagnosticCode
            self.lastAttemptDate = lastAttemptDate
            self.extensionFields = extensionFields
        }
    }

    /// SES's bounce types, with the status and reply each stands for.
    public static let bounceTypes: [String: (status: String, reply: String)] = [
        "DoesNotExist": ("5.1.1", "550 5.1.1 Requested action not taken: mailbox unavailable"),
        "MessageTooLarge": ("5.3.4", "552 5.3.4 Message too large"),
        "ExceededQuota": ("5.2.2", "552 5.2.2 Mailbox full"),
        "ContentRejected": ("5.3.0", "550 5.3.0 Message content rejected"),
        "Undefined": ("5.0.0", "550 5.0.0 Undefined error"),
        "TemporaryFailure": ("4.0.0", "450 4.0.0 Temporary failure"),
    ]

    public var from: String
    public var to: String
    public var explanation: String?
    public var reportingMTA: String
    public var arrivalDate: Date?
    public var extensionFields: [(name: String, value: String)]
    public var recipients: [Recipient]
    /// The headers of the message bounced.
    public var originalHeaders: [(name: String, value: String)]

    public init(
        from: String, to: String, explanation: String?, reportingMTA: String, arrivalDate: Date?,
        extensionFields: [(name: String, value: String)], recipients: [Recipient], originalHeaders: [(name: String, value: String)]
    ) {
        self.from = from
        self.to = to
        self.explanation = explanation
        self.reportingMTA = reportingMTA
        self.arrivalDate = arrivalDate
        self.extensionFields = extensionFields
        self.recipients = recipients
        self.originalHeaders = originalHeaders
    }

    /// Refuses what SES refuses: no recipients, a recipient with neither a bounce type nor DSN
    /// fields, an unknown bounce type.
    public func validate() throws(SesameError) {
        guard !recipients.isEmpty else { throw SesameError(.messageRejected, "BouncedRecipientInfoList must name at least one recipient.") }
        for recipient in recipients {
            if let type = recipient.bounceType {
                guard Self.bounceTypes[type] != nil else {
                    throw SesameError(
                        .messageRejected,
                        "Unknown BounceType \(type): use DoesNotExist, MessageTooLarge, ExceededQuota, ContentRejected, Undefined or TemporaryFailure."
                    )
                }
            } else if recipient.status == nil || recipient.action == nil {
                throw SesameError(.messageRejected, "Recipient \(recipient.address) needs a BounceType or RecipientDsnFields.")
            }
        }
    }

    /// A caller's value on one header line: line breaks become spaces (no header injection).
    static func oneLine(_ text: String) -> String {
        String(text.unicodeScalars.map { $0 == "\r" || $0 == "\n" ? " " : Character($0) })
    }

    /// The whole message, with CRLF line ends. Every caller-given field is kept to one line.
    public func message(id: String, date: Date, boundary: String) -> [UInt8] {
        let field = Self.oneLine
        var lines = [
            "From: \(field(from))", "To: \(field(to))", "Subject: Delivery Status Notification (Failure)",
            "Message-ID: <\(id)@email.amazonses.com>",
            "Date: \(MIME.date(date))", "MIME-Version: 1.0",
            "Content-Type: multipart/report; report-type=delivery-status; boundary=\"\(boundary)\"", "",
            "--\(boundary)", "Content-Type: text/plain; charset=UTF-8", "",
            explanation.map { $0.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\n", with: "\r\n") }
                ?? "An error occurred while trying to deliver the mail to the following recipients:",
        ]
        if explanation == nil { lines += recipients.map(\.address) }
        lines += ["", "--\(boundary)", "Content-Type: message/delivery-status", "", "Reporting-MTA: dns; \(field(reportingMTA))"]
        if let arrivalDate { lines.append("Arrival-Date: \(MIME.date(arrivalDate))") }
        lines += extensionFields.map { "\(field($0.name)): \(field($0.value))" }
        for recipient in recipients {
            let standard = recipient.bounceType.flatMap { Self.bounceTypes[$0] }
            let temporary = recipient.bounceType == "TemporaryFailure"
            lines += [
                "", "Final-Recipient: rfc822; \(field(recipient.finalRecipient ?? recipient.address))",
                "Action: \(field(recipient.action ?? (temporary ? "delayed" : "failed")))",
            ]
            if let remote = recipient.remoteMTA { lines.append("Remote-MTA: dns; \(field(remote))") }
            lines.append("Status: \(field(recipient.status ?? standard?.status ?? "5.0.0"))")
            if let code = recipient.diagnosticCode ?? standard.map({ "smtp; \($0.reply)" }) {
                lines.append("Diagnostic-Code: \(field(code))")
            }
            if let last = recipient.lastAttemptDate { lines.append("Last-Attempt-Date: \(MIME.date(last))") }
            lines += recipient.extensionFields.map { "\(field($0.name)): \(field($0.value))" }
        }
        lines += ["", "--\(boundary)", "Content-Type: text/rfc822-headers", ""]
        lines += originalHeaders.map { "\(field($0.name)): \(field($0.value))" }
        lines += ["", "--\(boundary)--", ""]
        return Array(lines.joined(separator: "\r\n").utf8)
    }
}
