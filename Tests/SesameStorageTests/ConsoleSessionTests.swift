import Foundation
import SesameConcurrency
import SesameCore
import SesameStorage
import Testing

@testable import SesameBackend

/// A clock the test moves forward.
final class MovableClock: WallClock, @unchecked Sendable {
    private let lock = NSLock()
    private var current = Date(timeIntervalSince1970: 1_800_000_000)
    func now() -> Date { lock.withLock { current } }
    func advance(_ seconds: TimeInterval) { lock.withLock { current += seconds } }
}

/// Console sign-in and session expiry, on both engines.
@Suite struct ConsoleSessionTests {
    @Test(arguments: Engine.allCases)
    func signInExpiryAndSignOut(_ engine: Engine) async throws {
        try await StoreFixture.withIAM(engine) { iam, account, store in
            let clock = MovableClock()
            let sessions = ConsoleSessions(store: store, clock: clock, idleTimeout: 600, absoluteTimeout: 3600)
            #expect(try await sessions.signInRoot(email: "root@example.com", password: "wrong", source: "192.0.2.1") == nil)
            #expect(
                try await sessions.signInRoot(email: "nobody@example.com", password: "correct horse battery", source: "192.0.2.1") == nil)
            let (token, signedIn) = try #require(
                try await sessions.signInRoot(email: "ROOT@example.com", password: "correct horse battery", source: "192.0.2.1"))
            #expect(signedIn.caller.principal.isRoot && signedIn.displayName == "root")
            #expect(signedIn.csrf.count >= 40 && token.count >= 40 && signedIn.csrf != token)
            // The store keeps only the token's hash.
            #expect(try await store.read { try await $0.consoleSession(tokenHash: token) } == nil)

            // Idle expiry: activity keeps it alive, 10 idle minutes end it.
            clock.advance(500)
            #expect(try await sessions.resolve(token: token) != nil)
            clock.advance(500)
            #expect(try await sessions.resolve(token: token) != nil)
            clock.advance(601)
            #expect(try await sessions.resolve(token: token) == nil)

            // Absolute expiry, even when active.
            let (second, _) = try #require(
                try await sessions.signInRoot(email: "root@example.com", password: "correct horse battery", source: "192.0.2.1"))
            for _ in 0..<7 {  // 3,500 s of activity: still within the hour
                clock.advance(500)
                #expect(try await sessions.resolve(token: second) != nil)
            }
            clock.advance(200)
            #expect(try await sessions.resolve(token: second) == nil)

            // Sign-out.
            let (third, thirdSession) = try #require(
                try await sessions.signInRoot(email: "root@example.com", password: "correct horse battery", source: "192.0.2.1"))
            try await sessions.signOut(tokenHash: thirdSession.tokenHash)
            #expect(try await sessions.resolve(token: third) == nil)
            #expect(try await sessions.resolve(token: "made-up") == nil)
        }
    }

    /// HTTP Basic credentials on the captured-mail APIs come with every request: bcrypt runs once,
    /// then again after five minutes, at once for a changed password, and for every failure.
    @Test(arguments: Engine.allCases)
    func rootBasicCredentialsAreCheckedWithBcryptOnceAWhile(_ engine: Engine) async throws {
        try await StoreFixture.withIAM(engine) { _, _, store in
            let clock = MovableClock()
            let sessions = ConsoleSessions(store: store, clock: clock, passwordCost: 4)
            let right = "correct horse battery"
            for _ in 0..<5 { #expect(try await sessions.verifyRoot(email: "Root@example.com", password: right, source: "192.0.2.1")) }
            #expect(sessions.rootPasswordChecks.withLock { $0 } == 1)
            #expect(try await !sessions.verifyRoot(email: "root@example.com", password: "wrong", source: "192.0.2.1"))
            #expect(try await !sessions.verifyRoot(email: "root@example.com", password: "wrong", source: "192.0.2.1"))
            #expect(sessions.rootPasswordChecks.withLock { $0 } == 3)
            clock.advance(301)
            #expect(try await sessions.verifyRoot(email: "root@example.com", password: right, source: "192.0.2.1"))
            #expect(sessions.rootPasswordChecks.withLock { $0 } == 4)
            let changed = await PasswordHashing.hash("a new password", cost: 4)
            try await store.write { try await $0.updateRootPasswordHash(changed) }
            #expect(try await !sessions.verifyRoot(email: "root@example.com", password: right, source: "192.0.2.1"))
            #expect(try await sessions.verifyRoot(email: "root@example.com", password: "a new password", source: "192.0.2.1"))
            #expect(sessions.rootPasswordChecks.withLock { $0 } == 6)
        }
    }

    @Test(arguments: Engine.allCases)
    func iamUserSessionsEndWithTheUser(_ engine: Engine) async throws {
        try await StoreFixture.withIAM(engine) { iam, account, store in
            let root = Caller(principal: .root(accountID: account.id), policies: [])
            _ = try await iam.createUser(root, name: "ann", path: nil, tags: [])
            _ = try await iam.createLoginProfile(root, userName: "ann", password: "Ann-Passw0rd!", resetRequired: false)
            let sessions = ConsoleSessions(store: store, clock: SystemWallClock())
            #expect(
                try await sessions.signInUser(accountID: "999999999999", userName: "ann", password: "Ann-Passw0rd!", source: "192.0.2.2")
                    == nil)
            #expect(try await sessions.signInUser(accountID: account.id, userName: "ann", password: "wrong", source: "192.0.2.2") == nil)
            let (token, signedIn) = try #require(
                try await sessions.signInUser(accountID: account.id, userName: "ann", password: "Ann-Passw0rd!", source: "192.0.2.2"))
            #expect(signedIn.displayName == "ann" && !signedIn.caller.principal.isRoot)
            try await iam.deleteUserAndOwnedResources(root, name: "ann")
            #expect(try await sessions.resolve(token: token) == nil)
        }
    }

    @Test func repeatedFailuresAreSlowed() async throws {
        try await StoreFixture.withIAM(.sqlite) { _, _, store in
            let sessions = ConsoleSessions(store: store, clock: SystemWallClock())
            for _ in 0..<3 { _ = try await sessions.signInRoot(email: "root@example.com", password: "wrong", source: "198.51.100.7") }
            let started = ContinuousClock.now
            _ = try await sessions.signInRoot(email: "root@example.com", password: "wrong", source: "198.51.100.7")
            #expect(ContinuousClock.now - started >= .milliseconds(450))
            // Another address is not slowed.
            let other = ContinuousClock.now
            _ = try await sessions.signInRoot(email: "root@example.com", password: "wrong", source: "198.51.100.8")
            #expect(ContinuousClock.now - other < .milliseconds(450))
        }
    }
}
