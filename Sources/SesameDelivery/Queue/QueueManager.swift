public import Foundation
public import Logging
import NIOCore
public import ServiceLifecycle
public import SesameBackend
import SesameConcurrency
public import SesameCore
public import SesameStorage

/// Takes due recipients from the queue and delivers them: claims them under a lease (so no two
/// workers or nodes send the same recipient), groups a message's recipients by destination,
/// sends through the transport with bounded concurrency and memory, and records each outcome
/// with its events in group commits. Runs as a service beside the listeners.
public final class QueueManager: Service, Sendable {
    public struct Settings: Sendable {
        /// Who holds a lease: unique per process.
        public var owner: String =
            "\(ProcessInfo.processInfo.hostName)/\(getpid())/\(RandomIDs.pick(6, from: Array("abcdefghijklmnopqrstuvwxyz0123456789")))"
        public var retry = RetryPolicy()
        /// How long a claim holds before another worker may take the recipient over.
        public var lease: TimeInterval = 600
        /// Recipients claimed at once.
        public var batchSize = 256
        /// Deliveries (message × destination) in progress at once.
        public var concurrency = 64
        /// Bytes of message content held in memory at once by deliveries in progress.
        public var memoryBudget = 256 << 20
        /// How often to look for due work when nothing signals (retries, other nodes' mail).
        public var pollInterval: Duration = .seconds(1)
        /// Envelope senders become `MESSAGE-ID@bounceDomain`, so reports find their message.
        public var bounceDomain: String?

        public init() {}
    }

    let store: any Store
    let ses: SESBackend
    let transport: (any DeliveryTransport)?
    let settings: Settings
    let logger: Logger
    let slots: Budget
    let memory: Budget
    let recorder: Recorder
    let stopping = Locked(false)

    /// `transport` nil: capture mode (only the mailbox simulator's recipients are queued).
    public init(store: any Store, ses: SESBackend, transport: (any DeliveryTransport)?, settings: Settings, logger: Logger) {
        self.store = store
        self.ses = ses
        self.transport = transport
        self.settings = settings
        self.logger = logger
        self.slots = Budget(settings.concurrency)
        self.memory = Budget(settings.memoryBudget)
        self.recorder = Recorder(ses: ses, owner: settings.owner, logger: logger)
    }

    public func run() async throws {
        await withGracefulShutdownHandler {
            await withDiscardingTaskGroup { group in
                while !stopping.withLock({ $0 }), !Task.isCancelled {
                    let now = ses.clock.now()
                    let rows: [QueuedRecipient]
                    do {
                        let owner = settings.owner, limit = settings.batchSize, leaseUntil = now.addingTimeInterval(settings.lease)
                        rows = try await store.transaction { session in
                            try await session.claimDeliveries(owner: owner, now: now, leaseUntil: leaseUntil, limit: limit)
                        }
                    } catch {
                        logger.error("could not claim deliveries from the queue: \(error)")
                        await ses.writer.queued.wait(timeout: settings.pollInterval)
                        continue
                    }
                    if rows.isEmpty {
                        await ses.writer.queued.wait(timeout: settings.pollInterval)
                        continue
                    }
                    var pending = jobs(rows)[...]
                    while !pending.isEmpty {
                        // As many jobs as the memory budget allows (at least one), their
                        // messages read together.
                        var batch: [Job] = []
                        while let job = pending.first, batch.count < settings.concurrency {
                            if batch.isEmpty {
                                await memory.acquire(cost(job))
                            } else if await !memory.tryAcquire(cost(job)) {
                                break
                            }
                            batch.append(job)
                            pending.removeFirst()
                        }
                        let ids = Array(Set(batch.filter { !$0.simulated }.map(\.messageID)))
                        let loaded: [String: StoredMessage]?
                        if ids.isEmpty {
                            loaded = [:]
                        } else {
                            loaded = try? await store.read { try await $0.messages(ids: ids) }
                                .reduce(into: [String: StoredMessage]()) { $0[$1.id] = $1 }
                        }
                        for job in batch {
                            await slots.acquire(1)
                            group.addTask {
                                await self.perform(job, message: loaded?[job.messageID], loadFailed: loaded == nil)
                                await self.memory.release(self.cost(job))
                                await self.slots.release(1)
                            }
                        }
                    }
                }
            }
        } onGracefulShutdown: {
            self.stopping.withLock { $0 = true }
            self.ses.writer.queued.signal()
        }
        await recorder.close()
        await transport?.shutdown()
    }

    /// One message to one destination (or one simulator recipient).
    struct Job: Sendable {
        var messageID: String
        var rows: [QueuedRecipient]
        var simulated: Bool
    }

    /// This host as a reporting MTA, looked up once (not per delivery).
    static let localMTA = "dns; \(ProcessInfo.processInfo.hostName)"

    func jobs(_ rows: [QueuedRecipient]) -> [Job] {
        var jobs: [Job] = []
        var index: [String: Int] = [:]
        for row in rows {
            if MailboxSimulator.scenario(for: row.recipient) != nil {
                jobs.append(Job(messageID: row.messageID, rows: [row], simulated: true))
                continue
            }
            let key = row.messageID + "\u{0}" + (transport?.destination(of: row.recipient) ?? "")
            if let at = index[key] {
                jobs[at].rows.append(row)
            } else {
                index[key] = jobs.count
                jobs.append(Job(messageID: row.messageID, rows: [row], simulated: false))
            }
        }
        return jobs
    }

    /// Bytes a job holds while it runs (its message, capped at the whole budget).
    func cost(_ job: Job) -> Int {
        job.simulated ? 0 : min(max(job.rows[0].size, 1), settings.memoryBudget)
    }

    func perform(_ job: Job, message: StoredMessage?, loadFailed: Bool) async {
        let started = ContinuousClock.now
        let kind = job.simulated ? "simulator" : transport?.kind ?? "capture"
        let outcomes: [String: DeliveryOutcome]
        var reportingMTA = Self.localMTA
        if job.simulated {
            outcomes = Dictionary(uniqueKeysWithValues: job.rows.map { ($0.recipient, Self.simulate($0.recipient)) })
            reportingMTA = "dns; \(MailboxSimulator.domain)"
        } else if let transport {
            let recipients = job.rows.map(\.recipient)
            if loadFailed {
                outcomes = .all(recipients, .transient(reason: "the message could not be read from the store"))
            } else if let message {
                let (body, note) = await ses.prepareForDelivery(message.raw, region: message.region)
                if let note { logger.warning("\(note)", metadata: ["message": "\(message.id)"]) }
                // Reports go out with the null sender, so nothing ever bounces back to them (RFC 3464).
                // An identity's custom MAIL FROM domain comes first (SPF and DMARC align with it),
                // then the node's bounce domain; reports to either find the message by its ID.
                let mailFrom = await ses.mailFromDomain(forSource: message.source, region: message.region)
                let envelopeSender =
                    message.via.isReport ? "" : (mailFrom ?? settings.bounceDomain).map { "\(message.id)@\($0)" } ?? message.source
                let wanted = await ses.deliveryOptions(region: message.region, configurationSet: message.configurationSet)
                let sources = await ses.sourceAddresses(region: message.region, pool: wanted.sendingPool)
                outcomes = await transport.deliver(
                    from: envelopeSender, recipients: recipients, body: body,
                    options: DeliveryOptions(requireTLS: wanted.requireTLS, sourceAddress: sources.randomElement()))
            } else {
                outcomes = .all(recipients, .permanent(reason: "554 5.6.0 the message is no longer stored", subType: .general))
            }
        } else {
            // Capture mode queues nothing else; a row left from another mode stays captured.
            outcomes = .all(job.rows.map(\.recipient), .delivered(reply: "250 captured (delivery mode capture)"))
        }
        DeliveryMetrics.attempt(kind: kind, took: ContinuousClock.now - started)
        let limit = await ses.deliveryOptions(region: job.rows[0].region, configurationSet: message?.configurationSet).maxSeconds
        var settled = record(job, outcomes, reportingMTA: reportingMTA, maxDeliverySeconds: limit)
        DeliveryMetrics.settled(settled.rows, outcomes: outcomes, simulated: job.simulated)
        settled.configurationSet = message?.configurationSet
        await recorder.record(settled)
    }

    static func simulate(_ recipient: String) -> DeliveryOutcome {
        switch MailboxSimulator.scenario(for: recipient) {
        case .bounce: return .permanent(reason: "550 5.1.1 user unknown", subType: .general)
        case .suppressionList:
            return .permanent(reason: "550 5.1.1 recipient is on the suppression list", subType: .onAccountSuppressionList)
        default: return .delivered(reply: "250 2.6.0 Message received")
        }
    }

    /// Turns outcomes into queue-row updates, events and suppression-list entries.
    func record(
        _ job: Job, _ outcomes: [String: DeliveryOutcome], reportingMTA: String, maxDeliverySeconds: Int? = nil
    ) -> SESBackend.DeliveryRecord {
        let retry = settings.retry.limited(toSeconds: maxDeliverySeconds)
        let now = ses.clock.now()
        var record = SESBackend.DeliveryRecord()
        func event(_ row: QueuedRecipient, _ kind: DeliveryEvent.Kind, type: String? = nil, subType: String? = nil, detail: String?) {
            record.events.append(
                DeliveryEvent(
                    id: RandomIDs.requestID(), messageID: row.messageID, region: row.region, kind: kind, recipients: [row.recipient],
                    type: type, subType: subType, detail: detail, reportingMTA: reportingMTA, createdAt: now))
        }
        for var row in job.rows {
            row.updatedAt = now
            let outcome = outcomes[row.recipient] ?? .transient(reason: "no outcome was reported")
            switch outcome {
            case .delivered(let reply):
                row.state = .delivered
                row.lastReply = reply
                event(row, .delivery, detail: reply)
                if MailboxSimulator.scenario(for: row.recipient) == .complaint {
                    event(row, .complaint, type: "abuse", detail: "complaint from the mailbox simulator")
                }
            case .permanent(let reason, let subType):
                row.state = .bounced
                row.lastReply = reason
                event(row, .bounce, type: subType.bounceType, subType: subType.rawValue, detail: reason)
                if !job.simulated && subType.bounceType == "Permanent" {
                    record.suppress.append((row.region, row.recipient.lowercased(), "BOUNCE"))
                }
            case .transient(let reason):
                row.lastReply = reason
                if let next = retry.nextAttempt(
                    attempts: row.attempts, queuedAt: row.queuedAt, now: now, jitter: Double.random(in: 0..<1))
                {
                    row.nextAttemptAt = next
                    if row.attempts == 1 { event(row, .deliveryDelay, type: "TransientCommunicationFailure", detail: reason) }
                } else {
                    row.state = .bounced
                    event(
                        row, .bounce, type: "Transient", subType: BounceSubType.general.rawValue,
                        detail: "gave up after \(row.attempts) attempts: \(reason)")
                }
            }
            record.rows.append(row)
        }
        return record
    }
}

/// A counting budget (deliveries in progress, bytes in memory): `acquire` waits while it is spent.
actor Budget {
    var available: Int
    var waiters: [(Int, CheckedContinuation<Void, Never>)] = []

    init(_ total: Int) { available = total }

    /// Takes `amount` if it is there now and nobody waits before us.
    func tryAcquire(_ amount: Int) -> Bool {
        guard waiters.isEmpty && available >= amount else { return false }
        available -= amount
        return true
    }

    func acquire(_ amount: Int) async {
        if waiters.isEmpty && available >= amount {
            available -= amount
            return
        }
        await withCheckedContinuation { waiters.append((amount, $0)) }
    }

    func release(_ amount: Int) {
        available += amount
        while let (amount, waiter) = waiters.first, available >= amount {
            available -= amount
            waiters.removeFirst()
            waiter.resume()
        }
    }
}

/// Writes delivery records in group commits: records that arrive while a commit is running go
/// into the next one. `record` returns once its record is committed (or the commit failed,
/// which is logged; the lease then runs out and the recipients are tried again).
final class Recorder: Sendable {
    let committer: GroupCommitter<SESBackend.DeliveryRecord>

    init(ses: SESBackend, owner: String, logger: Logger) {
        committer = GroupCommitter(closedError: SesameError(.temporarilyUnavailable, "The queue manager is stopping.")) { batch in
            do {
                try await ses.recordDeliveries(batch, owner: owner)
            } catch {
                logger.error("could not record \(batch.count) delivery outcomes (they will be retried when their lease ends): \(error)")
            }
            return Array(repeating: nil, count: batch.count)
        }
    }

    func record(_ record: SESBackend.DeliveryRecord) async {
        // Refused only once the manager is stopping: the lease runs out and another attempt follows.
        try? await committer.submit(record)
    }

    /// Waits for the commit in flight; later records are not written.
    func close() async { await committer.close() }
}
