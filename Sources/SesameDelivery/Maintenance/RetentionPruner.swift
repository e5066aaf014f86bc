public import Foundation
public import Logging
public import ServiceLifecycle
public import SesameBackend
import SesameConcurrency

/// Prunes the store as the retention settings say, every `interval`, in small batches. Several
/// nodes may prune at once: each batch removes rows the others then do not find.
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
        await BackgroundLoop.run(wake: WakeSignal()) {
            do {
                let report = try await operations.prune(retention, now: Date())
                if report != PruneReport() {
                    logger.info(
                        "pruned the store",
                        metadata: ["messages": "\(report.messages)", "events": "\(report.events)", "received": "\(report.received)"])
                }
            } catch {
                logger.warning("pruning the store failed (tried again later): \(error)")
            }
            return retention.interval
        }
    }
}
