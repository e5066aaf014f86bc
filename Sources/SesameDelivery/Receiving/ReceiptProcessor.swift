public import Foundation
public import Logging
public import ServiceLifecycle
public import SesameBackend
import SesameConcurrency
import SesameCore

/// Runs the receipt rules of received mail in the background: it claims a stored message (one
/// node at a time holds it), and the backend computes its verdicts and works through its
/// actions. It wakes when a listener stores mail, and every second for retries that fall due.
public final class ReceiptProcessor: Service, Sendable {
    let ses: SESBackend
    let checks: any ReceiptChecks
    let storage: (any ObjectStorage)?
    let settings: SESBackend.ReceiptSettings
    let owner: String
    let logger: Logger

    public init(
        ses: SESBackend, checks: any ReceiptChecks, storage: (any ObjectStorage)?, settings: SESBackend.ReceiptSettings, logger: Logger
    ) {
        self.ses = ses
        self.checks = checks
        self.storage = storage
        self.settings = settings
        self.owner = "\(ProcessInfo.processInfo.hostName)/\(getpid())/receiving/\(UUID().uuidString.prefix(8))"
        self.logger = logger
    }

    public func run() async throws {
        let ses = self.ses, owner = self.owner, checks = self.checks, storage = self.storage, settings = self.settings
        let logger = self.logger
        await BackgroundLoop.run(wake: ses.inboundArrived) {
            do {
                if let message = try await ses.claimReceivedMessage(owner: owner, lease: settings.lease) {
                    try await ses.processReceived(message, owner: owner, checks: checks, storage: storage, settings: settings)
                    return nil
                }
            } catch {
                logger.warning("receiving: \(error)")
            }
            return .seconds(1)
        }
    }
}
