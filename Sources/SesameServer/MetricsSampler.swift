import Foundation
import Logging
import Metrics
import ServiceLifecycle
import SesameBackend
import SesameConcurrency
import SesameStorage

/// Reads the store's backlogs every few seconds into gauges, so a scrape costs nothing:
/// `sesame_queue_recipients` (waiting for delivery), `sesame_queue_oldest_due_seconds` (how long
/// the oldest due recipient has waited past its time), `sesame_sns_outbox_posts`,
/// `sesame_sqs_messages`, `sesame_received_pending`.
struct MetricsSampler: Service {
    let operations: StoreOperations
    let interval: Duration
    let logger: Logger

    func run() async throws {
        let queued = Gauge(label: "sesame_queue_recipients")
        let oldest = Gauge(label: "sesame_queue_oldest_due_seconds")
        let outbox = Gauge(label: "sesame_sns_outbox_posts")
        let sqs = Gauge(label: "sesame_sqs_messages")
        let received = Gauge(label: "sesame_received_pending")
        let operations = self.operations, interval = self.interval, logger = self.logger
        await BackgroundLoop.run(wake: WakeSignal()) {
            do {
                let backlog = try await operations.backlog(now: Date())
                queued.record(backlog.queued)
                oldest.record(backlog.oldestDueAge)
                outbox.record(backlog.snsOutbox)
                sqs.record(backlog.sqsMessages)
                received.record(backlog.receivedPending)
            } catch {
                logger.debug("metrics: backlog not read: \(error)")
            }
            return interval
        }
    }
}
