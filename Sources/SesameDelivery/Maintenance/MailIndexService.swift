public import Logging
public import ServiceLifecycle
public import SesameBackend
import SesameConcurrency

/// Keeps the captured-mail index up to date: every quarter second it indexes what the
/// accepting paths noted (searches also catch up first, so this only keeps live views prompt).
public struct MailIndexService: Service {
    let workbench: MailWorkbench
    let logger: Logger

    public init(workbench: MailWorkbench, logger: Logger) {
        self.workbench = workbench
        self.logger = logger
    }

    public func run() async throws {
        let workbench = self.workbench, logger = self.logger
        await BackgroundLoop.run(wake: WakeSignal()) {
            do {
                try await workbench.catchUp()
                return .milliseconds(250)
            } catch {
                logger.warning("indexing captured mail failed (tried again in 5 s): \(error)")
                return .seconds(5)
            }
        }
    }
}
