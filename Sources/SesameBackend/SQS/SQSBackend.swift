public import Foundation
public import SesameConcurrency
public import SesameCore
public import SesameStorage

/// SQS, the part a feedback consumer and a test suite use: queues (standard and FIFO) and their
/// attributes, and messages sent, received (with long polling), hidden for their visibility
/// timeout, deleted, and moved to a dead-letter queue after `maxReceiveCount` receives. Every
/// message lives in the store, so an acknowledged send survives a restart, and receives on
/// several nodes never hand one message to two consumers within its visibility timeout.
public struct SQSBackend: Sendable {
    public let store: any Store
    public let clock: any WallClock
    /// Where queue URLs point: this node's HTTP listener (`http://HOST:PORT`).
    public let baseURL: String
    /// Signalled when a message is sent through this node (long polls wake at once; messages
    /// sent through other nodes are seen within a second).
    public let arrived = WakeSignal()

    public init(store: any Store, clock: any WallClock, baseURL: String) {
        self.store = store
        self.clock = clock
        self.baseURL = baseURL
    }

    func authorize(_ caller: Caller, _ action: String, _ resource: String) throws(SesameError) {
        try Authorizer.authorize(caller, action: action, resource: resource)
    }

    /// The caller's IAM policies and the queue's own policy, as IAM combines them in one account.
    func authorize(_ caller: Caller, _ action: String, _ queue: SQSQueue) throws(SesameError) {
        let policies = (try? Self.queuePolicy(queue)).flatMap { $0 }.map { [($0, queue.arn)] } ?? []
        try Authorizer.authorize(caller, action: action, resource: queue.arn, resourcePolicies: policies)
    }

    /// The queue's `Policy`, parsed with the policy engine's rules for resource policies.
    public static func queuePolicy(_ queue: SQSQueue) throws(SesameError) -> SendingAuthorizationPolicy? {
        guard let text = queue.attributes["Policy"], !text.isEmpty else { return nil }
        return try SendingAuthorizationPolicy.parse(
            text, resourceARN: queue.arn, actionPrefix: "sqs:", service: "an SQS",
            invalid: { SesameError(.invalidAttributeValue, "Invalid value for the parameter Policy. Reason: \($0)") })
    }

    public func url(of queue: SQSQueue) -> String { "\(baseURL)/\(queue.accountID)/\(queue.name)" }

    static func missing() -> SesameError { SesameError(.queueDoesNotExist, "The specified queue does not exist.") }

    /// The queue a `QueueUrl` names (`…/ACCOUNT/NAME`, any host), in the request's region.
    func queue(_ url: String, region: String, session: any StoreSession) async throws -> SQSQueue {
        let parts = url.split(separator: "/").map(String.init)
        guard parts.count >= 2 else { throw Self.missing() }
        let (account, name) = (parts[parts.count - 2], parts[parts.count - 1])
        guard let found = try await session.queue(key: "\(region)/\(account)/\(name)") else { throw Self.missing() }
        return found
    }

    // MARK: Queues

    public func createQueue(
        _ caller: Caller, region: String, name: String, attributes: [String: String], tags: [String: String]
    ) async throws -> String {
        let fifo = name.hasSuffix(".fifo") || attributes["FifoQueue"] == "true"
        guard SQSQueue.validName(name, fifo: fifo) else {
            throw SesameError(
                .invalidParameterValue,
                fifo
                    ? "The name of a FIFO queue can only include alphanumeric characters, hyphens, or underscores, must end with .fifo suffix and be 1 to 80 in length."
                    : "Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length")
        }
        let valid = try SQSQueue.validate(attributes, fifo: fifo)
        let queue = SQSQueue(region: region, accountID: caller.accountID, name: name, attributes: valid, tags: tags, createdAt: clock.now())
        try authorize(caller, "sqs:CreateQueue", queue.arn)
        _ = try Self.queuePolicy(queue)
        return try await store.transaction { session in
            if let existing = try await session.queue(key: queue.key) {
                // Creating an existing queue is fine when every attribute given matches.
                for (key, value) in valid where (existing.attributes[key] ?? SQSQueue.settable[key]?.default) != value {
                    throw SesameError(
                        .queueNameExists, "A queue already exists with the same name and a different value for attribute \(key)")
                }
                return self.url(of: existing)
            }
            try await session.putQueue(queue)
            return self.url(of: queue)
        }
    }

    public func queueURL(_ caller: Caller, region: String, name: String, owner: String?) async throws -> String {
        let key = "\(region)/\(owner ?? caller.accountID)/\(name)"
        guard let queue = try await store.read({ try await $0.queue(key: key) }) else { throw Self.missing() }
        try authorize(caller, "sqs:GetQueueUrl", queue)
        return url(of: queue)
    }

    public func listQueues(
        _ caller: Caller, region: String, prefix: String?, nextToken: String?, maxResults: Int?
    ) async throws -> (urls: [String], nextToken: String?) {
        try authorize(caller, "sqs:ListQueues", "arn:\(Partition.of(region: region)):sqs:\(region):\(caller.accountID):*")
        let limit = min(max(maxResults ?? 1000, 1), 1000)
        let after = nextToken.flatMap { Data(base64Encoded: $0) }.map { String(decoding: $0, as: UTF8.self) }
        let found = try await store.read { session in
            try await session.queues(region: region, prefix: prefix ?? "", after: after, limit: limit + 1)
        }.filter { $0.accountID == caller.accountID }
        let page = Array(found.prefix(limit))
        // SQS pages only when MaxResults is given.
        let token = maxResults != nil && found.count > limit ? page.last.map { Data($0.name.utf8).base64EncodedString() } : nil
        return (page.map(url(of:)), token)
    }

    public func deleteQueue(_ caller: Caller, region: String, url: String) async throws {
        try await store.transaction { session in
            let queue = try await self.queue(url, region: region, session: session)
            try self.authorize(caller, "sqs:DeleteQueue", queue)
            try await session.deleteQueue(key: queue.key)
        }
    }

    public func purgeQueue(_ caller: Caller, region: String, url: String) async throws {
        let now = clock.now()
        try await store.transaction { session in
            let queue = try await self.queue(url, region: region, session: session)
            try self.authorize(caller, "sqs:PurgeQueue", queue)
            guard try await session.purgeQueue(key: queue.key, now: now) else {
                throw SesameError(
                    .purgeQueueInProgress,
                    "Only one PurgeQueue operation on \(queue.name) is allowed every 60 seconds.")
            }
        }
    }

    /// The attributes asked for (`All` for every one), the counts and timestamps among them.
    public func queueAttributes(_ caller: Caller, region: String, url: String, names: [String]) async throws -> [String: String] {
        let now = clock.now()
        let (queue, counts) = try await store.read { session in
            let queue = try await self.queue(url, region: region, session: session)
            return (queue, try await session.queueCounts(key: queue.key, now: now))
        }
        try authorize(caller, "sqs:GetQueueAttributes", queue)
        var all: [String: String] = [
            "QueueArn": queue.arn, "ApproximateNumberOfMessages": "\(counts.visible)",
            "ApproximateNumberOfMessagesNotVisible": "\(counts.inFlight)", "ApproximateNumberOfMessagesDelayed": "\(counts.delayed)",
            "CreatedTimestamp": "\(Int(queue.createdAt.timeIntervalSince1970))",
            "LastModifiedTimestamp": "\(Int(queue.modifiedAt.timeIntervalSince1970))", "SqsManagedSseEnabled": "true",
        ]
        for (name, rule) in SQSQueue.settable { if let value = queue.attributes[name] ?? rule.default { all[name] = value } }
        if queue.isFIFO {
            all["FifoQueue"] = "true"
            all["ContentBasedDeduplication"] = queue.attributes["ContentBasedDeduplication"] ?? "false"
            all["DeduplicationScope"] = queue.attributes["DeduplicationScope"] ?? "queue"
            all["FifoThroughputLimit"] = queue.attributes["FifoThroughputLimit"] ?? "perQueue"
        }
        if names.contains("All") { return all }
        var out: [String: String] = [:]
        for name in names {
            guard SQSQueue.settable[name] != nil || all[name] != nil || name.hasPrefix("Approximate") else {
                throw SesameError(.invalidAttributeName, "Unknown Attribute \(name).")
            }
            out[name] = all[name]
        }
        return out
    }

    public func setQueueAttributes(_ caller: Caller, region: String, url: String, attributes: [String: String]) async throws {
        let now = clock.now()
        try await store.transaction { session in
            var queue = try await self.queue(url, region: region, session: session)
            try self.authorize(caller, "sqs:SetQueueAttributes", queue)
            var given = attributes
            if given["FifoQueue"] != nil && given["FifoQueue"] != (queue.isFIFO ? "true" : "false") {
                throw SesameError(.invalidAttributeValue, "Invalid value for the parameter FifoQueue.")
            }
            given["FifoQueue"] = nil
            for (name, value) in try SQSQueue.validate(given, fifo: queue.isFIFO) where name != "FifoQueue" {
                queue.attributes[name] = value.isEmpty && (name == "RedrivePolicy" || name == "Policy") ? nil : value
            }
            queue.modifiedAt = now
            _ = try Self.queuePolicy(queue)
            try await session.putQueue(queue)
        }
    }

    public func tagQueue(_ caller: Caller, region: String, url: String, add: [String: String], remove: [String]) async throws {
        try await store.transaction { session in
            var queue = try await self.queue(url, region: region, session: session)
            try self.authorize(caller, add.isEmpty ? "sqs:UntagQueue" : "sqs:TagQueue", queue)
            for (key, value) in add { queue.tags[key] = value }
            for key in remove { queue.tags[key] = nil }
            guard queue.tags.count <= 50 else { throw SesameError(.invalidParameterValue, "Too many tags: a queue has at most 50.") }
            try await session.putQueue(queue)
        }
    }

    public func queueTags(_ caller: Caller, region: String, url: String) async throws -> [String: String] {
        let queue = try await store.read { session in try await self.queue(url, region: region, session: session) }
        try authorize(caller, "sqs:ListQueueTags", queue)
        return queue.tags
    }

    // MARK: For the console

    /// The region's queues with their (visible, in flight, delayed) counts.
    public func queueSummaries(
        _ caller: Caller, region: String
    ) async throws -> [(queue: SQSQueue, visible: Int, inFlight: Int, delayed: Int)] {
        try authorize(caller, "sqs:ListQueues", "arn:\(Partition.of(region: region)):sqs:\(region):\(caller.accountID):*")
        let now = clock.now()
        return try await store.read { session in
            var out: [(SQSQueue, Int, Int, Int)] = []
            for queue in try await session.queues(region: region, prefix: "", after: nil, limit: 1000)
            where queue.accountID == caller.accountID {
                let counts = try await session.queueCounts(key: queue.key, now: now)
                out.append((queue, counts.visible, counts.inFlight, counts.delayed))
            }
            return out
        }
    }

    /// The oldest messages of a queue, looked at without receiving them (`sqs:ReceiveMessage`).
    public func peek(_ caller: Caller, region: String, name: String, limit: Int = 50) async throws -> (SQSQueue, [SQSMessage]) {
        let key = "\(region)/\(caller.accountID)/\(name)"
        let found = try await store.read { session -> (SQSQueue, [SQSMessage])? in
            guard let queue = try await session.queue(key: key) else { return nil }
            return (queue, try await session.peekQueueMessages(key: key, limit: limit))
        }
        guard let found else { throw Self.missing() }
        try authorize(caller, "sqs:ReceiveMessage", found.0)
        return found
    }
}
