@preconcurrency import Crypto
public import Foundation
import HummingbirdBcrypt
import SesameConcurrency
public import SesameCore
public import SesameStorage

/// Console sign-in and sessions. A session token is random, handed to the browser once, and
/// stored only as its SHA-256; each session has its own CSRF token. Sessions end after an idle
/// period, after an absolute lifetime, at sign-out, and when their IAM user is deleted, its
/// console password changed or removed.
public final class ConsoleSessions: Sendable {
    /// Who is signed in, with the policies that decide what each page may do.
    public struct SignedIn: Sendable {
        public var caller: Caller
        public var csrf: String
        public var tokenHash: String
        /// `root` or the IAM user's name, for the page header.
        public var displayName: String
        /// The user must choose a new password before anything else (its login profile says so).
        public var passwordResetRequired = false
    }

    let store: any Store
    let clock: any WallClock
    public let idleTimeout: TimeInterval
    public let absoluteTimeout: TimeInterval
    /// Recent failed sign-ins per client address (`address …`) and per user (`user …`).
    let failures = Locked<[String: [Date]]>([:])
    /// A hash to compare against when the user does not exist: made at the cost real passwords
    /// are hashed with, so both cases take as long.
    let dummyHash: String
    /// Failed sign-ins within `failureWindow` after which a user name is refused, even with the
    /// right password, until the failures age out; and the same for a client address.
    /// HTTP Basic credentials that matched the root user lately, until when: clients send them
    /// on every request, and bcrypt on each would make every request slow. The key hashes the
    /// stored password hash with what was sent, so a changed password misses at once.
    let verifiedBasic = Locked<[String: Date]>([:])
    static let basicVerifiedFor: TimeInterval = 300
    static let basicVerifiedLimit = 64
    /// How many times `verifyRoot` ran bcrypt (tests check the cache with it).
    let rootPasswordChecks = Locked(0)
    public static let userFailureLimit = 10
    public static let addressFailureLimit = 30
    static let failureWindow: TimeInterval = 900

    public init(
        store: any Store, clock: any WallClock, idleTimeout: TimeInterval = 3600, absoluteTimeout: TimeInterval = 12 * 3600,
        passwordCost: UInt8 = 10
    ) {
        self.store = store
        self.clock = clock
        self.idleTimeout = idleTimeout
        self.absoluteTimeout = absoluteTimeout
        self.dummyHash = Bcrypt.hash("not a password", cost: passwordCost)
    }

    static func hash(_ token: String) -> String {
        SHA256.hash(data: Array(token.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    public static func randomToken() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
        return Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func throttled() -> SesameError {
        SesameError(.throttling, "Too many failed sign-in attempts. Wait 15 minutes, then try again.")
    }

    func recent(_ key: String, now: Date) -> Int {
        failures.withLock { table in (table[key] ?? []).count { now.timeIntervalSince($0) < Self.failureWindow } }
    }

    /// Refuses at once while the address or the user name has failed too often (parallel
    /// guesses get no answer either way).
    func checkThrottle(source: String, user: String) throws(SesameError) {
        let now = clock.now()
        if recent("address \(source)", now: now) >= Self.addressFailureLimit || recent("user \(user)", now: now) >= Self.userFailureLimit {
            throw Self.throttled()
        }
    }

    /// Records a failure for the address and the user name, then slows the address: nothing for
    /// the first three failures in 15 minutes, then half a second more for each (up to 5 s).
    func failed(source: String, user: String) async {
        let now = clock.now()
        let count = failures.withLock { table -> Int in
            if table.count > 10_000 { table.removeAll() }
            var counts: [Int] = []
            for key in ["address \(source)", "user \(user)"] {
                var recent = (table[key] ?? []).filter { now.timeIntervalSince($0) < Self.failureWindow }
                recent.append(now)
                table[key] = recent
                counts.append(recent.count)
            }
            return counts[0]
        }
        if count > 3 { try? await Task.sleep(for: .milliseconds(500 * min(count - 3, 10))) }
    }

    /// Signs in the root user by email and password; nil when they do not match. Throws
    /// `throttling` while the address or the user has failed too often.
    public func signInRoot(email: String, password: String, source: String) async throws -> (token: String, SignedIn)? {
        let user = "root " + email.trimmingSpaces.lowercased()
        try checkThrottle(source: source, user: user)
        guard let stored = try await store.read({ try await $0.account() }) else { return nil }
        let emailMatches = stored.account.rootEmail.lowercased() == email.trimmingSpaces.lowercased()
        let passwordMatches = await PasswordHashing.verify(password, hash: emailMatches ? stored.rootPasswordHash : dummyHash)
        guard emailMatches && passwordMatches else {
            await failed(source: source, user: user)
            return nil
        }
        return try await start(userID: nil)
    }

    /// Whether the root user's email and password match, without starting a session (HTTP Basic
    /// credentials on the captured-mail APIs); throttled like sign-ins.
    public func verifyRoot(email: String, password: String, source: String) async throws -> Bool {
        let user = "root " + email.trimmingSpaces.lowercased()
        try checkThrottle(source: source, user: user)
        guard let stored = try await store.read({ try await $0.account() }) else { return false }
        let key = Self.hash([stored.rootPasswordHash, email.trimmingSpaces.lowercased(), password].joined(separator: "\u{0}"))
        let now = clock.now()
        if verifiedBasic.withLock({ $0[key].map { now < $0 } ?? false }) { return true }
        let emailMatches = stored.account.rootEmail.lowercased() == email.trimmingSpaces.lowercased()
        rootPasswordChecks.withLock { $0 += 1 }
        let passwordMatches = await PasswordHashing.verify(password, hash: emailMatches ? stored.rootPasswordHash : dummyHash)
        guard emailMatches && passwordMatches else {
            await failed(source: source, user: user)
            return false
        }
        verifiedBasic.withLock { verified in
            if verified.count >= Self.basicVerifiedLimit { verified = verified.filter { now < $0.value } }
            if verified.count >= Self.basicVerifiedLimit { verified.removeAll() }
            verified[key] = now.addingTimeInterval(Self.basicVerifiedFor)
        }
        return true
    }

    /// Signs in an IAM user by account ID, user name and the password of its login profile.
    public func signInUser(accountID: String, userName: String, password: String, source: String) async throws -> (token: String, SignedIn)?
    {
        let user = "iam \(accountID.trimmingSpaces) \(userName.trimmingSpaces.lowercased())"
        try checkThrottle(source: source, user: user)
        let found = try await store.read { session -> (String, String)? in
            // The account is named by its ID or by its alias, as on AWS's sign-in page.
            let alias = try await session.setting("iam.account_alias") ?? ""
            let named = accountID.trimmingSpaces
            guard let account = try await session.account(), account.account.id == named || (!alias.isEmpty && alias == named.lowercased()),
                let user = try await session.user(named: userName.trimmingSpaces),
                let profile = try await session.loginProfile(userID: user.id)
            else { return nil }
            return (user.id, profile.passwordHash)
        }
        let passwordMatches = await PasswordHashing.verify(password, hash: found?.1 ?? dummyHash)
        guard let found, passwordMatches else {
            await failed(source: source, user: user)
            return nil
        }
        try await store.transaction { session in try await session.recordPasswordUse(userID: found.0, at: self.clock.now()) }
        return try await start(userID: found.0)
    }

    func start(userID: String?) async throws -> (token: String, SignedIn)? {
        let token = Self.randomToken()
        let now = clock.now()
        let record = ConsoleSessionRecord(
            tokenHash: Self.hash(token), userID: userID, csrf: Self.randomToken(), createdAt: now, lastSeenAt: now)
        let idleBefore = now.addingTimeInterval(-idleTimeout)
        try await store.transaction { session in
            try await session.deleteConsoleSessions(userID: nil, idleBefore: idleBefore)
            try await session.insertConsoleSession(record)
        }
        guard let signedIn = try await load(record) else { return nil }
        return (token, signedIn)
    }

    /// The session a browser's token names, if it is still valid; refreshes its idle timer.
    public func resolve(token: String) async throws -> SignedIn? {
        let hash = Self.hash(token)
        guard let record = try await store.read({ try await $0.consoleSession(tokenHash: hash) }) else { return nil }
        let now = clock.now()
        if now.timeIntervalSince(record.lastSeenAt) > idleTimeout || now.timeIntervalSince(record.createdAt) > absoluteTimeout {
            try await store.transaction { try await $0.deleteConsoleSession(tokenHash: hash) }
            return nil
        }
        if now.timeIntervalSince(record.lastSeenAt) > 60 {
            try await store.transaction { try await $0.touchConsoleSession(tokenHash: hash, at: now) }
        }
        return try await load(record)
    }

    func load(_ record: ConsoleSessionRecord) async throws -> SignedIn? {
        try await store.read { session -> SignedIn? in
            guard let account = try await session.account() else { return nil }
            guard let userID = record.userID else {
                return SignedIn(
                    caller: Caller(principal: .root(accountID: account.account.id), policies: []), csrf: record.csrf,
                    tokenHash: record.tokenHash, displayName: "root")
            }
            // A deleted user, or one whose console password was removed, is signed out.
            guard let user = try await session.user(id: userID), let profile = try await session.loginProfile(userID: userID) else {
                return nil
            }
            let policies = try await PolicyLoader.policies(of: user, in: session)
            // The global condition keys (`aws:username`, `aws:CurrentTime`, …) apply in the console
            // as they do to API requests.
            var caller = Caller(principal: .user(user), policies: policies)
            caller.addRequestContext(now: self.clock.now(), sourceIP: nil, secureTransport: false, userAgent: nil, region: nil)
            return SignedIn(
                caller: caller, csrf: record.csrf, tokenHash: record.tokenHash,
                displayName: user.name, passwordResetRequired: profile.passwordResetRequired)
        }
    }

    public func signOut(tokenHash: String) async throws {
        try await store.transaction { try await $0.deleteConsoleSession(tokenHash: tokenHash) }
    }
}
