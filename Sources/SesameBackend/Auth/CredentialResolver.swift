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
    /// For an STS credential: the SHA-256 (hex) of its session token, and when it expires.
    public var sessionTokenHash: String? = nil
    public var expiresAt: Date? = nil
    /// Session tags, seen by policies as `aws:PrincipalTag/KEY`.
    public var sessionTags: [Tag] = []

    public init(
        accessKeyID: String, secret: String, status: AccessKeyStatus, principal: Principal, policies: PolicySet,
        sessionTokenHash: String? = nil, expiresAt: Date? = nil, sessionTags: [Tag] = []
    ) {
        self.accessKeyID = accessKeyID
        self.secret = secret
        self.status = status
        self.principal = principal
        self.policies = policies
        self.sessionTokenHash = sessionTokenHash
        self.expiresAt = expiresAt
        self.sessionTags = sessionTags
    }

    public func caller() -> Caller {
        var context: [String: [String]] = [:]
        for tag in sessionTags { context["aws:principaltag/\(tag.key.lowercased())"] = [tag.value] }
        return Caller(principal: principal, policies: policies, accessKeyID: accessKeyID, context: context)
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
        if TemporaryCredential.isTemporary(accessKeyID) { return try await loadTemporary(accessKeyID) }
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

    /// An STS credential: the role session or user it was issued to, with the role's or user's
    /// policies capped by the session policies. Nil once the role or user is gone.
    func loadTemporary(_ accessKeyID: String) async throws -> ResolvedCredential? {
        let secrets = self.secrets
        return try await store.read { session -> ResolvedCredential? in
            guard let stored = try await session.temporaryCredential(id: accessKeyID) else { return nil }
            let credential = stored.credential
            let secret = try secrets.open(stored.encryptedSecret, boundTo: accessKeyID)
            let principal: Principal
            var policies: PolicySet
            switch credential.holder {
            case .role(let roleID, let sessionName):
                guard let role = try await session.role(id: roleID) else { return nil }
                principal = .assumedRole(RoleSession(role: role, sessionName: sessionName))
                policies = try await PolicyLoader.policies(of: role, in: session)
            case .user(let userID):
                guard let user = try await session.user(id: userID) else { return nil }
                principal = .user(user)
                policies = try await PolicyLoader.policies(of: user, in: session)
            case .root:
                principal = .root(accountID: credential.accountID)
                policies = []
            case .federated(let userID, let name):
                principal = .federatedUser(accountID: credential.accountID, name: name)
                if let userID {
                    guard let user = try await session.user(id: userID) else { return nil }
                    policies = try await PolicyLoader.policies(of: user, in: session)
                } else {
                    // The root user's federated users: root allows everything, so only the
                    // session policies limit them.
                    policies = PolicySet(identity: [.allowsEverything])
                }
                // Without a session policy a federated user has no permissions, as in AWS.
                policies.session = [.allowsNothing]
            }
            if credential.sessionPolicy != nil || !credential.policyARNs.isEmpty {
                var sessionPolicies: [PolicyDocument] = []
                if let inline = credential.sessionPolicy { sessionPolicies.append(try PolicyDocument.parse(inline)) }
                for arn in credential.policyARNs {
                    sessionPolicies.append(try await PolicyLoader.managed(arn, in: session) ?? .allowsNothing)
                }
                policies.session = sessionPolicies
            }
            return ResolvedCredential(
                accessKeyID: accessKeyID, secret: secret, status: .active, principal: principal, policies: policies,
                sessionTokenHash: stored.tokenHash, expiresAt: credential.expiresAt, sessionTags: credential.tags)
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
                    // A role session's use is the role's last use (GetRole's RoleLastUsed).
                    if TemporaryCredential.isTemporary(id) {
                        if case .role(let roleID, _)? = try await session.temporaryCredential(id: id)?.credential.holder {
                            try await session.recordRoleUse(roleID: roleID, at: use.0, region: use.2)
                        }
                        continue
                    }
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
