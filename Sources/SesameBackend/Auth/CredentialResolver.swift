@preconcurrency public import Crypto
public import Foundation
public import Logging
public import ServiceLifecycle
import SesameConcurrency
public import SesameCore
public import SesameStorage

/// What an access key unlocks: its secret, the principal behind it and that principal's policies.
public struct ResolvedCredential: Sendable {
    public var accessKeyID: String
    public var secret: String
    public var status: AccessKeyStatus
    public var principal: Principal
    public var policies: PolicySet

    public func caller() -> Caller {
        Caller(principal: principal, policies: policies, accessKeyID: accessKeyID)
    }
}

/// Looks up access keys for request verification, with a short-lived cache so a signed request
/// costs no database round trip. Any IAM change made through this node clears the cache at once;
/// changes made by another node sharing PostgreSQL are seen within `ttl`.
public final class CredentialResolver: Service, Sendable {
    struct Entry {
        var credential: ResolvedCredential?
        var fetchedAt: ContinuousClock.Instant
        var signingKeys: [String: SymmetricKey]
    }

    let store: any Store
    public let secrets: SecretBox
    let ttl: Duration
    let cache = Locked<[String: Entry]>([:])
    let usage = Locked<[String: (Date, String, String)]>([:])
    let logger: Logger

    public init(store: any Store, secrets: SecretBox, ttl: Duration = .seconds(2), logger: Logger) {
        self.store = store
        self.secrets = secrets
        self.ttl = ttl
        self.logger = logger
    }

    /// Forgets every cached credential (called after any IAM write).
    public func invalidate() {
        cache.withLock { $0.removeAll() }
    }

    /// The credential for `accessKeyID`, or nil if no such key exists.
    public func resolve(_ accessKeyID: String) async throws -> ResolvedCredential? {
        let now = ContinuousClock.now
        if let entry = cache.withLock({ $0[accessKeyID] }), now - entry.fetchedAt < ttl {
            return entry.credential
        }
        let credential = try await load(accessKeyID)
        cache.withLock { cache in
            if cache.count > 10_000 { cache.removeAll() }
            cache[accessKeyID] = Entry(credential: credential, fetchedAt: now, signingKeys: [:])
        }
        return credential
    }

    /// The SigV4 signing key for a credential and scope, derived once per day and scope.
    /// `derive` computes the key when it is not cached.
    public func signingKey(for credential: ResolvedCredential, scope: String, derive: () -> SymmetricKey) -> SymmetricKey {
        if let key = cache.withLock({ $0[credential.accessKeyID]?.signingKeys[scope] }) { return key }
        let key = derive()
        cache.withLock { cache in
            if cache[credential.accessKeyID] != nil, (cache[credential.accessKeyID]?.signingKeys.count ?? 0) < 16 {
                cache[credential.accessKeyID]?.signingKeys[scope] = key
            }
        }
        return key
    }

    func load(_ accessKeyID: String) async throws -> ResolvedCredential? {
        let secrets = self.secrets
        return try await store.read { session -> ResolvedCredential? in
            guard let stored = try await session.accessKey(id: accessKeyID) else { return nil }
            let secret = try secrets.open(stored.encryptedSecret, boundTo: stored.key.id)
            guard let userID = stored.key.userID else {
                return ResolvedCredential(
                    accessKeyID: accessKeyID, secret: secret, status: stored.key.status,
                    principal: .root(accountID: stored.key.accountID), policies: [])
            }
            guard let user = try await session.user(id: userID) else { return nil }
            let policies = try await PolicyLoader.policies(of: user, in: session)
            return ResolvedCredential(
                accessKeyID: accessKeyID, secret: secret, status: stored.key.status, principal: .user(user), policies: policies)
        }
    }

    /// Notes that a key was used; `run()` writes these to the store about once a second.
    public func recordUse(accessKeyID: String, service: String, region: String, at date: Date) {
        usage.withLock { $0[accessKeyID] = (date, service, region) }
    }

    /// The service that writes last-used records once a second, and a last time at graceful
    /// shutdown (before the store, an earlier service, closes).
    public func run() async throws {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(1)) }
            await flushUsage()
        }
        await flushUsage()
    }

    /// Writes pending last-used records now (also called at shutdown).
    public func flushUsage() async {
        let pending = usage.withLock { pending -> [String: (Date, String, String)] in
            defer { pending = [:] }
            return pending
        }
        guard !pending.isEmpty else { return }
        do {
            try await store.transaction { session in
                for (id, use) in pending {
                    try await session.recordAccessKeyUse(id: id, at: use.0, service: use.1, region: use.2)
                }
            }
        } catch {
            logger.warning("could not record access key use: \(error)")
        }
    }
}

/// Reads and parses the policies that apply to a user: its own, its groups', and its
/// permissions boundary.
public enum PolicyLoader {
    public static func policies(of user: IAMUser, in session: any StoreSession) async throws -> PolicySet {
        var policies: [PolicyDocument] = []
        for inline in try await session.inlinePolicies(userID: user.id) {
            policies.append(try PolicyDocument.parse(inline.document))
        }
        for arn in try await session.attachedPolicyARNs(userID: user.id) {
            if let parsed = try await managed(arn, in: session) { policies.append(parsed) }
        }
        // The policies of the user's groups apply to it as its own do.
        for group in try await session.groups(ofUser: user.id) {
            for inline in try await session.groupInlinePolicies(groupID: group.id) {
                policies.append(try PolicyDocument.parse(inline.document))
            }
            for arn in try await session.groupAttachedPolicyARNs(groupID: group.id) {
                if let parsed = try await managed(arn, in: session) { policies.append(parsed) }
            }
        }
        return PolicySet(identity: policies, boundary: try await boundary(user.permissionsBoundary, in: session))
    }

    /// The policies of a role, for the sessions that assume it.
    public static func policies(of role: IAMRole, in session: any StoreSession) async throws -> PolicySet {
        var policies: [PolicyDocument] = []
        for inline in try await session.roleInlinePolicies(roleID: role.id) {
            policies.append(try PolicyDocument.parse(inline.document))
        }
        for arn in try await session.roleAttachedPolicyARNs(roleID: role.id) {
            if let parsed = try await managed(arn, in: session) { policies.append(parsed) }
        }
        return PolicySet(identity: policies, boundary: try await boundary(role.permissionsBoundary, in: session))
    }

    /// A managed policy's default version, AWS or customer managed; nil once it is gone.
    static func managed(_ arn: String, in session: any StoreSession) async throws -> PolicyDocument? {
        if let parsed = ManagedPolicies.parsed[arn] { return parsed }
        guard let policy = try await session.customerPolicy(arn: arn) else { return nil }
        return try PolicyDocument.parse(policy.document)
    }

    /// A boundary that names a policy that no longer exists allows nothing, as in IAM.
    static func boundary(_ arn: String?, in session: any StoreSession) async throws -> PolicyDocument? {
        guard let arn else { return nil }
        return try await managed(arn, in: session) ?? .allowsNothing
    }
}
