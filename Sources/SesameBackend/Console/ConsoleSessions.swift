@preconcurrency import Crypto
import Foundation
import HummingbirdBcrypt
import SesameCore
import SesameStorage

/// Console sign-in and sessions. A session token is random, handed to the browser once, and
/// stored only as its SHA-256; each session has its own CSRF token. Sessions end after an idle
/// period, after an absolute lifetime, at sign-out, and when their IAM user is deleted.
public final class ConsoleSessions: Sendable {
    /// Who is signed in, with the policies that decide what each page may do.
    public struct SignedIn: Sendable {
        public var caller: Caller
        public var csrf: String
        public var tokenHash: String
        /// `root` or the IAM user's name, for the page header.
        public var displayName: String
    }

    let store: any Store
    let clock: any WallClock
    public let idleTimeout: TimeInterval
    public let absoluteTimeout: TimeInterval
    let failures = Locked<[String: [Date]]>([:])
    /// A hash to compare against when the user does not exist, so both cases take as long.
    let dummyHash = Bcrypt.hash("not a password", cost: 4)

    public init(store: any Store, clock: any WallClock, idleTimeout: TimeInterval = 3600, absoluteTimeout: TimeInterval = 12 * 3600) {
        self.store = store
        self.clock = clock
        self.idleTimeout = idleTimeout
        self.absoluteTimeout = absoluteTimeout
    }

    static func hash(_ token: String) -> String {
        SHA256.hash(data: Array(token.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    static func randomToken() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
        return Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// Slows a client address that keeps failing: nothing for the first three failures in 15
    /// minutes, then half a second more for each.
    func delayAfterFailure(_ source: String) async {
        let now = clock.now()
        let count = failures.withLock { table -> Int in
            if table.count > 10_000 { table.removeAll() }
            var recent = (table[source] ?? []).filter { now.timeIntervalSince($0) < 900 }
            recent.append(now)
            table[source] = recent
            return recent.count
        }
        if count > 3 { try? await Task.sleep(for: .milliseconds(500 * min(count - 3, 10))) }
    }

    /// Signs in the root user by email and password; nil when they do not match.
    public func signInRoot(email: String, password: String, source: String) async throws -> (token: String, SignedIn)? {
        guard let stored = try await store.read({ try await $0.account() }) else { return nil }
        let emailMatches = stored.account.rootEmail.lowercased() == email.trimmingSpaces.lowercased()
        let passwordMatches = Bcrypt.verify(password, hash: emailMatches ? stored.rootPasswordHash : dummyHash)
        guard emailMatches && passwordMatches else {
            await delayAfterFailure(source)
            return nil
        }
        return try await start(userID: nil)
    }

    /// Signs in an IAM user by account ID, user name and the password of its login profile.
    public func signInUser(accountID: String, userName: String, password: String, source: String) async throws -> (token: String, SignedIn)? {
        let found = try await store.read { session -> (String, String)? in
            guard let account = try await session.account(), account.account.id == accountID.trimmingSpaces,
                let user = try await session.user(named: userName.trimmingSpaces),
                let profile = try await session.loginProfile(userID: user.id)
            else { return nil }
            return (user.id, profile.passwordHash)
        }
        let passwordMatches = Bcrypt.verify(password, hash: found?.1 ?? dummyHash)
        guard let found, passwordMatches else {
            await delayAfterFailure(source)
            return nil
        }
        try await store.write { session in try await session.recordPasswordUse(userID: found.0, at: self.clock.now()) }
        return try await start(userID: found.0)
    }

    func start(userID: String?) async throws -> (token: String, SignedIn)? {
        let token = Self.randomToken()
        let now = clock.now()
        let record = ConsoleSessionRecord(tokenHash: Self.hash(token), userID: userID, csrf: Self.randomToken(), createdAt: now, lastSeenAt: now)
        let idleBefore = now.addingTimeInterval(-idleTimeout)
        try await store.write { session in
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
            try await store.write { try await $0.deleteConsoleSession(tokenHash: hash) }
            return nil
        }
        if now.timeIntervalSince(record.lastSeenAt) > 60 {
            try await store.write { try await $0.touchConsoleSession(tokenHash: hash, at: now) }
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
            guard let user = try await session.user(id: userID) else { return nil }
            let policies = try await PolicyLoader.policies(of: user, in: session)
            return SignedIn(
                caller: Caller(principal: .user(user), policies: policies), csrf: record.csrf, tokenHash: record.tokenHash,
                displayName: user.name)
        }
    }

    public func signOut(tokenHash: String) async throws {
        try await store.write { try await $0.deleteConsoleSession(tokenHash: tokenHash) }
    }
}
