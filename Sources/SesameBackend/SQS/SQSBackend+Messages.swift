import Crypto
public import Foundation
import SesameConcurrency
public import SesameCore
import SesameStorage

/// Sending, receiving, deleting and hiding SQS messages.
extension SQSBackend {
    /// One message to send (SendMessage, or an entry of SendMessageBatch).
    public struct Outgoing: Sendable {
        public var body: String
        public var delaySeconds: Int?
        public var attributes: [String: SQSAttributeValue]
        public var groupID: String?
        public var deduplicationID: String?

        public init(body: String, delaySeconds: Int?, attributes: [String: SQSAttributeValue], groupID: String?, deduplicationID: String?) {
            self.body = body
            self.delaySeconds = delaySeconds
            self.attributes = attributes
            self.groupID = groupID
            self.deduplicationID = deduplicationID
        }
    }

    /// Checks a message against its queue as SQS does and makes the row to store.
    func prepare(_ outgoing: Outgoing, queue: SQSQueue, senderID: String, now: Date) throws(SesameError) -> SQSMessage {
        try SQSAttributeValue.validate(outgoing.attributes)
        let size = outgoing.body.utf8.count + outgoing.attributes.reduce(0) { $0 + $1.value.size(named: $1.key) }
        guard size <= queue.maximumMessageSize else {
            throw SesameError(
                .invalidParameterValue,
                "One or more parameters are invalid. Reason: Message must be shorter than \(queue.maximumMessageSize) bytes.")
        }
        guard !outgoing.body.isEmpty else {
            throw SesameError(.invalidParameterValue, "The request must contain the parameter MessageBody.")
        }
        var dedup = outgoing.deduplicationID
        if queue.isFIFO {
            guard outgoing.groupID != nil else {
                throw SesameError(.invalidParameterValue, "The request must contain the parameter MessageGroupId.")
            }
            if outgoing.delaySeconds.map({ $0 > 0 }) == true {
                throw SesameError(
                    .invalidParameterValue,
                    "Value \(outgoing.delaySeconds ?? 0) for parameter DelaySeconds is invalid. Reason: The request include parameter that is not valid for this queue type."
                )
            }
            if dedup == nil {
                guard queue.attributes["ContentBasedDeduplication"] == "true" else {
                    throw SesameError(
                        .invalidParameterValue,
                        "The queue should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly")
                }
                dedup = SHA256.hash(data: Array(outgoing.body.utf8)).map { String(format: "%02x", $0) }.joined()
            }
        } else if outgoing.deduplicationID != nil {
            throw SesameError(
                .invalidParameterValue,
                "The request include parameter MessageDeduplicationId that is not valid for this queue type.")
        }
        let delay = outgoing.delaySeconds ?? queue.delay
        guard (0...900).contains(delay) else {
            throw SesameError(
                .invalidParameterValue,
                "Value \(delay) for parameter DelaySeconds is invalid. Reason: must be between 0 and 900, if provided.")
        }
        let millis = Int64(now.timeIntervalSince1970 * 1000)
        return SQSMessage(
            id: UUID().uuidString.lowercased(), queueKey: queue.key, body: outgoing.body, attributes: outgoing.attributes, sentAt: now,
            visibleAt: now.addingTimeInterval(TimeInterval(delay)), senderID: senderID, groupID: outgoing.groupID,
            deduplicationID: dedup,
            sequenceNumber: queue.isFIFO ? String(format: "%020lld", millis * 1000 + Int64.random(in: 0..<1000)) : nil)
    }

    /// Sends messages to one queue in one transaction; each entry gets its message or its error.
    public func send(
        _ caller: Caller, region: String, url: String, _ outgoing: [Outgoing]
    ) async throws -> [Result<SQSMessage, SesameError>] {
        let now = clock.now()
        let results = try await store.transaction { session -> [Result<SQSMessage, SesameError>] in
            let queue = try await self.queue(url, region: region, session: session)
            try self.authorize(caller, "sqs:SendMessage", queue)
            var results: [Result<SQSMessage, SesameError>] = []
            var accepted: [SQSMessage] = []
            for entry in outgoing {
                let message: SQSMessage
                do throws(SesameError) {
                    message = try self.prepare(entry, queue: queue, senderID: Self.senderID(caller.principal), now: now)
                } catch {
                    results.append(.failure(error))
                    continue
                }
                // FIFO: a deduplication ID seen in the last 5 minutes is accepted again and not stored twice.
                var earlier: (String, String?)?
                if let dedup = message.deduplicationID {
                    earlier = accepted.first(where: { $0.deduplicationID == dedup }).map { ($0.id, $0.sequenceNumber) }
                    if earlier == nil {
                        earlier = try await session.deduplicated(
                            key: queue.key, deduplicationID: dedup, since: now.addingTimeInterval(-300)
                        ).map { ($0.messageID, $0.sequence) }
                    }
                }
                if let earlier {
                    var repeated = message
                    repeated.id = earlier.0
                    repeated.sequenceNumber = earlier.1
                    results.append(.success(repeated))
                    continue
                }
                accepted.append(message)
                results.append(.success(message))
            }
            try await session.insertQueueMessages(accepted)
            for message in accepted where message.deduplicationID != nil { try await session.rememberDeduplication(message) }
            return results
        }
        arrived.signal()
        return results
    }

    /// ReceiveMessage: up to `maximum` messages, hidden for the visibility timeout. With a wait
    /// time (the request's, else the queue's), waits until a message arrives or the time is up,
    /// without polling the store more than once a second. Messages received more than the
    /// redrive policy's `maxReceiveCount` times move to the dead-letter queue instead.
    public func receive(
        _ caller: Caller, region: String, url: String, maximum: Int?, visibilityTimeout: Int?, waitSeconds: Int?
    ) async throws -> [SQSMessage] {
        let count = maximum ?? 1
        guard (1...10).contains(count) else {
            throw SesameError(
                .invalidParameterValue,
                "Value \(count) for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 and 10, if provided.")
        }
        if let waitSeconds, !(0...20).contains(waitSeconds) {
            throw SesameError(
                .invalidParameterValue,
                "Value \(waitSeconds) for parameter WaitTimeSeconds is invalid. Reason: Must be >= 0 and <= 20, if provided.")
        }
        let queue = try await store.read { session in try await self.queue(url, region: region, session: session) }
        try authorize(caller, "sqs:ReceiveMessage", queue)
        let deadline = ContinuousClock.now + .seconds(waitSeconds ?? queue.waitTime)
        while true {
            let found = try await receiveOnce(queue: queue, count: count, visibility: visibilityTimeout ?? queue.visibilityTimeout)
            let left = deadline - ContinuousClock.now
            if !found.isEmpty || left <= .zero { return found }
            await arrived.wait(timeout: min(left, .seconds(1)))
        }
    }

    func receiveOnce(queue: SQSQueue, count: Int, visibility: Int) async throws -> [SQSMessage] {
        let now = clock.now()
        let redrive = queue.redrive
        return try await store.transaction { session in
            try await session.expireQueueMessages(key: queue.key, sentBefore: now.addingTimeInterval(-TimeInterval(queue.retention)))
            let taken = try await session.receiveQueueMessages(
                key: queue.key, now: now, visibleUntil: now.addingTimeInterval(TimeInterval(visibility)), limit: count)
            guard let redrive, let target = SQSQueue.key(arn: redrive.targetARN) else { return taken }
            var kept: [SQSMessage] = []
            for message in taken {
                if message.receiveCount > redrive.maxReceiveCount, try await session.queue(key: target) != nil {
                    try await session.moveQueueMessage(id: message.id, to: target, visibleAt: now)
                } else {
                    kept.append(message)
                }
            }
            return kept
        }
    }

    /// SQS's `SenderId`: the account for root, the user's unique ID, a role's ID with the session.
    static func senderID(_ principal: Principal) -> String {
        switch principal {
        case .root(let account): account
        case .user(let user): user.id
        case .assumedRole(let session): "\(session.role.id):\(session.sessionName)"
        case .federatedUser(let account, let name): "\(account):\(name)"
        case .anonymous: "anonymous"
        }
    }

    static func invalidHandle(_ handle: String) -> SesameError {
        SesameError(.receiptHandleIsInvalid, "The input receipt handle \"\(handle)\" is not a valid receipt handle.")
    }

    /// Deletes messages by receipt handle; each gets nil or its error. A handle of a message
    /// already deleted succeeds again, as in SQS.
    public func delete(_ caller: Caller, region: String, url: String, handles: [String]) async throws -> [SesameError?] {
        try await store.transaction { session in
            let queue = try await self.queue(url, region: region, session: session)
            try self.authorize(caller, "sqs:DeleteMessage", queue)
            var out: [SesameError?] = []
            for handle in handles {
                if let message = try await session.queueMessage(receiptHandle: handle), message.queueKey == queue.key {
                    try await session.deleteQueueMessage(id: message.id)
                    out.append(nil)
                } else {
                    out.append(Self.looksLikeHandle(handle) ? nil : Self.invalidHandle(handle))
                }
            }
            return out
        }
    }

    /// Sesame's handles are a UUID, a dash and the message ID.
    static func looksLikeHandle(_ handle: String) -> Bool { handle.count > 37 && UUID(uuidString: String(handle.prefix(36))) != nil }

    /// Changes how long received messages stay hidden, counted from now.
    public func changeVisibility(
        _ caller: Caller, region: String, url: String, changes: [(handle: String, timeout: Int)]
    ) async throws -> [SesameError?] {
        let now = clock.now()
        return try await store.transaction { session in
            let queue = try await self.queue(url, region: region, session: session)
            try self.authorize(caller, "sqs:ChangeMessageVisibility", queue)
            var out: [SesameError?] = []
            for change in changes {
                guard (0...43_200).contains(change.timeout) else {
                    out.append(
                        SesameError(
                            .invalidParameterValue,
                            "Value \(change.timeout) for parameter VisibilityTimeout is invalid. Reason: Must be between 0 and 43200, if provided."
                        ))
                    continue
                }
                guard let message = try await session.queueMessage(receiptHandle: change.handle), message.queueKey == queue.key else {
                    out.append(Self.invalidHandle(change.handle))
                    continue
                }
                guard message.visibleAt > now else {
                    out.append(
                        SesameError(.messageNotInflight, "Message does not exist or is not available for visibility timeout change."))
                    continue
                }
                try await session.setQueueMessageVisibility(id: message.id, visibleAt: now.addingTimeInterval(TimeInterval(change.timeout)))
                out.append(nil)
            }
            return out
        }
    }
}

/// Queue permissions and dead-letter sources.
extension SQSBackend {
    public func changePermission(
        _ caller: Caller, region: String, url: String, label: String, add: (accounts: [String], actions: [String])?
    ) async throws {
        let now = clock.now()
        try await store.transaction { session in
            var queue = try await self.queue(url, region: region, session: session)
            try self.authorize(caller, add == nil ? "sqs:RemovePermission" : "sqs:AddPermission", queue)
            if let add {
                queue.attributes["Policy"] = try PermissionStatements.add(
                    to: queue.attributes["Policy"], label: label, accounts: add.accounts, actions: add.actions, servicePrefix: "SQS",
                    resource: queue.arn, policyID: "\(queue.arn)/SQSDefaultPolicy")
            } else {
                queue.attributes["Policy"] = try PermissionStatements.remove(from: queue.attributes["Policy"], label: label)
            }
            queue.modifiedAt = now
            try await session.putQueue(queue)
        }
    }

    /// The queues whose redrive policy names this queue as their dead-letter queue.
    public func deadLetterSources(_ caller: Caller, region: String, url: String) async throws -> [String] {
        let (target, all) = try await store.read { session in
            let target = try await self.queue(url, region: region, session: session)
            return (target, try await session.queues(region: region, prefix: "", after: nil, limit: 10_000))
        }
        try authorize(caller, "sqs:ListDeadLetterSourceQueues", target)
        return all.filter { $0.redrive?.targetARN == target.arn }.map(self.url(of:))
    }
}
