import Crypto
public import Foundation
public import SesameCore
public import SesameStorage

/// STS: temporary credentials for role sessions (AssumeRole) and for users (GetSessionToken),
/// and facts about keys. A trust policy is evaluated as IAM evaluates it within one account.
public struct STSBackend: Sendable {
    public let store: any Store
    public let secrets: SecretBox
    public let clock: any WallClock
    public let webIdentity: WebIdentityVerifier

    public init(
        store: any Store, secrets: SecretBox, clock: any WallClock = SystemWallClock(), webIdentity: WebIdentityVerifier = .init(keys: nil)
    ) {
        self.store = store
        self.secrets = secrets
        self.clock = clock
        self.webIdentity = webIdentity
    }

    /// What STS hands out: the key, its secret and token, and when it expires.
    public struct IssuedCredentials: Sendable {
        public var accessKeyID: String
        public var secretAccessKey: String
        public var sessionToken: String
        public var expiration: Date
    }

    public struct AssumeRoleRequest: Sendable {
        public var roleARN: String
        public var sessionName: String
        public var durationSeconds: Int?
        public var policy: String?
        public var policyARNs: [String]
        public var tags: [Tag]
        public var externalID: String?
        public var sourceIdentity: String?

        public init(
            roleARN: String, sessionName: String, durationSeconds: Int? = nil, policy: String? = nil, policyARNs: [String] = [],
            tags: [Tag] = [], externalID: String? = nil, sourceIdentity: String? = nil
        ) {
            self.roleARN = roleARN
            self.sessionName = sessionName
            self.durationSeconds = durationSeconds
            self.policy = policy
            self.policyARNs = policyARNs
            self.tags = tags
            self.externalID = externalID
            self.sourceIdentity = sourceIdentity
        }
    }

    static func denied(_ caller: Caller, _ action: String, _ resource: String) -> SesameError {
        SesameError(.accessDenied, "User: \(caller.principal.arn) is not authorized to perform: \(action) on resource: \(resource)")
    }

    /// The name of the role an ARN names, if it is a role ARN of `account`.
    static func roleName(_ arn: String, account: String) -> (path: String, name: String)? {
        let parts = arn.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
        guard parts.count == 6, parts[0] == "arn", parts[2] == "iam", parts[4] == account, parts[5].hasPrefix("role/"),
            let slash = parts[5].lastIndex(of: "/")
        else { return nil }
        let resource = parts[5]
        return (
            String(resource[resource.index(resource.startIndex, offsetBy: 4)...slash]), String(resource[resource.index(after: slash)...])
        )
    }

    public func assumeRole(_ caller: Caller, _ request: AssumeRoleRequest) async throws -> (IssuedCredentials, RoleSession, packedSize: Int)
    {
        if caller.principal.isRoot { throw SesameError(.accessDenied, "Roles may not be assumed by root accounts.") }
        if let policy = request.policy { _ = try PolicyDocument.parse(policy) }
        let now = clock.now()
        let role = try await store.read { session -> IAMRole in
            guard let named = Self.roleName(request.roleARN, account: caller.accountID),
                let role = try await session.role(named: named.name), role.path == named.path, role.name == named.name
            else { throw Self.denied(caller, "sts:AssumeRole", request.roleARN) }
            return role
        }
        // The trust policy, and (when it trusts only the account) the caller's own policies.
        var context = caller.context
        context["sts:rolesessionname"] = [request.sessionName]
        if let externalID = request.externalID { context["sts:externalid"] = [externalID] }
        if let sourceIdentity = request.sourceIdentity { context["sts:sourceidentity"] = [sourceIdentity] }
        for tag in request.tags { context["aws:requesttag/\(tag.key.lowercased())"] = [tag.value] }
        if !request.tags.isEmpty { context["aws:tagkeys"] = request.tags.map(\.key) }
        var arns = [caller.principal.arn]
        if case .assumedRole(let current) = caller.principal { arns.append(current.role.arn) }
        let requester = TrustPolicy.Requester(accountID: caller.accountID, arns: arns)
        let trust = try TrustPolicy.parse(role.trustPolicy)
        var actions = ["sts:AssumeRole"]
        if !request.tags.isEmpty { actions.append("sts:TagSession") }
        if request.sourceIdentity != nil { actions.append("sts:SetSourceIdentity") }
        for action in actions {
            var identityRequest = AuthorizationRequest(action: action, resource: role.arn)
            identityRequest.context = context
            let identity = PolicyEvaluator.evaluate(caller.policies, identityRequest)
            switch trust.evaluate(action: action, requester: requester, context: context) {
            case .allowed(let named) where identity == .allowed || (named && identity != .explicitDeny): break
            default: throw Self.denied(caller, action, role.arn)
            }
        }
        // Durations: the role's maximum, and one hour when a role session assumes a role.
        let duration = request.durationSeconds ?? 3600
        if case .assumedRole = caller.principal, duration > 3600 {
            throw SesameError(
                .validation, "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.")
        }
        if duration > role.maxSessionDuration {
            throw SesameError(.validation, "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.")
        }
        let session = RoleSession(role: role, sessionName: request.sessionName)
        let issued = try await issue(
            caller, holder: .role(roleID: role.id, sessionName: request.sessionName), sessionPolicy: request.policy,
            policyARNs: request.policyARNs, tags: request.tags, now: now, duration: duration)
        // STS reports how full the packed session policies and tags are, in percent.
        let packed =
            ((request.policy?.utf8.count ?? 0) + request.policyARNs.joined().utf8.count
                + request.tags.map { $0.key.utf8.count + $0.value.utf8.count }.reduce(0, +)) * 100 / 2048
        return (issued, session, packed)
    }

    /// `GetSessionToken`: a temporary credential with the caller's own permissions. Role sessions
    /// cannot call it; the root user's lasts at most an hour.
    public func getSessionToken(_ caller: Caller, durationSeconds: Int?) async throws -> IssuedCredentials {
        let holder: TemporaryCredential.Holder
        var duration = durationSeconds ?? 43200
        switch caller.principal {
        case .assumedRole, .federatedUser, .anonymous:
            throw SesameError(.accessDenied, "Cannot call GetSessionToken with session credentials")
        case .root:
            holder = .root
            duration = min(duration, 3600)
        case .user(let user):
            holder = .user(userID: user.id)
        }
        if caller.accessKeyID.map(TemporaryCredential.isTemporary) == true {
            throw SesameError(.accessDenied, "Cannot call GetSessionToken with session credentials")
        }
        return try await issue(caller, holder: holder, sessionPolicy: nil, policyARNs: [], tags: [], now: clock.now(), duration: duration)
    }

    /// `GetAccessKeyInfo`: the account a key belongs to, for keys this installation issued.
    public func accessKeyAccount(_ accessKeyID: String) async throws -> String {
        try await store.read { session in
            if let key = try await session.accessKey(id: accessKeyID) { return key.key.accountID }
            if let temporary = try await session.temporaryCredential(id: accessKeyID) { return temporary.credential.accountID }
            throw SesameError(.invalidParameterValue, "The access key ID \(accessKeyID) is not valid.")
        }
    }

    func issue(
        _ caller: Caller, holder: TemporaryCredential.Holder, sessionPolicy: String?, policyARNs: [String], tags: [Tag], now: Date,
        duration: Int
    ) async throws -> IssuedCredentials {
        try await issue(
            accountID: caller.accountID, sourceKey: caller.accessKeyID, holder: holder, sessionPolicy: sessionPolicy,
            policyARNs: policyARNs,
            tags: tags, now: now, duration: duration)
    }

    func issue(
        accountID: String, sourceKey: String?, holder: TemporaryCredential.Holder, sessionPolicy: String?, policyARNs: [String],
        tags: [Tag], now: Date, duration: Int
    ) async throws -> IssuedCredentials {
        let accessKeyID = "ASIA" + String(RandomIDs.accessKeyID().dropFirst(4))
        let secret = RandomIDs.secretAccessKey()
        let token = RandomIDs.sessionToken()
        let expiration = Date(timeIntervalSince1970: (now.timeIntervalSince1970 + Double(duration)).rounded(.down))
        let credential = TemporaryCredential(
            accessKeyID: accessKeyID, accountID: accountID, holder: holder, sessionPolicy: sessionPolicy, policyARNs: policyARNs,
            tags: tags, sourceAccessKeyID: sourceKey, createdAt: now, expiresAt: expiration)
        let stored = StoredTemporaryCredential(
            credential: credential, encryptedSecret: try secrets.seal(secret, boundTo: accessKeyID),
            tokenHash: SessionTokens.hash(token))
        try await store.transaction { session in
            try await session.insertTemporaryCredential(stored)
            // Expired credentials are of no use to anyone: drop them as new ones are issued.
            _ = try await session.deleteTemporaryCredentials(expiredBefore: now.addingTimeInterval(-3600))
        }
        return IssuedCredentials(accessKeyID: accessKeyID, secretAccessKey: secret, sessionToken: token, expiration: expiration)
    }
}

/// Session tokens are kept as their SHA-256, hex, as the authenticator compares them.
public enum SessionTokens {
    public static func hash(_ token: String) -> String {
        SHA256.hash(data: Array(token.utf8)).map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }
}
