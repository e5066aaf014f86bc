public import Foundation
public import Logging
public import ServiceLifecycle
public import SesameBackend
import SesameConcurrency
import SesameCore

/// Runs the receipt rules of received mail in the background: it claims stored messages (one
/// node at a time holds each), and the backend computes their verdicts and works through their
/// actions, several messages at once. It wakes when a listener stores mail, and every second for retries that fall due.
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
            // Up to `concurrency` messages at a time: their DNS lookups and S3 writes overlap.
            var claimed: [ReceivedMessage] = []
            do {
                claimed = try await ses.claimReceivedMessages(owner: owner, lease: settings.lease, limit: settings.concurrency)
            } catch {
                logger.warning("receiving: \(error)")
            }
            guard !claimed.isEmpty else { return .seconds(1) }
            await withTaskGroup(of: Void.self) { group in
                for message in claimed {
                    group.addTask {
                        do {
                            try await ses.processReceived(message, owner: owner, checks: checks, storage: storage, settings: settings)
                        } catch {
                            logger.warning("receiving \(message.id): \(error)")
                        }
                    }
                }
            }
            return nil
        }
    }
}
