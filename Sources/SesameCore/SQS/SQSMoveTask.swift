public import Foundation

/// A message move task (StartMessageMoveTask): messages leave a dead-letter queue for a
/// destination queue, or for the queues they were dead-lettered from, at most
/// `maxPerSecond` a second.
public struct SQSMoveTask: Sendable, Equatable {
    public enum Status: String, Sendable, CaseIterable {
        case running = "RUNNING", completed = "COMPLETED", cancelling = "CANCELLING", cancelled = "CANCELLED", failed = "FAILED"
    }

    public var handle: String
    public var sourceARN: String
    /// Nil: each message goes back to the queue it was dead-lettered from.
    public var destinationARN: String?
    /// Nil: as fast as SQS allows (500 a second).
    public var maxPerSecond: Int?
    public var status: Status
    public var moved: Int
    /// How many messages the source held when the task started.
    public var toMove: Int
    public var failureReason: String?
    public var startedAt: Date

    /// SQS's ceiling for a task's rate.
    public static let fastest = 500

    public init(
        handle: String, sourceARN: String, destinationARN: String?, maxPerSecond: Int?, status: Status = .running, moved: Int = 0,
        toMove: Int, failureReason: String? = nil, startedAt: Date
    ) {
        self.handle = handle
        self.sourceARN = sourceARN
        self.destinationARN = destinationARN
        self.maxPerSecond = maxPerSecond
        self.status = status
        self.moved = moved
        self.toMove = toMove
        self.failureReason = failureReason
        self.startedAt = startedAt
    }

    public var isActive: Bool { status == .running || status == .cancelling }
}
