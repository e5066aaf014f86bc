public import Foundation
public import SesameCore

/// SQS queues and their messages, inside a transaction.
public protocol SQSRecords: Sendable {
    func queue(key: String) async throws -> SQSQueue?
    /// A region's queues whose names start with `prefix`, by name, after `after`.
    func queues(region: String, prefix: String, after: String?, limit: Int) async throws -> [SQSQueue]
    func putQueue(_ queue: SQSQueue) async throws
    /// Deletes the queue and its messages.
    func deleteQueue(key: String) async throws
    /// Deletes every message; false when the queue was purged in the last 60 seconds.
    func purgeQueue(key: String, now: Date) async throws -> Bool
    func insertQueueMessages(_ messages: [SQSMessage]) async throws
    /// A FIFO message sent with this deduplication ID since `since` (SQS's 5-minute window).
    func deduplicated(key: String, deduplicationID: String, since: Date) async throws -> (messageID: String, sequence: String?)?
    func rememberDeduplication(_ message: SQSMessage) async throws
    /// Takes up to `limit` visible messages until `visibleUntil` (PostgreSQL: skipping rows another
    /// node is taking), each under a new receipt handle with its receive count raised.
    func receiveQueueMessages(key: String, now: Date, visibleUntil: Date, limit: Int) async throws -> [SQSMessage]
    /// The oldest messages, in flight or not, without receiving them (for the console).
    func peekQueueMessages(key: String, limit: Int) async throws -> [SQSMessage]
    func queueMessage(receiptHandle: String) async throws -> SQSMessage?
    func deleteQueueMessage(id: String) async throws
    func setQueueMessageVisibility(id: String, visibleAt: Date) async throws
    /// Moves a message to its dead-letter queue, remembering the queue it came from.
    func moveQueueMessage(id: String, to key: String, visibleAt: Date) async throws
    /// Up to `limit` visible messages of a queue, oldest first, with the queue each was
    /// dead-lettered from (PostgreSQL: skipping rows another node holds).
    func movableQueueMessages(key: String, now: Date, limit: Int) async throws -> [(message: SQSMessage, origin: String?)]
    /// Moves a message on (a move task): visible at once, received never, its origin forgotten.
    func redriveQueueMessage(id: String, to key: String, now: Date) async throws
    func insertMoveTask(_ task: SQSMoveTask, sourceKey: String) async throws
    func updateMoveTask(_ task: SQSMoveTask) async throws
    func moveTask(handle: String) async throws -> SQSMoveTask?
    /// A source queue's tasks, newest first.
    func moveTasks(sourceKey: String, limit: Int) async throws -> [SQSMoveTask]
    /// Tasks still running or cancelling (PostgreSQL: skipping those another node is advancing).
    func activeMoveTasks(limit: Int) async throws -> [SQSMoveTask]
    func queueCounts(key: String, now: Date) async throws -> (visible: Int, inFlight: Int, delayed: Int)
    func expireQueueMessages(key: String, sentBefore: Date) async throws
}
