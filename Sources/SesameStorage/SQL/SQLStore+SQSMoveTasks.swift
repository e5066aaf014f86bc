import Foundation
import SQLKit
import SesameCore

/// SQS message move tasks and the messages they move.
extension SQLStoreSession {
    func movableQueueMessages(key: String, now: Date, limit: Int) async throws -> [(message: SQSMessage, origin: String?)] {
        let locking = source.engine == .postgresql ? " FOR UPDATE SKIP LOCKED" : ""
        return try await db.raw(
            """
            SELECT \(unsafeRaw: Self.queueMessageColumns), origin_key FROM sqs_messages
            WHERE queue_key = \(bind: key) AND visible_at <= \(bind: Timestamp.millis(now))
            ORDER BY sent_at, id LIMIT \(bind: limit)\(unsafeRaw: locking)
            """
        ).all().map { (try queueMessage($0), try $0.decode(column: "origin_key", as: String?.self)) }
    }

    func redriveQueueMessage(id: String, to key: String, now: Date) async throws {
        try await db.raw(
            """
            UPDATE sqs_messages SET queue_key = \(bind: key), origin_key = NULL, visible_at = \(bind: Timestamp.millis(now)),
                receive_count = 0, first_received_at = NULL, receipt_handle = NULL
            WHERE id = \(bind: id)
            """
        ).run()
    }

    func insertMoveTask(_ task: SQSMoveTask, sourceKey: String) async throws {
        try await db.raw(
            """
            INSERT INTO sqs_move_tasks (handle, source_key, source_arn, destination_arn, max_per_second, status, moved, to_move,
                failure_reason, started_at)
            VALUES (\(bind: task.handle), \(bind: sourceKey), \(bind: task.sourceARN), \(bind: task.destinationARN), \(bind: task.maxPerSecond),
                \(bind: task.status.rawValue), \(bind: task.moved), \(bind: task.toMove), \(bind: task.failureReason),
                \(bind: Timestamp.millis(task.startedAt)))
            """
        ).run()
    }

    func updateMoveTask(_ task: SQSMoveTask) async throws {
        try await db.raw(
            """
            UPDATE sqs_move_tasks SET status = \(bind: task.status.rawValue), moved = \(bind: task.moved), to_move = \(bind: task.toMove),
                failure_reason = \(bind: task.failureReason)
            WHERE handle = \(bind: task.handle)
            """
        ).run()
    }

    func moveTask(handle: String) async throws -> SQSMoveTask? {
        try await db.raw("SELECT \(unsafeRaw: Self.moveTaskColumns) FROM sqs_move_tasks WHERE handle = \(bind: handle)").first().map(
            moveTask)
    }

    func moveTasks(sourceKey: String, limit: Int) async throws -> [SQSMoveTask] {
        try await db.raw(
            """
            SELECT \(unsafeRaw: Self.moveTaskColumns) FROM sqs_move_tasks WHERE source_key = \(bind: sourceKey)
            ORDER BY started_at DESC, handle LIMIT \(bind: limit)
            """
        ).all().map(moveTask)
    }

    func activeMoveTasks(limit: Int) async throws -> [SQSMoveTask] {
        let locking = source.engine == .postgresql ? " FOR UPDATE SKIP LOCKED" : ""
        return try await db.raw(
            """
            SELECT \(unsafeRaw: Self.moveTaskColumns) FROM sqs_move_tasks WHERE status IN ('RUNNING', 'CANCELLING')
            ORDER BY started_at, handle LIMIT \(bind: limit)\(unsafeRaw: locking)
            """
        ).all().map(moveTask)
    }

    static let moveTaskColumns =
        "handle, source_arn, destination_arn, max_per_second, status, moved, to_move, failure_reason, started_at"

    func moveTask(_ row: any SQLRow) throws -> SQSMoveTask {
        SQSMoveTask(
            handle: try row.decode(column: "handle", as: String.self), sourceARN: try row.decode(column: "source_arn", as: String.self),
            destinationARN: try row.decode(column: "destination_arn", as: String?.self),
            maxPerSecond: try row.decode(column: "max_per_second", as: Int?.self),
            status: SQSMoveTask.Status(rawValue: try row.decode(column: "status", as: String.self)) ?? .failed,
            moved: try row.decode(column: "moved", as: Int.self), toMove: try row.decode(column: "to_move", as: Int.self),
            failureReason: try row.decode(column: "failure_reason", as: String?.self),
            startedAt: Timestamp.date(millis: try row.decode(column: "started_at", as: Int64.self)))
    }
}
