public import Foundation
public import SesameCore

/// An access key as stored: metadata plus the secret, encrypted at rest.
public struct StoredAccessKey: Sendable, Equatable {
    public var key: AccessKey
    /// Base64 of AES-GCM nonce + ciphertext + tag (see `SecretBox` in SesameBackend).
    public var encryptedSecret: String

    public init(key: AccessKey, encryptedSecret: String) {
        self.key = key
        self.encryptedSecret = encryptedSecret
    }
}

/// The account row with the root user's console password hash.
public struct StoredAccount: Sendable, Equatable {
    public var account: Account
    public var rootPasswordHash: String

    public init(account: Account, rootPasswordHash: String) {
        self.account = account
        self.rootPasswordHash = rootPasswordHash
    }
}

/// Raised by a store when a unique constraint refuses a write (a concurrent writer got there first).
public struct StoreConflict: Error, Sendable {
    public var detail: String
    public init(detail: String) { self.detail = detail }
}

/// The engines Sesame stores its state in; the raw value names them in banners and logs.
public enum StorageEngine: String, Sendable {
    case sqlite
    case postgresql
}

/// Sesame's persistent state. One implementation serves SQLite and PostgreSQL (see `SQLStore`);
/// adapters differ only in how they open connections.
public protocol Store: Sendable {
    /// Which engine keeps the data.
    var engine: StorageEngine { get }
    /// Where the data lives, for the banner (a path or `host:port/db`, never a password).
    var location: String { get }
    /// Runs `body` in a read transaction.
    func read<R: Sendable>(_ body: @escaping @Sendable (any StoreSession) async throws -> R) async throws -> R
    /// Runs `body` in a write transaction, committed (durably) before this returns.
    func write<R: Sendable>(_ body: @escaping @Sendable (any StoreSession) async throws -> R) async throws -> R
    /// Stores messages without queue rows or events as one statement that is its own
    /// transaction, committed (durably) before this returns: the quickest way in for a batch of
    /// accepted messages. Their recipients count toward the quota in the same commit.
    func appendMessages(_ messages: [StoredMessage]) async throws
    /// Whether this process is the only one that stores messages (SQLite, in its data directory):
    /// a recipient count read from the store, plus what the process stored since, is then an
    /// upper bound of the count in the store.
    var hasSingleWriter: Bool { get }
    /// Where write transactions run, if the engine has a place of its own for them (SQLite's
    /// writer loop): a task that mostly writes starts there and saves a hand-off per write.
    var writeExecutor: (any TaskExecutor)? { get }
    /// Hands `handle` the IDs of messages any node added to the captured-mail index, as each
    /// indexing transaction commits, until the task is cancelled or the store's connection fails.
    /// Only where several processes write the store (`hasSingleWriter` false): with one writer the
    /// indexer knows what it added, and this returns at once.
    func followIndexedMail(_ handle: @escaping @Sendable ([String]) async -> Void) async throws
    /// Applies pending migrations; safe to call from several nodes at once.
    func migrate() async throws
    func shutdown() async
}

/// The operations available inside one transaction: every area's records. A backend that needs
/// one area can be written (and tested) against that protocol alone.
public protocol StoreSession: AccountRecords, IAMRecords, PolicyRecords, STSRecords, IdentityProviderRecords, SESRecords, ReceivingRecords,
    QueueRecords,
    SNSRecords, SQSRecords, ConsoleRecords, MaintenanceRecords, WorkbenchRecords
{}

/// A signed-in console session: root (`userID` nil) or an IAM user.
public struct ConsoleSessionRecord: Sendable, Equatable {
    public var tokenHash: String
    public var userID: String?
    public var csrf: String
    public var createdAt: Date
    public var lastSeenAt: Date

    public init(tokenHash: String, userID: String?, csrf: String, createdAt: Date, lastSeenAt: Date) {
        self.tokenHash = tokenHash
        self.userID = userID
        self.csrf = csrf
        self.createdAt = createdAt
        self.lastSeenAt = lastSeenAt
    }
}
