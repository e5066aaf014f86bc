import Foundation
import HummingbirdBcrypt
public import SesameCore
public import SesameStorage

/// First start: creates the account, its root user and one root access key in an empty store.
public struct Bootstrap: Sendable {
    /// Values an operator may fix in advance (`SESAME_ACCOUNT_ID`, `SESAME_ROOT_*`); nil means generate.
    public struct Seed: Sendable {
        public var accountID: String?
        public var rootEmail: String?
        public var rootPassword: String?
        public var rootAccessKeyID: String?
        public var rootSecretAccessKey: String?

        public init(
            accountID: String? = nil, rootEmail: String? = nil, rootPassword: String? = nil,
            rootAccessKeyID: String? = nil, rootSecretAccessKey: String? = nil
        ) {
            self.accountID = accountID
            self.rootEmail = rootEmail
            self.rootPassword = rootPassword
            self.rootAccessKeyID = rootAccessKeyID
            self.rootSecretAccessKey = rootSecretAccessKey
        }
    }

    /// The root credentials as first created; secrets are present only where Sesame generated them.
    public struct Created: Sendable {
        public var accountID: String
        public var rootEmail: String
        public var rootPassword: String?
        public var accessKeyID: String
        public var secretAccessKey: String?
        /// Whether anything secret was generated (and so must be written down for the operator).
        public var generatedSomething: Bool
    }

    public struct Outcome: Sendable {
        public var account: Account
        /// Set on the start that created the account.
        public var created: Created?
        /// Things the operator should know (e.g. seed variables that differ from the store).
        public var warnings: [String]
    }

    let store: any Store
    let secrets: SecretBox
    let clock: any WallClock
    let passwordCost: UInt8

    public init(store: any Store, secrets: SecretBox, clock: any WallClock = SystemWallClock(), passwordCost: UInt8 = 10) {
        self.store = store
        self.secrets = secrets
        self.clock = clock
        self.passwordCost = passwordCost
    }

    static func validate(_ seed: Seed) throws(SesameError) {
        if let id = seed.accountID, id.count != 12 || !id.allSatisfy(\.isASCII) || !id.allSatisfy(\.isNumber) {
            throw SesameError(.validation, "SESAME_ACCOUNT_ID must be 12 digits, like 123456789012 (got '\(id)').")
        }
        if let email = seed.rootEmail, !email.contains("@") || email.count > 254 {
            throw SesameError(.validation, "SESAME_ROOT_EMAIL must be an email address (got '\(email)').")
        }
        if let password = seed.rootPassword, password.count < 8 {
            throw SesameError(.validation, "SESAME_ROOT_PASSWORD must be at least 8 characters.")
        }
        if let key = seed.rootAccessKeyID {
            let ok =
                key.count >= 16 && key.count <= 128
                && key.unicodeScalars.allSatisfy { ($0 >= "A" && $0 <= "Z") || ($0 >= "0" && $0 <= "9") }
            if !ok {
                throw SesameError(
                    .validation, "SESAME_ROOT_ACCESS_KEY_ID must be 16 to 128 characters of A-Z and 0-9, like AKIAIOSFODNN7EXAMPLE.")
            }
        }
        if let secret = seed.rootSecretAccessKey, secret.count < 16 || secret.count > 128 {
            throw SesameError(.validation, "SESAME_ROOT_SECRET_ACCESS_KEY must be 16 to 128 characters (AWS secrets are 40).")
        }
        if (seed.rootAccessKeyID == nil) != (seed.rootSecretAccessKey == nil) {
            throw SesameError(.validation, "Set both SESAME_ROOT_ACCESS_KEY_ID and SESAME_ROOT_SECRET_ACCESS_KEY, or neither.")
        }
    }

    public func run(seed: Seed) async throws -> Outcome {
        try Self.validate(seed)
        let secrets = self.secrets
        let fingerprint = secrets.fingerprint()
        if let existing = try await store.read({ session in try await session.account() }) {
            try await checkMasterKey(fingerprint)
            return Outcome(account: existing.account, created: nil, warnings: try await differences(seed, existing))
        }
        let accountID = seed.accountID ?? RandomIDs.accountID()
        let email = seed.rootEmail ?? "root@sesame.localhost"
        let password = seed.rootPassword ?? RandomIDs.password()
        let keyID = seed.rootAccessKeyID ?? RandomIDs.accessKeyID()
        let secret = seed.rootSecretAccessKey ?? RandomIDs.secretAccessKey()
        let now = Date(timeIntervalSince1970: clock.now().timeIntervalSince1970.rounded(.down))
        let account = Account(id: accountID, rootEmail: email, createdAt: now)
        let hash = Bcrypt.hash(password, cost: passwordCost)
        let sealed = try secrets.seal(secret, boundTo: keyID)
        let won = try await store.transaction { session -> Bool in
            // Another node may have bootstrapped between our read and this write.
            if try await session.account() != nil { return false }
            try await session.insertAccount(StoredAccount(account: account, rootPasswordHash: hash))
            try await session.putSetting("master_key_fingerprint", fingerprint)
            try await session.insertAccessKey(
                StoredAccessKey(
                    key: AccessKey(id: keyID, accountID: accountID, userID: nil, status: .active, createdAt: now),
                    encryptedSecret: sealed))
            return true
        }
        if !won { return try await run(seed: seed) }
        let created = Created(
            accountID: accountID, rootEmail: email,
            rootPassword: seed.rootPassword == nil ? password : nil,
            accessKeyID: keyID,
            secretAccessKey: seed.rootSecretAccessKey == nil ? secret : nil,
            generatedSomething: seed.rootPassword == nil || seed.rootSecretAccessKey == nil || seed.accountID == nil
                || seed.rootEmail == nil)
        return Outcome(account: account, created: created, warnings: [])
    }

    func checkMasterKey(_ fingerprint: String) async throws {
        let stored = try await store.read { session in try await session.setting("master_key_fingerprint") }
        if let stored, stored != fingerprint {
            throw SesameError(
                .internalFailure,
                "The master key does not match the one this store was created with. Use the original DATA/master.key or SESAME_MASTER_KEY; without it the stored secrets cannot be read."
            )
        }
    }

    func differences(_ seed: Seed, _ existing: StoredAccount) async throws -> [String] {
        var warnings: [String] = []
        if let id = seed.accountID, id != existing.account.id {
            warnings.append("SESAME_ACCOUNT_ID is ignored: this store already belongs to account \(existing.account.id).")
        }
        if let email = seed.rootEmail, email != existing.account.rootEmail {
            warnings.append("SESAME_ROOT_EMAIL is ignored: the root user of this store is \(existing.account.rootEmail).")
        }
        if let password = seed.rootPassword, !Bcrypt.verify(password, hash: existing.rootPasswordHash) {
            warnings.append("SESAME_ROOT_PASSWORD is ignored: it differs from the root password in the store.")
        }
        if let keyID = seed.rootAccessKeyID {
            let secrets = self.secrets
            let matches = try await store.read { session -> Bool in
                guard let stored = try await session.accessKey(id: keyID), stored.key.userID == nil else { return false }
                if let secret = seed.rootSecretAccessKey {
                    return (try? secrets.open(stored.encryptedSecret, boundTo: keyID)) == secret
                }
                return true
            }
            if !matches {
                warnings.append(
                    "SESAME_ROOT_ACCESS_KEY_ID/SESAME_ROOT_SECRET_ACCESS_KEY are ignored: they differ from the root access keys in the store."
                )
            }
        }
        return warnings
    }
}
