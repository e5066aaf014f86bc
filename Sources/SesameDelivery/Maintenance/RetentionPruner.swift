public import Foundation
public import Logging
public import ServiceLifecycle
public import SesameBackend
import SesameConcurrency

/// Prunes the store as the retention settings say, every `interval`, in small batches, on one
/// node at a time (`JobLease`).
public struct RetentionPruner: Service {
    let operations: StoreOperations
    let retention: RetentionSettings
    let logger: Logger

    public init(operations: StoreOperations, retention: RetentionSettings, logger: Logger) {
        self.operations = operations
        self.retention = retention
        self.logger = logger
    }

    public func run() async throws {
        let operations = self.operations, retention = self.retention, logger = self.logger
        let interval = Double(retention.interval.components.seconds) + Double(retention.interval.components.attoseconds) / 1e18
        let lease = JobLease(operations: operations, job: "retention", duration: max(3 * interval, 1))
        await BackgroundLoop.run(wake: WakeSignal()) {
            // One node prunes at a time.
            guard await lease.held() else { return retention.interval }
            do {
                let report = try await operations.prune(retention, now: Date())
                if report != PruneReport() {
                    logger.info(
                        "pruned the store",
                        metadata: [
                            "messages": "\(report.messages)", "events": "\(report.events)", "received": "\(report.received)",
                            "suppressed": "\(report.suppressed)",
                        ])
                }
            } catch {
                logger.warning("pruning the store failed (tried again later): \(error)")
            }
            return retention.interval
        }
        await lease.release()
    }
}
