public import Logging
public import ServiceLifecycle
public import SesameBackend
import SesameConcurrency

/// Advances SQS message move tasks once a second (each task moves at most its rate per step).
/// Several nodes may run it: on PostgreSQL a task another node is advancing is skipped.
public final class MessageMoveRunner: Service, Sendable {
    let sqs: SQSBackend
    let logger: Logger
    let wake = WakeSignal()

    public init(sqs: SQSBackend, logger: Logger) {
        self.sqs = sqs
        self.logger = logger
    }

    public func run() async throws {
        let sqs = self.sqs, logger = self.logger
        await BackgroundLoop.run(wake: wake) {
            do {
                try await sqs.advanceMoveTasks()
            } catch {
                logger.warning("SQS message move tasks: \(error)")
            }
            return .seconds(1)
        }
    }
}
