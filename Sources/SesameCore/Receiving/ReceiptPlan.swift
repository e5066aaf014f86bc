/// One thing a rule set does with a received message: an action of a rule, for the recipients
/// that rule took. The steps of a message are worked through in order, each exactly once.
public struct ReceiptStep: Codable, Sendable, Equatable {
    public var rule: String
    /// The message's recipients this rule matched (SES's `receipt.recipients`).
    public var recipients: [String]
    public var action: ReceiptAction
    /// Whether the rule asked for spam and virus scanning (else those verdicts are `DISABLED`).
    public var scanEnabled: Bool

    public init(rule: String, recipients: [String], action: ReceiptAction, scanEnabled: Bool) {
        self.rule = rule
        self.recipients = recipients
        self.action = action
        self.scanEnabled = scanEnabled
    }
}

/// What a receipt rule set does with one message, as SES evaluates it: the enabled rules in
/// order, each taking the recipients it matches and running its actions in order; a Stop action
/// ends the evaluation after itself. A rule whose TLS policy is `Require` does not run its
/// actions for mail that came without TLS: its recipients are bounced instead.
public enum ReceiptPlan {
    /// SES's limit for an SNS action's content: a larger message is bounced.
    public static let maximumSNSContent = 150 * 1024

    /// `bounceSender` signs the bounces Sesame itself decides on (TLS required).
    public static func steps(recipients: [String], tls: Bool, ruleSet: ReceiptRuleSet, bounceSender: String) -> [ReceiptStep] {
        var steps: [ReceiptStep] = []
        for rule in ruleSet.rules where rule.enabled {
            let taken = recipients.filter(rule.matches)
            guard !taken.isEmpty else { continue }
            if rule.tlsPolicy == "Require" && !tls {
                let bounce = ReceiptAction.bounce(
                    smtpReplyCode: "530", statusCode: "5.7.0",
                    message: "Must issue a STARTTLS command first: this address takes mail over TLS only.", sender: bounceSender,
                    topicARN: nil)
                steps.append(ReceiptStep(rule: rule.name, recipients: taken, action: bounce, scanEnabled: false))
                continue
            }
            for action in rule.actions {
                steps.append(ReceiptStep(rule: rule.name, recipients: taken, action: action, scanEnabled: rule.scanEnabled))
                if case .stop = action { return steps }
            }
        }
        return steps
    }

    /// The message as the step at `index` sees it: the headers of every earlier AddHeader step
    /// on top, the latest first (SES adds each at the top of the header).
    public static func message(_ raw: [UInt8], before index: Int, of steps: [ReceiptStep]) -> [UInt8] {
        var headers: [UInt8] = []
        for step in steps.prefix(index) {
            guard case .addHeader(let name, let value) = step.action else { continue }
            headers = Array("\(name): \(oneLine(value))\r\n".utf8) + headers
        }
        return headers + raw
    }

    /// SES's checks of an AddHeader action: a header name of letters, digits and dashes (up to
    /// 50 characters), a value of up to 2048 characters on one line.
    public static func validateHeader(name: String, value: String) throws(SesameError) {
        guard !name.isEmpty, name.count <= 50, name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }) else {
            throw SesameError(
                .invalidParameterValue, "Invalid header name \(name): use up to 50 letters, digits and dashes.")
        }
        guard value.count <= 2048, !value.unicodeScalars.contains(where: { $0 == "\r" || $0 == "\n" }) else {
            throw SesameError(.invalidParameterValue, "Invalid header value for \(name): one line of at most 2048 characters.")
        }
    }

    static func oneLine(_ text: String) -> String {
        String(text.unicodeScalars.map { $0 == "\r" || $0 == "\n" ? " " : Character($0) })
    }

    /// The DSN recipients of a Bounce action: each matched recipient with the action's reply.
    public static func bounceReport(
        for step: ReceiptStep, mailFrom: String, originalHeaders: [(name: String, value: String)], reportingMTA: String
    ) -> BounceReport? {
        guard case .bounce(let code, let status, let text, let sender, _) = step.action, !mailFrom.isEmpty else { return nil }
        let statusCode = status ?? (code.hasPrefix("4") ? "4.0.0" : "5.0.0")
        return BounceReport(
            from: sender, to: mailFrom, explanation: text, reportingMTA: reportingMTA, arrivalDate: nil, extensionFields: [],
            recipients: step.recipients.map {
                BounceReport.Recipient(
                    address: $0, bounceType: nil, action: code.hasPrefix("4") ? "delayed" : "failed", status: statusCode,
                    diagnosticCode: "smtp; \(code) \(statusCode) \(oneLine(text))")
            }, originalHeaders: originalHeaders)
    }
}
