public import Foundation
import Metrics
import SesameConcurrency
public import SesameCore
import SesameStorage

/// Computes a received message's verdicts (SPF, DKIM, DMARC, spam, virus); SesameDelivery's
/// implementation asks DNS.
public protocol ReceiptChecks: Sendable {
    func verdicts(for message: ReceivedMessage) async -> ReceiptVerdicts
}

/// The background half of SES receiving: a node claims a stored message, computes its verdicts
/// and its steps once, then works through the steps. Each step's effects in the store (SNS
/// notifications, bounce messages) commit together with the step's progress, checked against
/// the node's lease, so a step runs once even across crashes; the S3 write comes first and is
/// idempotent (the same key, the same bytes).
extension SESBackend {
    public struct ReceiptSettings: Sendable {
        /// How long a node holds a message it claimed.
        public var lease: TimeInterval = 60
        /// The first retry after a temporary failure; doubled each time, at most 5 minutes.
        public var retryInitial: TimeInterval = 5
        /// After this long since receipt, a step that still fails is given up.
        public var maximumAge: TimeInterval = 3600
        /// Messages a node processes at once.
        public var concurrency = 8

        public init() {}
    }

    static let receiptSubject = "Amazon SES Email Receipt Notification"
    /// A lease time in the past: the message is free for any node.
    static let released = Date(timeIntervalSince1970: 0)

    struct LeaseLost: Error {}

    /// Up to `limit` due messages, held for this node (one commit for all of them).
    public func claimReceivedMessages(owner: String, lease: TimeInterval, limit: Int) async throws -> [ReceivedMessage] {
        let now = clock.now()
        return try await store.transaction { session in
            try await session.claimReceivedMessages(owner: owner, now: now, leaseUntil: now.addingTimeInterval(lease), limit: limit)
        }
    }

    /// Works through a claimed message's remaining steps; returns when it is done, when a step
    /// must wait for a retry, or when another node took the message over.
    public func processReceived(
        _ claimed: ReceivedMessage, owner: String, checks: any ReceiptChecks, storage: (any ObjectStorage)?, settings: ReceiptSettings
    ) async throws {
        var message = claimed
        do {
            if message.verdicts == nil || message.steps == nil {
                message.verdicts = await checks.verdicts(for: message)
                let (region, name) = (message.region, message.ruleSet)
                let set = try await store.read { try await $0.receiptRuleSet(region: region, name: name) }
                message.steps =
                    set.map {
                        ReceiptPlan.steps(
                            recipients: message.recipients, tls: message.tls, ruleSet: $0, bounceSender: configuration.feedbackSender)
                    } ?? []
                // Kept with the first step's commit (or the retry's): a crash before it only
                // means the checks run again.
            }
            let steps = message.steps ?? []
            while message.nextStep < steps.count {
                let index = message.nextStep
                let step = steps[index]
                let raw = ReceiptPlan.message(message.raw, before: index, of: steps)
                var outcome = ReceiptOutcome(rule: step.rule, action: Self.actionType(step.action), status: "done", detail: "")
                if case .s3(let bucket, let prefix, _, _, _) = step.action {
                    let key = (prefix ?? "") + message.id
                    outcome.detail = "s3://\(bucket)/\(key)"
                    do {
                        guard let storage else {
                            throw SesameError(.invalidParameterValue, "this node has no object storage (--s3-endpoint or --s3-directory)")
                        }
                        try await storage.put(bucket: bucket, key: key, bytes: raw, contentType: "message/rfc822")
                    } catch let error as SesameError where error.code == .invalidParameterValue {
                        outcome.status = "failed"
                        outcome.detail = error.message
                    } catch {
                        if clock.now().timeIntervalSince(message.receivedAt) < settings.maximumAge {
                            message.attempts += 1
                            let delay = min(settings.retryInitial * pow(2, Double(message.attempts - 1)), 300)
                            try await save(message, owner: owner, expecting: index, settings: settings, retryAfter: delay)
                            return
                        }
                        outcome.status = "failed"
                        outcome.detail = "\(error)"
                    }
                }
                message.attempts = 0
                message.nextStep = index + 1
                if message.nextStep == steps.count { message.state = .processed }
                let ran = try await runStep(
                    step, raw: raw, outcome: outcome, message: message, owner: owner, expecting: index, settings: settings)
                message.outcomes.append(ran)
                Counter(label: "sesame_receipt_actions_total", dimensions: [("action", ran.action), ("status", ran.status)]).increment()
            }
            if message.state != .processed {
                message.state = .processed
                try await save(message, owner: owner, expecting: message.nextStep, settings: settings)
            }
            Counter(label: "sesame_received_messages_total", dimensions: [("state", "processed")]).increment()
        } catch is LeaseLost {
            return
        }
    }

    /// One step's effects and its progress (`message` already counts the step done), in one
    /// transaction; returns what the step did.
    func runStep(
        _ step: ReceiptStep, raw: [UInt8], outcome planned: ReceiptOutcome, message: ReceivedMessage, owner: String, expecting index: Int,
        settings: ReceiptSettings
    ) async throws -> ReceiptOutcome {
        let now = clock.now()
        let verdicts = (message.verdicts ?? ReceiptVerdicts.unknown).shown(scanEnabled: step.scanEnabled)
        let (outcome, mailed) = try await store.transaction { session in
            var outcome = planned
            var mailed = false
            guard let lease = try await session.receivedMessageLease(id: message.id), lease.owner == owner, lease.nextStep == index else {
                throw LeaseLost()
            }
            var notification: (topic: String, content: String?, objectKey: String?)?
            switch step.action {
            case .sns(let topic, let encoding):
                if raw.count > ReceiptPlan.maximumSNSContent {
                    let bounce = ReceiptStep(
                        rule: step.rule, recipients: step.recipients,
                        action: .bounce(
                            smtpReplyCode: "552", statusCode: "5.3.4", message: "Message too large for an SNS action (limit 150 KB).",
                            sender: configuration.feedbackSender, topicARN: nil), scanEnabled: false)
                    mailed = try await writeReceiptBounce(session, bounce, message: message, raw: raw, now: now) != nil
                    outcome.status = "skipped"
                    outcome.detail = "the message is larger than 150 KB: bounced"
                } else {
                    notification = (
                        topic, encoding == "Base64" ? Data(raw).base64EncodedString() : String(decoding: raw, as: UTF8.self), nil
                    )
                }
            case .s3(_, let prefix, let topic, _, _):
                if let topic, outcome.status == "done" { notification = (topic, nil, (prefix ?? "") + message.id) }
            case .bounce(_, _, _, _, let topic):
                if let id = try await writeReceiptBounce(session, step, message: message, raw: raw, now: now) {
                    mailed = true
                    outcome.detail = "bounce \(id) to \(message.mailFrom)"
                } else {
                    outcome.status = "skipped"
                    outcome.detail = "the null sender gets no bounce"
                }
                if let topic { notification = (topic, nil, nil) }
            case .stop(_, let topic):
                if let topic { notification = (topic, nil, nil) }
            case .addHeader(let name, _):
                outcome.detail = name
            }
            if let notification, let sns {
                let id = RandomIDs.requestID()
                let json = ReceiptNotification.json(
                    message, raw: raw, verdicts: verdicts,
                    action: ReceiptNotification.action(step.action, objectKey: notification.objectKey), processedAt: now,
                    content: notification.content, recipients: step.recipients)
                try await sns.enqueue(
                    session, topicARN: notification.topic, message: json, subject: Self.receiptSubject, messageID: id, now: now)
                if outcome.detail.isEmpty { outcome.detail = "notification \(id)" }
            }
            var done = message
            done.outcomes.append(outcome)
            let release = done.state == .processed
            try await session.saveReceivedProcessing(
                done, nextAttemptAt: now, leaseUntil: release ? Self.released : now.addingTimeInterval(settings.lease))
            return (outcome, mailed)
        }
        if mailed { writer.queued.signal() }
        return outcome
    }

    /// Writes the processing state without running a step (verdicts planned, a retry scheduled).
    func save(
        _ message: ReceivedMessage, owner: String, expecting index: Int, settings: ReceiptSettings, retryAfter: TimeInterval? = nil
    ) async throws {
        let now = clock.now()
        try await store.transaction { session in
            guard let lease = try await session.receivedMessageLease(id: message.id), lease.owner == owner, lease.nextStep == index else {
                throw LeaseLost()
            }
            if let retryAfter {
                // Released: whichever node is free when it is due takes it.
                try await session.saveReceivedProcessing(
                    message, nextAttemptAt: now.addingTimeInterval(retryAfter), leaseUntil: Self.released)
            } else {
                let release = message.state == .processed
                try await session.saveReceivedProcessing(
                    message, nextAttemptAt: now,
                    leaseUntil: release ? Self.released : now.addingTimeInterval(settings.lease))
            }
        }
    }

    /// A Bounce action's DSN to the envelope sender, written with the step (nil for `<>`).
    func writeReceiptBounce(
        _ session: any StoreSession, _ step: ReceiptStep, message: ReceivedMessage, raw: [UInt8], now: Date
    ) async throws -> String? {
        let reporter = configuration.feedbackSender.split(separator: "@").last.map(String.init) ?? "localhost"
        guard
            let report = ReceiptPlan.bounceReport(
                for: step, mailFrom: message.mailFrom, originalHeaders: MIME.headers(of: raw), reportingMTA: reporter),
            case .bounce(_, _, _, let sender, _) = step.action
        else { return nil }
        let id = MessageID.make(at: now)
        let dsn = report.message(
            id: id, date: now, boundary: "=_sesame_bounce_" + RandomIDs.requestID().replacingOccurrences(of: "-", with: ""))
        let account = try await session.account()?.account.id ?? ""
        var bounce = StoredMessage(
            id: id, region: message.region, source: sender, destinations: [message.mailFrom],
            subject: "Delivery Status Notification (Failure)", raw: dsn,
            principalARN: "arn:\(Partition.of(region: message.region)):iam::\(account):root", via: .receiptBounce, createdAt: now)
        bounce.countsTowardQuota = false
        Self.plan(&bounce, mode: configuration.deliveryMode, suppressed: [])
        try await session.insertMessages([bounce])
        return id
    }

    static func actionType(_ action: ReceiptAction) -> String {
        switch action {
        case .s3: "S3"
        case .sns: "SNS"
        case .bounce: "Bounce"
        case .addHeader: "AddHeader"
        case .stop: "Stop"
        }
    }

    /// A message this node may read for inspection (the console and `/_aws/ses/inbound`).
    public func receivedMessage(id: String) async throws -> ReceivedMessage? {
        try await store.read { try await $0.receivedMessage(id: id) }
    }
}
