import Foundation
import Logging
import SesameBackend
import SesameServer

/// The store a data directory (or `--database-url`) names, opened for one command and closed
/// after; the command sees only the backend's use cases.
enum OfflineStore {
    /// The configuration naming that store: the options given, else SESAME_DATA_DIR and SESAME_DATABASE_URL.
    static func configuration(dataDir: String?, databaseURL: String?) -> SesameConfiguration {
        var configuration = SesameConfiguration()
        if let dir = dataDir ?? Environment.value("SESAME_DATA_DIR") { configuration.dataDirectory = dir }
        configuration.databaseURL = databaseURL ?? Environment.value("SESAME_DATABASE_URL")
        return configuration
    }

    static func with<R: Sendable>(dataDir: String?, databaseURL: String?, _ body: (StoreOperations) async throws -> R) async throws -> R {
        let configuration = configuration(dataDir: dataDir, databaseURL: databaseURL)
        var logger = Logger(label: "sesame")
        logger.logLevel = .warning
        return try await Sesame.withOperations(configuration, logger: logger, body)
    }
}
