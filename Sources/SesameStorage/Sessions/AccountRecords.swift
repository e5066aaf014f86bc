import Foundation
import SesameCore

/// The account and node settings, inside a transaction.
public protocol AccountRecords: Sendable {
    // Account and settings
    func account() async throws -> StoredAccount?
    func insertAccount(_ account: StoredAccount) async throws
    func updateRootPasswordHash(_ hash: String) async throws
    func setting(_ key: String) async throws -> String?
    func putSetting(_ key: String, _ value: String) async throws
}
