import Foundation
import Logging
import SesameBackend
import SesameServer

/// The store a data directory (or `--database-url`) names, opened for one command and closed
/// after; the command sees only the backend's use cases.
enum OfflineStore {
    static func with<R: Sendable>(dataDir: String?, databaseURL: String?, _ body: (StoreOperations) async throws -> R) async throws -> R {
        var configuration = SesameConfiguration()
        if let dir = dataDir ?? Environment.value("SESAME_DATA_DIR") { configuration.dataDirectory = dir }
        configuration.databaseURL = databaseURL ?? Environment.value("SESAME_DATABASE_URL")
        var logger = Logger(label: "sesame")
        logger.logLevel = .warning
        return try await Sesame.withOperations(configuration, logger: logger, body)
    }
}
