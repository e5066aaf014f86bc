public import Logging
public import ServiceLifecycle
public import SesameBackend
import SesameConcurrency

/// Keeps the captured-mail index up to date: every quarter second it indexes what the
/// accepting paths noted, a few batches at a time, while no accepted mail was committed in the
/// last half second. Indexing needs the store's writer, and accepting mail comes first. While
/// mail keeps coming, it indexes one batch a second, and only when a live view (the console's,
/// Mailpit's event stream) is listening, so a steady stream still shows up live and a burst with
/// nobody watching costs nothing. Searches catch up first anyway: this only keeps live views prompt.
public struct MailIndexService: Service {
    let workbench: MailWorkbench
    let busy: @Sendable () -> Bool
    let logger: Logger
    /// How often a live view gets news while mail keeps coming.
    let busyInterval: Duration

    public init(
        workbench: MailWorkbench, busy: @escaping @Sendable () -> Bool, busyInterval: Duration = .seconds(1), logger: Logger
    ) {
        self.workbench = workbench
        self.busy = busy
        self.busyInterval = busyInterval
        self.logger = logger
    }

    public func run() async throws {
        let workbench = self.workbench, busy = self.busy, logger = self.logger, busyInterval = self.busyInterval
        let lastIndexed = Locked(ContinuousClock.now)
        await BackgroundLoop.run(wake: WakeSignal()) {
            do {
                let now = ContinuousClock.now
                if !busy() {
                    try await workbench.catchUp(maxBatches: 5)
                    lastIndexed.withLock { $0 = now }
                } else if workbench.hasLiveViewers, now - lastIndexed.withLock({ $0 }) >= busyInterval {
                    try await workbench.catchUp(maxBatches: 1)
                    lastIndexed.withLock { $0 = now }
                }
                return .milliseconds(250)
            } catch {
                logger.warning("indexing captured mail failed (tried again in 5 s): \(error)")
                return .seconds(5)
            }
        }
    }
}
