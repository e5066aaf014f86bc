import Foundation
import Logging
import SesameServer
import SesameStorage

/// The store a data directory (or `--database-url`) names, opened for one command and closed after.
enum OfflineStore {
    static func with<R: Sendable>(dataDir: String?, databaseURL: String?, _ body: (any Store) async throws -> R) async throws -> R {
        var configuration = SesameConfiguration()
        if let dir = dataDir ?? Environment.value("SESAME_DATA_DIR") { configuration.dataDirectory = dir }
        configuration.databaseURL = databaseURL ?? Environment.value("SESAME_DATABASE_URL")
        var logger = Logger(label: "sesame")
        logger.logLevel = .warning
        let store = try await Sesame.openMigratedStore(configuration, logger: logger)
        do {
            let result = try await body(store)
            await store.shutdown()
            return result
        } catch {
            await store.shutdown()
            throw error
        }
    }
}
