public import Logging
public import ServiceLifecycle
public import SesameBackend
import SesameConcurrency

/// Keeps the captured-mail index up to date: every quarter second it indexes what the
/// accepting paths noted, a few batches at a time, and only while no accepted mail was committed
/// in the last half second. Indexing needs the store's writer, and accepting mail comes first;
/// a burst is indexed once it is over (searches catch up first anyway, so this only keeps live
/// views prompt).
public struct MailIndexService: Service {
    let workbench: MailWorkbench
    let busy: @Sendable () -> Bool
    let logger: Logger

    public init(workbench: MailWorkbench, busy: @escaping @Sendable () -> Bool, logger: Logger) {
        self.workbench = workbench
        self.busy = busy
        self.logger = logger
    }

    public func run() async throws {
        let workbench = self.workbench, busy = self.busy, logger = self.logger
        await BackgroundLoop.run(wake: WakeSignal()) {
            do {
                if !busy() { try await workbench.catchUp(maxBatches: 5) }
                return .milliseconds(250)
            } catch {
                logger.warning("indexing captured mail failed (tried again in 5 s): \(error)")
                return .seconds(5)
            }
        }
    }
}
