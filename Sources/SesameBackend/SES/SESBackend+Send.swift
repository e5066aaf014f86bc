import Foundation
import Metrics
public import SesameCore
import SesameStorage

extension SESBackend {
    /// What every send path hands to `submit`: the envelope, the bytes, and where it came from.
    public struct Submission: Sendable {
        public var region: String
        /// The envelope sender as given (may carry a display name).
        public var source: String
        public var recipients: [String]
        public var raw: [UInt8]
        public var subject: String?
        /// `ses:SendEmail` or `ses:SendRawEmail`.
        public var action: String
        /// "1" or "2", for the `ses:ApiVersion` condition key.
        public var apiVersion: String
        /// `SendEmail`, `SendRawEmail`, `SMTP`, …
        public var via: MessageOrigin
        /// Addresses whose identities must be verified (the source, and a raw message's From).
        public var identitiesToCheck: [String]
        /// The configuration set named by the request or the `X-SES-CONFIGURATION-SET` header.
        public var configurationSet: String? = nil
        /// A templated send whose data did not fit its template: accepted as SES accepts it,
        /// sent to nobody, and reported with a Rendering Failure event.
        public var renderingFailure: (template: String, message: String)? = nil
    }

    static func parseAddress(_ text: String) throws(SesameError) -> EmailAddress {
        guard let address = EmailAddress.parse(text) else {
            if !text.contains("@") { throw SesameError(.invalidParameterValue, "Missing final '@domain'") }
            throw SesameError(.invalidParameterValue, "Illegal address")
        }
        return address
    }

    /// `SendEmail`: builds standards-correct MIME from the parts, then submits it.
    public func sendEmail(
        _ caller: Caller, region: String, source: String, to: [String], cc: [String], bcc: [String], replyTo: [String],
        subject: String, text: String?, html: String?, apiVersion: String = "1", extraHeaders: [(String, String)] = [],
        action: String = "ses:SendEmail", via: MessageOrigin = .sendEmail, configurationSet: String? = nil,
        renderingFailure: (template: String, message: String)? = nil
    ) async throws -> String {
        let from = try Self.parseAddress(source)
        let toAddresses = try to.map(Self.parseAddress)
        let ccAddresses = try cc.map(Self.parseAddress)
        let bccAddresses = try bcc.map(Self.parseAddress)
        let replyAddresses = try replyTo.map(Self.parseAddress)
        let id = MessageID.make(at: clock.now())
        let raw = MIME.simpleMessage(
            from: from, to: toAddresses, cc: ccAddresses, replyTo: replyAddresses, subject: subject, text: text, html: html,
            messageID: id, date: clock.now(), extraHeaders: extraHeaders)
        return try await submit(
            Submission(
                region: region, source: source, recipients: (toAddresses + ccAddresses + bccAddresses).map(\.address), raw: raw,
                subject: subject, action: action, apiVersion: apiVersion, via: via, identitiesToCheck: [source],
                configurationSet: configurationSet, renderingFailure: renderingFailure),
            messageID: id, caller: caller)
    }

    /// `SendRawEmail`: the sender's bytes are kept, except SES's own `X-SES-*` control headers.
    /// `Source` and `Destinations` override what the headers say.
    public func sendRawEmail(
        _ caller: Caller, region: String, source: String?, destinations: [String], raw: [UInt8], apiVersion: String = "1",
        via: MessageOrigin = .sendRawEmail, configurationSet: String? = nil, action: String = "ses:SendRawEmail"
    ) async throws -> String {
        guard !raw.isEmpty else { throw SesameError(.invalidParameterValue, "Empty raw message.") }
        let headers = MIME.headers(of: raw).map { (name: $0.name.lowercased(), value: $0.value) }
        func values(_ name: String) -> [String] { headers.filter { $0.name == name }.map(\.value) }
        let fromHeader = values("from").first.flatMap { MIME.addressList($0).first }
        guard let envelopeSource = source ?? fromHeader?.description else {
            throw SesameError(.invalidParameterValue, "Missing required header 'From'.")
        }
        var recipients = destinations
        if recipients.isEmpty {
            recipients = (values("to") + values("cc") + values("bcc")).flatMap { MIME.addressList($0) }.map(\.address)
        } else {
            recipients = try recipients.map { try Self.parseAddress($0).address }
        }
        var check = [envelopeSource]
        if let fromHeader, fromHeader.address.lowercased() != (try Self.parseAddress(envelopeSource)).address.lowercased() {
            check.append(fromHeader.description)
        }
        // SES's control headers are removed before the message is stored (and only then is it copied).
        let control: Set = ["x-ses-configuration-set", "x-ses-message-tags"]
        let stripped =
            headers.contains { control.contains($0.name) } ? MIME.removingHeaders(raw) { control.contains($0.lowercased()) } : raw
        let subject = values("subject").first.map(MIME.decodeHeaderText)
        return try await submit(
            Submission(
                region: region, source: envelopeSource, recipients: recipients, raw: stripped, subject: subject,
                action: action, apiVersion: apiVersion, via: via, identitiesToCheck: check,
                configurationSet: configurationSet ?? values("x-ses-configuration-set").first),
            messageID: MessageID.make(at: clock.now()), caller: caller)
    }

    /// The one path into the store for every message: authorize, check identities, recipients
    /// and quota, then commit. The message ID is returned only after the commit. Counted in
    /// `sesame_messages_total` by interface (`api`, `smtp`), outcome and, for refusals, reason.
    public func submit(_ submission: Submission, messageID: String, caller: Caller) async throws -> String {
        let interface = submission.via == .smtp ? "smtp" : "api"
        do {
            let id = try await accept(submission, messageID: messageID, caller: caller)
            MessageMetrics.accepted(interface: interface)
            return id
        } catch {
            MessageMetrics.refused(interface: interface, reason: (error as? SesameError)?.code.description ?? "internalFailure")
            throw error
        }
    }

    func accept(_ submission: Submission, messageID: String, caller: Caller) async throws -> String {
        let from = try Self.parseAddress(submission.source)
        // Each distinct recipient gets the message once, as on SES: To and Cc naming the same
        // person is ordinary mail, not an error.
        let recipients = Self.distinct(submission.recipients)
        var context: [String: [String]] = [
            "ses:FromAddress": [from.address], "ses:ApiVersion": [submission.apiVersion],
        ]
        if !recipients.isEmpty { context["ses:Recipients"] = recipients }
        if let name = from.displayName { context["ses:FromDisplayName"] = [name] }
        // Checks use the region's cached state; the write goes through the group-commit writer.
        let state = try await sendingState.state(submission.region)
        // The sender's IAM policies, and the sending authorization policies of the address's
        // identity and of its domain's.
        var resourcePolicies: [(policy: SendingAuthorizationPolicy, resource: String)] = []
        for identity in [from.address.lowercased(), from.domain] {
            for policy in state.policies[identity] ?? [] {
                resourcePolicies.append((policy, identityARN(caller, submission.region, identity)))
            }
        }
        try Authorizer.authorize(
            caller, action: submission.action, resource: identityARN(caller, submission.region, from.address), context: context,
            style: .ses, resourcePolicies: resourcePolicies)

        if recipients.isEmpty { throw SesameError(.messageRejected, "There are no recipients specified.") }
        if recipients.count > Configuration.maxRecipients {
            throw SesameError(.invalidParameterValue, "Recipient count exceeds \(Configuration.maxRecipients).")
        }
        let region = submission.region
        let now = clock.now()
        var message = StoredMessage(
            id: messageID, region: region, source: from.address, destinations: recipients, subject: submission.subject,
            raw: submission.raw, principalARN: caller.principal.arn, via: submission.via, createdAt: now)
        let limit = configuration.max24HourSend
        if !state.sendingEnabled {
            throw SesameError(.sendingPaused, "Email sending is disabled for your entire Amazon SES account.")
        }
        // A send that names no configuration set uses its identity's default, if any.
        let configurationSet =
            submission.configurationSet
            ?? (state.identitySettings[from.address.lowercased()] ?? state.identitySettings[from.domain])?.defaultConfigurationSet
        if let name = configurationSet {
            guard let options = state.configurationSets[name] else {
                throw SesameError(.configurationSetDoesNotExist, "Configuration set <\(name)> does not exist.")
            }
            if !options.sendingEnabled {
                throw SesameError(.configurationSetSendingPaused, "Sending is paused for configuration set <\(name)>.")
            }
        }
        if let mailFrom = Self.mailFrom(of: from, in: state), !mailFrom.usable, mailFrom.behavior == .rejectMessage {
            throw SesameError(
                .mailFromDomainNotVerified,
                "The message could not be sent because Amazon SES could not read the MX record required to use the specified MAIL FROM domain (\(mailFrom.domain))."
            )
        }
        var failed: [String] = []
        for text in submission.identitiesToCheck {
            let address = text == submission.source ? from : try Self.parseAddress(text)
            if !state.verified.contains(address.address.lowercased()) && !state.verified.contains(address.domain) { failed.append(text) }
        }
        if configuration.sandbox {
            // In the sandbox every recipient must be verified as well, or be the mailbox simulator.
            for recipient in recipients {
                let address = try Self.parseAddress(recipient)
                if address.domain == "simulator.amazonses.com" { continue }
                if !state.verified.contains(address.address.lowercased()) && !state.verified.contains(address.domain) {
                    failed.append(recipient)
                }
            }
        }
        if !failed.isEmpty {
            throw SesameError(
                .messageRejected,
                "Email address is not verified. The following identities failed the check in region \(region.uppercased()): \(failed.joined(separator: ", "))"
            )
        }
        // Only messages that pass every check count against the rate.
        if !(try await admitRate(region: region, count: recipients.count)) {
            throw SesameError(.throttling, "Maximum sending rate exceeded.")
        }
        message.configurationSet = configurationSet
        if message.configurationSet != nil && sns != nil && state.publishesEvents {
            // Published to the set's event destinations that ask for Send events.
            message.events.append(
                DeliveryEvent(
                    id: RandomIDs.requestID(), messageID: message.id, region: region, kind: .send, recipients: recipients, createdAt: now))
        }
        if let failure = submission.renderingFailure {
            message.deliveries = recipients.map {
                QueuedRecipient(
                    messageID: message.id, recipient: $0, region: region, state: .rejected, queuedAt: now, nextAttemptAt: now,
                    lastReply: "Rendering failure: \(failure.message)", updatedAt: now, size: message.raw.count)
            }
            message.events.append(
                DeliveryEvent(
                    id: RandomIDs.requestID(), messageID: message.id, region: region, kind: .renderingFailure, recipients: recipients,
                    type: failure.template, detail: failure.message, createdAt: now))
        } else {
            if let name = configurationSet, let types = state.tracked[name] {
                try applyTracking(&message, types: types, options: state.configurationSets[name])
            }
            Self.plan(&message, mode: configuration.deliveryMode, suppressed: state.suppressed)
        }
        try await writer.write(message, dailyLimit: limit)
        return messageID
    }

    /// `addresses` without repeats (compared without regard to case), in their first order.
    static func distinct(_ addresses: [String]) -> [String] {
        var seen = Set<String>()
        return addresses.filter { seen.insert($0.lowercased()).inserted }
    }

    /// Decides, at acceptance, what the queue does with each recipient: a suppressed address
    /// bounces at once (SES's `OnAccountSuppressionList`), the mailbox simulator is always
    /// queued, and the rest are queued unless the node only captures.
    static func plan(_ message: inout StoredMessage, mode: DeliveryMode, suppressed: Set<String>) {
        let now = message.createdAt
        if VirusCheck.carriesVirus(message.raw) {
            // Accepted, then rejected as SES does: sent to nobody, one Reject event.
            message.deliveries = message.destinations.map {
                QueuedRecipient(
                    messageID: message.id, recipient: $0, region: message.region, state: .rejected, queuedAt: now, nextAttemptAt: now,
                    lastReply: "Rejected: the message contains a virus (the EICAR test file)", updatedAt: now, size: message.raw.count)
            }
            message.events.append(
                DeliveryEvent(
                    id: RandomIDs.requestID(), messageID: message.id, region: message.region, kind: .reject,
                    recipients: message.destinations,
                    detail: "Bad content", createdAt: now))
            return
        }
        var bounced: [String] = []
        for recipient in message.destinations {
            let lowered = recipient.lowercased()
            if suppressed.contains(lowered) {
                bounced.append(recipient)
                message.deliveries.append(
                    QueuedRecipient(
                        messageID: message.id, recipient: recipient, region: message.region, state: .bounced, queuedAt: now,
                        nextAttemptAt: now, lastReply: "Address is on the account-level suppression list", updatedAt: now,
                        size: message.raw.count))
            } else if mode != .capture || MailboxSimulator.scenario(for: lowered) != nil {
                message.deliveries.append(
                    QueuedRecipient(
                        messageID: message.id, recipient: recipient, region: message.region, state: .queued, queuedAt: now,
                        nextAttemptAt: now, updatedAt: now, size: message.raw.count))
            }
        }
        if !bounced.isEmpty {
            Counter(label: "sesame_recipients_total", dimensions: [("outcome", "suppressed")]).increment(by: bounced.count)
            message.events.append(
                DeliveryEvent(
                    id: RandomIDs.requestID(), messageID: message.id, region: message.region, kind: .bounce, recipients: bounced,
                    type: BounceSubType.onAccountSuppressionList.bounceType, subType: BounceSubType.onAccountSuppressionList.rawValue,
                    detail: "Amazon SES did not send the message to this address because it is on the suppression list for your account.",
                    reportingMTA: "dns; amazonses.com", createdAt: now))
        }
    }
}
