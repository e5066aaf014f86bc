public import Foundation
public import SesameCore
import SesameStorage

/// Message move tasks: StartMessageMoveTask, CancelMessageMoveTask, ListMessageMoveTasks, and
/// the step a background service takes every second to move each running task's next messages.
extension SQSBackend {
    public func startMoveTask(
        _ caller: Caller, region: String, sourceARN: String, destinationARN: String?, maxPerSecond: Int?
    ) async throws -> String {
        if let maxPerSecond, !(1...SQSMoveTask.fastest).contains(maxPerSecond) {
            throw SesameError(
                .invalidParameterValue,
                "Value \(maxPerSecond) for parameter MaxNumberOfMessagesPerSecond is invalid. Reason: Must be between 1 and 500.")
        }
        let now = clock.now()
        let handle = RandomIDs.requestID()
        try await store.transaction { session in
            let source = try await self.moveQueue(sourceARN, region: region, parameter: "SourceArn", session: session)
            try self.authorize(caller, "sqs:StartMessageMoveTask", source)
            // The source must be some queue's dead-letter queue.
            let all = try await session.queues(region: region, prefix: "", after: nil, limit: 10_000)
            guard all.contains(where: { $0.redrive?.targetARN == source.arn }) else {
                throw SesameError(.invalidParameterValue, "Source queue must be configured as a Dead Letter Queue.")
            }
            if let destinationARN {
                let destination = try await self.moveQueue(destinationARN, region: region, parameter: "DestinationArn", session: session)
                try self.authorize(caller, "sqs:SendMessage", destination)
                guard destination.isFIFO == source.isFIFO else {
                    throw SesameError(.invalidParameterValue, "The source and destination queues must be of the same type.")
                }
            }
            if try await session.moveTasks(sourceKey: source.key, limit: 1).first?.isActive == true {
                throw SesameError(
                    .unsupportedOperation,
                    "There is already a task running. Only one active task is allowed for a source queue arn at a given time.")
            }
            let counts = try await session.queueCounts(key: source.key, now: now)
            try await session.insertMoveTask(
                SQSMoveTask(
                    handle: handle, sourceARN: source.arn, destinationARN: destinationARN, maxPerSecond: maxPerSecond,
                    toMove: counts.visible + counts.inFlight + counts.delayed, startedAt: now),
                sourceKey: source.key)
        }
        return handle
    }

    /// Cancels a running task; returns how many messages it had moved.
    public func cancelMoveTask(_ caller: Caller, handle: String) async throws -> Int {
        try await store.transaction { session in
            guard var task = try await session.moveTask(handle: handle), task.status == .running else {
                throw SesameError(.resourceNotFound, "Task does not exist.")
            }
            try Authorizer.authorize(caller, action: "sqs:CancelMessageMoveTask", resource: task.sourceARN)
            task.status = .cancelling
            try await session.updateMoveTask(task)
            return task.moved
        }
    }

    public func moveTasks(_ caller: Caller, region: String, sourceARN: String, maximum: Int?) async throws -> [SQSMoveTask] {
        let limit = maximum ?? 1
        guard (1...10).contains(limit) else {
            throw SesameError(
                .invalidParameterValue, "Value \(limit) for parameter MaxResults is invalid. Reason: Must be between 1 and 10.")
        }
        return try await store.read { session in
            let source = try await self.moveQueue(sourceARN, region: region, parameter: "SourceArn", session: session)
            try self.authorize(caller, "sqs:ListMessageMoveTasks", source)
            return try await session.moveTasks(sourceKey: source.key, limit: limit)
        }
    }

    func moveQueue(_ arn: String, region: String, parameter: String, session: any StoreSession) async throws -> SQSQueue {
        guard let key = SQSQueue.key(arn: arn), key.hasPrefix(region + "/"), let queue = try await session.queue(key: key) else {
            throw SesameError(.resourceNotFound, "The resource that you specified for the \(parameter) parameter doesn't exist.")
        }
        return queue
    }

    /// One second's work for every active task: up to its rate of messages moved, in one
    /// transaction per task. Returns how many messages moved.
    @discardableResult
    public func advanceMoveTasks() async throws -> Int {
        let now = clock.now()
        return try await store.transaction { session in
            var moved = 0
            for var task in try await session.activeMoveTasks(limit: 10) {
                if task.status == .cancelling {
                    task.status = .cancelled
                    try await session.updateMoveTask(task)
                    continue
                }
                guard let sourceKey = SQSQueue.key(arn: task.sourceARN), try await session.queue(key: sourceKey) != nil else {
                    task.status = .failed
                    task.failureReason = "AWS.SimpleQueueService.NonExistentQueue"
                    try await session.updateMoveTask(task)
                    continue
                }
                let batch = try await session.movableQueueMessages(
                    key: sourceKey, now: now, limit: task.maxPerSecond ?? SQSMoveTask.fastest)
                var targets: [String: Bool] = [:]
                let before = task.moved
                for (message, origin) in batch {
                    // To the destination, or back where it was dead-lettered from; a message
                    // with neither (sent straight to this queue) stays.
                    guard let target = task.destinationARN.flatMap(SQSQueue.key(arn:)) ?? origin else { continue }
                    if targets[target] == nil { targets[target] = try await session.queue(key: target) != nil }
                    guard targets[target] == true else {
                        task.status = .failed
                        task.failureReason = "AWS.SimpleQueueService.NonExistentQueue"
                        break
                    }
                    try await session.redriveQueueMessage(id: message.id, to: target, now: now)
                    task.moved += 1
                    moved += 1
                }
                if task.status == .running && (batch.count < (task.maxPerSecond ?? SQSMoveTask.fastest) || task.moved == before) {
                    task.status = .completed
                }
                try await session.updateMoveTask(task)
            }
            return moved
        }
    }
}
