import Foundation
import Logging
import PostgresKit
import SesameBackend
import SesameCore
import SesamePostgres
import SesameSQLite
import SesameStorage
import Testing

/// The engines every storage test runs against.
enum Engine: String, CaseIterable, Sendable, CustomStringConvertible {
    case sqlite, postgres
    var description: String { rawValue }
}

/// Opens a fresh, migrated store on an engine: a new SQLite file, or a new PostgreSQL database
/// on the server named by `SESAME_TEST_POSTGRES_URL` (scripts/test starts one).
struct StoreFixture {
    let store: any Store
    let cleanup: @Sendable () async -> Void
    /// PostgreSQL: the database's URL, for a second store on it (another node).
    var databaseURL: String? = nil

    static let logger: Logger = {
        var logger = Logger(label: "sesame-tests")
        logger.logLevel = .warning
        return logger
    }()

    static func postgresAdminURL() throws -> String {
        guard let url = ProcessInfo.processInfo.environment["SESAME_TEST_POSTGRES_URL"], !url.isEmpty else {
            throw FixtureError(
                "SESAME_TEST_POSTGRES_URL is not set. Run scripts/test (it starts a throwaway PostgreSQL), or point it at a server where you may create databases."
            )
        }
        return url
    }

    struct FixtureError: Error, CustomStringConvertible {
        let description: String
        init(_ d: String) { description = d }
    }

    static func make(_ engine: Engine) async throws -> StoreFixture {
        switch engine {
        case .sqlite:
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sesame-store-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            let source = try await SQLiteSource.open(path: dir.appendingPathComponent("sesame.sqlite").path, logger: logger)
            let store = SQLStore(source: source, logger: logger)
            try await store.migrate()
            return StoreFixture(store: store) {
                await store.shutdown()
                try? FileManager.default.removeItem(at: dir)
            }
        case .postgres:
            let admin = try postgresAdminURL()
            let name = "sesame_test_\(UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(16))"
            try await adminExecute(admin, "CREATE DATABASE \(name)")
            var components = URLComponents(string: admin)!
            components.path = "/" + name
            let source = try PostgresSource(url: components.string!, maxConnections: 4, logger: logger)
            let store = SQLStore(source: source, logger: logger)
            try await store.migrate()
            return StoreFixture(
                store: store,
                cleanup: {
                    await store.shutdown()
                    try? await adminExecute(admin, "DROP DATABASE IF EXISTS \(name)")
                }, databaseURL: components.string!)
        }
    }

    static func adminExecute(_ url: String, _ sql: String) async throws {
        let source = try PostgresSource(url: url, maxConnections: 1, logger: logger)
        do {
            try await source.execute(sql)
        } catch {
            await source.shutdown()
            throw error
        }
        await source.shutdown()
    }

    /// A store with an account bootstrapped, plus an IAM backend over it.
    static func withIAM(
        _ engine: Engine, _ body: (IAMBackend, Account, any Store) async throws -> Void
    ) async throws {
        let fixture = try await make(engine)
        do {
            let secrets = try SecretBox(masterKey: SecretBox.generateMasterKey())
            let outcome = try await Bootstrap(store: fixture.store, secrets: secrets, passwordCost: 4)
                .run(seed: .init(accountID: "123456789012", rootEmail: "root@example.com", rootPassword: "correct horse battery"))
            let credentials = CredentialResolver(store: fixture.store, secrets: secrets, logger: logger)
            var iam = IAMBackend(store: fixture.store, secrets: secrets, credentials: credentials)
            iam.passwordCost = 4
            try await body(iam, outcome.account, fixture.store)
        } catch {
            await fixture.cleanup()
            Issue.record("\(String(reflecting: error))")
            throw error
        }
        await fixture.cleanup()
    }
}
