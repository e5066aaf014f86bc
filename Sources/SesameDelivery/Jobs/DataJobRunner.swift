public import Foundation
public import Logging
public import ServiceLifecycle
public import SesameBackend
import SesameConcurrency
import SesameCore

/// Runs SES v2 import and export jobs in the background, one at a time per node; several nodes
/// on one store share the work (each job is claimed by one). Without an object storage configured
/// (`--s3-endpoint` or `--s3-directory`) jobs fail with a message that says so.
public final class DataJobRunner: Service, Sendable {
    let ses: SESBackend
    let storage: (any ObjectStorage)?
    let owner: String
    let logger: Logger

    public init(ses: SESBackend, storage: (any ObjectStorage)?, logger: Logger) {
        self.ses = ses
        self.storage = storage
        self.owner = "\(ProcessInfo.processInfo.hostName)/\(getpid())/jobs"
        self.logger = logger
    }

    public func run() async throws {
        let ses = self.ses, owner = self.owner, storage = self.storage, logger = self.logger
        await BackgroundLoop.run(wake: ses.jobsWaiting) {
            do {
                if let job = try await ses.claimDataJob(owner: owner) {
                    await ses.runDataJob(job, storage: storage ?? Unconfigured())
                    return nil
                }
            } catch {
                logger.warning("import/export jobs: \(error)")
            }
            return .seconds(2)
        }
        if let s3 = storage as? S3ObjectStorage { await s3.shutdown() }
    }

    struct Unconfigured: ObjectStorage {
        static let message =
            "This Sesame node has no place for import and export files: start it with --s3-endpoint (an S3-compatible endpoint) or --s3-directory (a local directory)."
        func get(bucket: String, key: String) async throws -> [UInt8] { throw SesameError(.invalidParameterValue, Self.message) }
        func put(bucket: String, key: String, bytes: [UInt8], contentType: String) async throws {
            throw SesameError(.invalidParameterValue, Self.message)
        }
    }
}
