import Foundation
import SesameCore

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

/// Sesame's persistent state. One implementation serves SQLite and PostgreSQL (see `SQLStore`);
/// adapters differ only in how they open connections.
public protocol Store: Sendable {
    /// A short name for banners and logs: `sqlite` or `postgresql`.
    var engine: String { get }
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
    /// Applies pending migrations; safe to call from several nodes at once.
    func migrate() async throws
    func shutdown() async
}

/// The operations available inside one transaction.
public protocol StoreSession: Sendable {
    // Account and settings
    func account() async throws -> StoredAccount?
    func insertAccount(_ account: StoredAccount) async throws
    func updateRootPasswordHash(_ hash: String) async throws
    func setting(_ key: String) async throws -> String?
    func putSetting(_ key: String, _ value: String) async throws

    // Users
    func user(named name: String) async throws -> IAMUser?
    func user(id: String) async throws -> IAMUser?
    /// Users ordered by lowercased name, starting after `afterName` (lowercased), at most `limit`.
    func users(pathPrefix: String, afterName: String?, limit: Int) async throws -> [IAMUser]
    func userCount() async throws -> Int
    func insertUser(_ user: IAMUser) async throws
    func updateUser(id: String, name: String, path: String) async throws
    func deleteUser(id: String) async throws
    func tags(userID: String) async throws -> [Tag]
    func putTags(userID: String, _ tags: [Tag]) async throws
    func removeTags(userID: String, keys: [String]) async throws

    // Access keys
    func accessKey(id: String) async throws -> StoredAccessKey?
    /// The keys of a user, or of the root user when `userID` is nil, oldest first.
    func accessKeys(userID: String?) async throws -> [StoredAccessKey]
    func insertAccessKey(_ key: StoredAccessKey) async throws
    func updateAccessKeyStatus(id: String, _ status: AccessKeyStatus) async throws
    func deleteAccessKey(id: String) async throws
    func recordAccessKeyUse(id: String, at: Date, service: String, region: String) async throws

    // Console passwords
    func loginProfile(userID: String) async throws -> LoginProfile?
    func putLoginProfile(_ profile: LoginProfile) async throws
    func deleteLoginProfile(userID: String) async throws
    func recordPasswordUse(userID: String, at: Date) async throws

    // Policies
    func inlinePolicies(userID: String) async throws -> [InlinePolicy]
    func putInlinePolicy(userID: String, _ policy: InlinePolicy) async throws
    func deleteInlinePolicy(userID: String, name: String) async throws
    func attachedPolicyARNs(userID: String) async throws -> [String]
    func attachPolicy(userID: String, arn: String, at: Date) async throws
    func detachPolicy(userID: String, arn: String) async throws
    func attachmentCount(policyARN: String) async throws -> Int

    // SES identities
    func identity(region: String, name: String) async throws -> Identity?
    /// Identities of a region ordered by name, after `afterName`, at most `limit`.
    func identities(region: String, kind: Identity.Kind?, afterName: String?, limit: Int) async throws -> [Identity]
    func putIdentity(_ identity: Identity) async throws
    func deleteIdentity(region: String, name: String) async throws

    // Accepted messages
    func insertMessage(_ message: StoredMessage) async throws
    /// Messages oldest first, optionally one ID or one envelope sender.
    func messages(id: String?, source: String?, limit: Int) async throws -> [StoredMessage]
    /// One page of messages without their content, oldest first (or newest first), strictly
    /// after `cursor` in that order, optionally of one envelope sender.
    func messageSummaries(source: String?, after cursor: MessageCursor?, newestFirst: Bool, limit: Int) async throws -> [MessageSummary]
    /// The messages with these IDs (those that exist).
    func messages(ids: [String]) async throws -> [StoredMessage]
    func deleteMessages(id: String?) async throws
    /// Recipients of messages accepted in `region` since `since` (for the 24-hour quota).
    func recipientsAccepted(region: String, since: Date) async throws -> Int

    // SES templates and configuration sets
    func template(region: String, name: String) async throws -> EmailTemplate?
    func templates(region: String, afterName: String?, limit: Int) async throws -> [EmailTemplate]
    /// Inserts, or replaces when `replace` is set; returns false if it exists and `replace` is not set.
    func putTemplate(region: String, _ template: EmailTemplate, replace: Bool) async throws -> Bool
    func deleteTemplate(region: String, name: String) async throws
    func configurationSetExists(region: String, name: String) async throws -> Bool
    func configurationSets(region: String, afterName: String?, limit: Int) async throws -> [(name: String, createdAt: Date)]
    func insertConfigurationSet(region: String, name: String, at: Date) async throws -> Bool
    func deleteConfigurationSet(region: String, name: String) async throws
    /// (bucket start in epoch milliseconds, recipients) per `bucket` since `since`, for statistics.
    func recipientBuckets(region: String, since: Date, bucketMillis: Int64) async throws -> [(Int64, Int)]

    // Suppression list (addresses lowercased)
    func suppressed(region: String, address: String) async throws -> (reason: String, updatedAt: Date)?
    func suppressedList(region: String, reason: String?, afterAddress: String?, limit: Int) async throws -> [(address: String, reason: String, updatedAt: Date)]
    func putSuppressed(region: String, address: String, reason: String, at: Date) async throws
    func deleteSuppressed(region: String, address: String) async throws

    /// Inserts several messages with one statement (the group-commit path).
    func insertMessages(_ messages: [StoredMessage]) async throws
    /// Names of the configuration sets of a region (for the send-path cache).
    func allConfigurationSetNames(region: String) async throws -> [String]

    // SMTP login failures and the keys that once existed (for their diagnosis)
    func insertAuthFailure(_ failure: SMTPAuthFailure) async throws
    /// Newest first; only those about one IAM user when `userName` is given.
    func authFailures(userName: String?, limit: Int) async throws -> [SMTPAuthFailure]
    /// Drops failures older than `before`.
    func pruneAuthFailures(before: Date) async throws
    /// A deleted access key's owner and deletion time, if the key once existed.
    func deletedAccessKey(id: String) async throws -> (userName: String?, deletedAt: Date)?

    // Console sessions (the token is stored only as its hash)
    func insertConsoleSession(_ session: ConsoleSessionRecord) async throws
    func consoleSession(tokenHash: String) async throws -> ConsoleSessionRecord?
    func touchConsoleSession(tokenHash: String, at: Date) async throws
    func deleteConsoleSession(tokenHash: String) async throws
    /// Ends every session of a user (when the user is deleted) and those idle since `idleBefore`.
    func deleteConsoleSessions(userID: String?, idleBefore: Date?) async throws

    // The delivery queue (one row per recipient) and delivery events
    /// Leases up to `limit` due recipients to `owner` until `leaseUntil`, counting an attempt for
    /// each. Rows leased by another node are skipped (PostgreSQL: `FOR UPDATE SKIP LOCKED`);
    /// rows whose lease ran out are due again.
    func claimDeliveries(owner: String, now: Date, leaseUntil: Date, limit: Int) async throws -> [QueuedRecipient]
    /// Writes the outcomes of leased rows (state, next attempt, last reply) and ends their
    /// leases, in one statement per few hundred rows. Returns the rows written, as
    /// `QueuedRecipient.key`s; a row no longer leased to `owner` is left alone.
    func completeDeliveries(_ rows: [QueuedRecipient], owner: String) async throws -> Set<String>
    /// Queue rows, oldest first: one message's, or those in one state.
    func queueEntries(messageID: String?, state: DeliveryState?, limit: Int) async throws -> [QueuedRecipient]
    /// Makes queued rows due now (one message's, or all); returns how many.
    func retryDeliveries(messageID: String?, now: Date) async throws -> Int
    /// Removes a message's queued rows (nothing more is delivered); returns how many.
    func deleteDeliveries(messageID: String) async throws -> Int
    /// Counts of rows per state.
    func queueCounts() async throws -> [DeliveryState: Int]
    func insertEvents(_ events: [DeliveryEvent]) async throws
    // DKIM signing keys (deleted with their domain identity)
    func dkimKey(region: String, domain: String) async throws -> DkimSigningKey?
    func putDkimKey(_ key: DkimSigningKey) async throws
    func deleteDkimKey(region: String, domain: String) async throws

    // SNS
    func insertTopic(_ topic: SNSTopic) async throws
    func topic(arn: String) async throws -> SNSTopic?
    func topics(region: String) async throws -> [SNSTopic]
    /// Deletes the topic and its subscriptions.
    func deleteTopic(arn: String) async throws
    func insertSubscription(_ subscription: SNSSubscription) async throws
    func subscription(arn: String) async throws -> SNSSubscription?
    func subscriptions(topicARN: String) async throws -> [SNSSubscription]
    func confirmSubscription(arn: String) async throws
    func deleteSubscription(arn: String) async throws
    func insertOutbox(_ items: [SNSOutboxItem]) async throws
    /// Leases due pending posts, like `claimDeliveries`.
    func claimOutbox(owner: String, now: Date, leaseUntil: Date, limit: Int) async throws -> [SNSOutboxItem]
    /// Writes a post's outcome if it is still leased to `owner`.
    func completeOutbox(_ item: SNSOutboxItem, owner: String) async throws
    /// Newest first.
    func outbox(limit: Int) async throws -> [SNSOutboxItem]

    // SES notification settings
    func putNotificationTopic(_ setting: NotificationTopicSetting) async throws
    func deleteNotificationTopic(region: String, identity: String, kind: String) async throws
    func notificationTopics(region: String, identities: [String]) async throws -> [NotificationTopicSetting]
    /// Whether the region has any notification topic or event destination.
    func hasNotificationSettings(region: String) async throws -> Bool
    func putEventDestination(_ destination: EventDestination) async throws
    func eventDestinations(region: String, configurationSet: String) async throws -> [EventDestination]
    func deleteEventDestination(region: String, configurationSet: String, name: String) async throws
    /// Events, oldest first: one message's, or all.
    func events(messageID: String?, limit: Int) async throws -> [DeliveryEvent]
}

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
