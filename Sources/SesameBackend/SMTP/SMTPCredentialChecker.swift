import Crypto
public import Foundation
public import Logging
import Metrics
import SesameConcurrency
public import SesameCore
public import SesameStorage

/// Checks SMTP logins (access key ID + SES SMTP password), records each failure with its
/// diagnosis, and slows, then refuses, a client address that keeps failing.
public final class SMTPCredentialChecker: Sendable {
    public struct Configuration: Sendable {
        /// Regions this node serves; a version 4 password must be for one of them.
        public var regions: [String]
        /// Failed logins per client address within `failureWindow` before the address is refused.
        public var failureLimit: Int = 10
        public var failureWindow: Duration = .seconds(15 * 60)
        /// Delay added to each failure past half the limit, growing with every further failure.
        public var failureDelayStep: Duration = .milliseconds(250)
        /// How long failures are kept for their owners to read.
        public var failureRetention: TimeInterval = 30 * 24 * 3600

        public init(regions: [String]) {
            self.regions = regions
        }
    }

    public enum Result: Sendable {
        /// The session may send; it acts in `region`.
        case success(accessKeyID: String, region: String)
        case invalid
        /// The store could not be read; the client may retry.
        case temporaryFailure
        /// This client address failed too often; it is refused until its failures age out.
        case refused
    }

    let store: any Store
    let resolver: CredentialResolver
    let clock: any WallClock
    public let configuration: Configuration
    let logger: Logger
    /// Recent failures per (client address, user name), each with a digest of the password
    /// tried, so the same wrong password offered again (smtplib tries PLAIN, then LOGIN) counts
    /// once; and per client address, across user names.
    struct Failures {
        var byKey: [String: [(at: ContinuousClock.Instant, password: SHA256Digest)]] = [:]
        var byAddress: [String: [ContinuousClock.Instant]] = [:]
    }
    let failures = Locked(Failures())
    let lastPrune = Locked<Date?>(nil)

    public init(store: any Store, resolver: CredentialResolver, clock: any WallClock, configuration: Configuration, logger: Logger) {
        self.store = store
        self.resolver = resolver
        self.clock = clock
        self.configuration = configuration
        self.logger = logger
    }

    /// Throttling is per client address and user name: one misconfigured mailer cannot lock out
    /// its neighbours behind the same address.
    static func throttleKey(source: String, username: String) -> String {
        "\(source) \(username.trimmingCharacters(in: .whitespaces).lowercased())"
    }

    /// Failures of all user names from one address beyond which the address itself is refused
    /// (a client guessing user names).
    var addressFailureLimit: Int { configuration.failureLimit * 10 }

    /// The distinct failures of `key` within the window, and of its whole address (dropping older ones).
    func recentFailures(_ key: String, source: String) -> (key: Int, address: Int) {
        let now = ContinuousClock.now
        let window = configuration.failureWindow
        return failures.withLock { table in
            let kept = (table.byKey[key] ?? []).filter { now - $0.at < window }
            table.byKey[key] = kept.isEmpty ? nil : kept
            let address = (table.byAddress[source] ?? []).filter { now - $0 < window }
            table.byAddress[source] = address.isEmpty ? nil : address
            return (kept.count, address.count)
        }
    }

    /// Records a failure unless the same password already failed for `key` in the window;
    /// returns the distinct failures of `key`.
    func noteFailure(_ key: String, source: String, password: String) -> Int {
        let digest = SHA256.hash(data: Data(password.utf8))
        return failures.withLock { table in
            if table.byKey.count > 100_000 || table.byAddress.count > 100_000 { table = Failures() }
            var list = table.byKey[key] ?? []
            if !list.contains(where: { $0.password == digest }) {
                list.append((ContinuousClock.now, digest))
                table.byAddress[source, default: []].append(ContinuousClock.now)
            }
            table.byKey[key] = list
            return list.count
        }
    }

    public func authenticate(username: String, password: String, sourceAddress: String) async -> Result {
        let key = Self.throttleKey(source: sourceAddress, username: username)
        let recent = recentFailures(key, source: sourceAddress)
        if recent.key >= configuration.failureLimit || recent.address >= addressFailureLimit {
            logger.notice("SMTP login refused: too many failures", metadata: ["source": "\(sourceAddress)"])
            return .refused
        }
        let outcome: (Result, SMTPAuthFailure?)
        do {
            outcome = try await check(username: username, password: password, sourceAddress: sourceAddress)
        } catch {
            logger.error("SMTP login could not be checked: \(error)")
            return .temporaryFailure
        }
        guard let failure = outcome.1 else { return outcome.0 }
        let count = noteFailure(key, source: sourceAddress, password: password)
        do {
            try await store.transaction { session in try await session.insertAuthFailure(failure) }
            try await pruneIfDue()
        } catch {
            logger.warning("could not record an SMTP login failure: \(error)")
        }
        Counter(label: "sesame_smtp_auth_failures_total", dimensions: [("diagnosis", failure.diagnosis.rawValue)]).increment()
        logger.info(
            "SMTP login failed",
            metadata: ["source": "\(sourceAddress)", "diagnosis": "\(failure.diagnosis.rawValue)", "key": "\(failure.accessKeyID ?? "-")"])
        let half = configuration.failureLimit / 2
        if count > half {
            try? await Task.sleep(for: configuration.failureDelayStep * (count - half))
        }
        return count >= configuration.failureLimit ? .refused : .invalid
    }

    func pruneIfDue() async throws {
        let now = clock.now()
        let due = lastPrune.withLock { last -> Bool in
            if let last, now.timeIntervalSince(last) < 3600 { return false }
            last = now
            return true
        }
        guard due else { return }
        let before = now.addingTimeInterval(-configuration.failureRetention)
        try await store.transaction { session in try await session.pruneAuthFailures(before: before) }
    }

    /// The decision, and the failure to record if it is one.
    func check(username: String, password: String, sourceAddress: String) async throws -> (Result, SMTPAuthFailure?) {
        let now = clock.now()
        func failure(
            _ diagnosis: SMTPAuthDiagnosis, key: String? = nil, user: String? = nil, detail: String? = nil
        ) -> (Result, SMTPAuthFailure?) {
            // A user name that names nothing known may be a secret pasted into the wrong field:
            // only its fingerprint is kept.
            let recorded =
                diagnosis == .unknownAccessKey && !SMTPPasswordCheck.looksLikeAccessKeyID(username)
                ? SMTPAuthFailure.fingerprint(username) : username
            return (
                .invalid,
                SMTPAuthFailure(
                    time: now, sourceAddress: sourceAddress, username: recorded, accessKeyID: key, userName: user,
                    diagnosis: diagnosis, detail: detail)
            )
        }
        let trimmed = username.trimmingCharacters(in: .whitespaces)
        // SES's SMTP interface takes long-term IAM keys only; an STS key is not one.
        guard !TemporaryCredential.isTemporary(trimmed), let credential = try await resolver.resolve(trimmed) else {
            // Not a key: find out what the person typed instead.
            let store = self.store
            let facts = try await store.read { session -> (String?, String?, String?) in
                if let deleted = try await session.deletedAccessKey(id: trimmed) { return (deleted.userName ?? "", nil, nil) }
                if !SMTPPasswordCheck.looksLikeAccessKeyID(trimmed), let user = try await session.user(named: trimmed) {
                    return (nil, user.name, nil)
                }
                if let account = try await session.account(), account.account.rootEmail.lowercased() == trimmed.lowercased() {
                    return (nil, nil, account.account.rootEmail)
                }
                return (nil, nil, nil)
            }
            if let deletedOwner = facts.0 {
                return failure(.deletedAccessKey, key: trimmed, user: deletedOwner.isEmpty ? nil : deletedOwner)
            }
            if let userName = facts.1 { return failure(.iamUserNameUsed, user: userName) }
            if facts.2 != nil { return failure(.rootEmailUsed) }
            return failure(.unknownAccessKey)
        }
        let userName: String? = if case .user(let user) = credential.principal { user.name } else { nil }
        switch SMTPPasswordCheck.check(password: password, secret: credential.secret, servedRegions: configuration.regions) {
        case .match(_, let region):
            guard credential.status == .active else { return failure(.inactiveAccessKey, key: credential.accessKeyID, user: userName) }
            let region = region ?? configuration.regions[0]
            resolver.recordUse(accessKeyID: credential.accessKeyID, service: "ses", region: region, at: now)
            return (.success(accessKeyID: credential.accessKeyID, region: region), nil)
        case .mismatch(let diagnosis, let detail):
            if credential.status != .active { return failure(.inactiveAccessKey, key: credential.accessKeyID, user: userName) }
            return failure(diagnosis, key: credential.accessKeyID, user: userName, detail: detail)
        }
    }
}
