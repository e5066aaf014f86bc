import Foundation
import SesameAWSModels
import SesameAWSProtocol
import SesameBackend
import SesameCore

/// Message move tasks: redriving a dead-letter queue's messages.
extension SQSHandlers {
    static func addMoveTasks(_ sqs: SQSBackend, _ handlers: inout AWSHandlers) {
        handlers.on(SQS.Operations.StartMessageMoveTask.self) { input, call in
            .init(
                taskHandle: try await sqs.startMoveTask(
                    call.caller, region: call.region, sourceARN: input.sourceArn, destinationARN: input.destinationArn,
                    maxPerSecond: input.maxNumberOfMessagesPerSecond))
        }
        handlers.on(SQS.Operations.CancelMessageMoveTask.self) { input, call in
            .init(approximateNumberOfMessagesMoved: try await sqs.cancelMoveTask(call.caller, handle: input.taskHandle))
        }
        handlers.on(SQS.Operations.ListMessageMoveTasks.self) { input, call in
            let tasks = try await sqs.moveTasks(call.caller, region: call.region, sourceARN: input.sourceArn, maximum: input.maxResults)
            return .init(
                results: tasks.map { task in
                    SQS.ListMessageMoveTasksResultEntry(
                        taskHandle: task.status == .running ? task.handle : nil, status: task.status.rawValue, sourceArn: task.sourceARN,
                        destinationArn: task.destinationARN, maxNumberOfMessagesPerSecond: task.maxPerSecond,
                        approximateNumberOfMessagesMoved: task.moved, approximateNumberOfMessagesToMove: task.toMove,
                        failureReason: task.failureReason, startedTimestamp: Int(task.startedAt.timeIntervalSince1970 * 1000))
                })
        }
    }
}
