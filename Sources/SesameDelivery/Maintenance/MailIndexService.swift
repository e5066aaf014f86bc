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
///
/// Where several nodes share the store (PostgreSQL), any node may index a message, so this also
/// follows what every node indexes (`LISTEN`): a live view hears of mail whichever node took it.
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
        let workbench = self.workbench, logger = self.logger
        await withTaskGroup(of: Void.self) { group in
            // Several nodes: live views hear of mail whichever node indexed it.
            if workbench.needsFollowing { group.addTask { await Self.follow(workbench, logger: logger) } }
            await index()
            group.cancelAll()
        }
    }

    /// Indexes as the type's comment says, until graceful shutdown.
    func index() async {
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

    /// Follows what every node indexes until cancelled, listening again a second after the
    /// store's connection ends, five after a failure (a live view misses only what was indexed in
    /// between).
    static func follow(_ workbench: MailWorkbench, logger: Logger) async {
        while !Task.isCancelled {
            var pause = Duration.seconds(1)
            do {
                try await workbench.followIndexedMail()
            } catch  where !Task.isCancelled {
                logger.warning("following the captured-mail index failed (tried again in 5 s): \(error)")
                pause = .seconds(5)
            } catch {
                return
            }
            try? await Task.sleep(for: pause)
        }
    }
}
