import Crypto
import Foundation
public import SesameConcurrency
public import SesameCore
public import SesameStorage

/// SES as one backend behind every front end (API v1, later v2 and SMTP): identities, sending,
/// quotas. Every operation authorizes its caller with SES's resource ARNs and wording.
public struct SESBackend: Sendable {
    public struct Configuration: Sendable {
        /// Recipients per 24 hours per region (SES's production default is 50,000).
        public var max24HourSend: Int = 50_000
        /// Recipients per second per region on this node (SES's production default is 14); -1: no limit.
        public var maxSendRate: Int = 14
        /// New identities are verified at once (capture mode, like the SES emulators).
        public var verifyIdentitiesImmediately = true
        /// Domains are verified when their records appear in DNS (`--identity-verification dns`),
        /// checked on this schedule.
        public var dnsVerification = false
        public var dnsSchedule = DNSVerificationState.Schedule()
        /// The node's local addresses usable as dedicated IPs (`--source-address`).
        public var sourceAddresses: [String] = []
        /// SES's sandbox: recipients must be verified identities too (or the mailbox simulator).
        public var sandbox = false
        /// Where confirmation links point (`--identity-verification email`), e.g. `http://127.0.0.1:8080`.
        public var verificationBaseURL = "http://127.0.0.1:8080"
        /// Capture keeps mail (only the mailbox simulator's recipients are queued); relay and
        /// mx queue every recipient for delivery.
        public var deliveryMode: DeliveryMode = .capture
        /// Where SES's email feedback (bounce and complaint reports to senders) comes from.
        public var feedbackSender = "MAILER-DAEMON@localhost"
        /// Whether the node has an S3-compatible endpoint or a directory for files (`--s3-endpoint`,
        /// `--s3-directory`): receipt rules' S3 actions need one.
        public var objectStorageConfigured = false
        /// Where captured mail can be released to (`--release-relay`), and to whom (`--release-allow`).
        public var release: MailRelease?
        /// Checks captured mail's links when someone asks.
        public var linkChecker: (any LinkChecker)?
        public static let maxRecipients = 50

        public init() {}
    }

    public let store: any Store
    public let clock: any WallClock
    public var configuration: Configuration
    /// The one writer of accepted messages (group commit).
    public let writer: MessageWriter
    /// The one writer of received mail (group commit).
    public let inboundWriter: InboundWriter
    let sendingState: SendingStateCache
    let rateLimiter = RateLimiter()
    /// Seals DKIM private keys; without it domains get Easy DKIM tokens but no signing key.
    public let secrets: SecretBox?
    let dkimSigners = DKIMSignerCache()
    /// Where SES publishes its notifications and events; nil publishes nothing.
    public let sns: SNSBackend?
    /// Signalled when an import or export job is created (the runner wakes at once).
    public let jobsWaiting = WakeSignal()
    /// The receiving rules inbound sessions check (see `InboundPolicyCache`).
    public let inbound: InboundPolicyCache
    /// Signalled when an inbound listener stored a message.
    public let inboundArrived = WakeSignal()
    /// Captured mail's search index and views (one per process: it feeds live views).
    public let workbench: MailWorkbench

    public init(
        store: any Store, clock: any WallClock = SystemWallClock(), configuration: Configuration = .init(), secrets: SecretBox? = nil,
        sns: SNSBackend? = nil
    ) {
        self.store = store
        self.clock = clock
        self.configuration = configuration
        self.secrets = secrets
        // SNS's email subscriptions are mailed through this backend's queue, in its delivery mode.
        let queued = WakeSignal()
        let sns = sns.map { backend in
            var backend = backend
            backend.mailSettings.deliveryMode = configuration.deliveryMode
            backend.mailSettings.queued = queued
            return backend
        }
        self.sns = sns
        // Events written with accepted messages (suppressed recipients' bounces, Send, Reject)
        // are followed in the same transaction: notifications and feedback mail.
        let publisher: MessageWriter.Publisher = { session, messages in
            let events = messages.flatMap(\.events)
            let regions = Set(messages.map(\.region))
            var publishing = false
            for region in regions where try await session.hasNotificationSettings(region: region) { publishing = true }
            _ = try await SESBackend.follow(
                events, messages: messages, sns: publishing ? sns : nil, configuration: configuration, session: session)
            sns?.posted.signal()
        }
        self.writer = MessageWriter(store: store, publisher: publisher, queued: queued)
        self.inboundWriter = InboundWriter(store: store)
        let sendingState = SendingStateCache(store: store)
        self.sendingState = sendingState
        self.inbound = InboundPolicyCache(store: store, sendingState: sendingState)
        self.workbench = MailWorkbench(store: store, release: configuration.release, linkChecker: configuration.linkChecker)
    }

    /// SES list tokens are the base64 of the last item's sort key.
    static func tokenKey(_ token: String?) -> String? {
        token.flatMap { Data(base64Encoded: $0) }.map { String(decoding: $0, as: UTF8.self) }
    }

    /// Cuts `found` (fetched with `limit + 1`) to a page and the token for the next one.
    static func page<T>(_ found: [T], limit: Int, key: (T) -> String) -> ([T], String?) {
        guard found.count > limit else { return (found, nil) }
        let page = Array(found.prefix(limit))
        return (page, Data(key(page[page.count - 1]).utf8).base64EncodedString())
    }

    func authorize(_ caller: Caller, _ action: String, _ resource: String, context: [String: [String]] = [:]) throws(SesameError) {
        try Authorizer.authorize(caller, action: action, resource: resource, context: context, style: .ses)
    }

    func identityARN(_ caller: Caller, _ region: String, _ name: String) -> String {
        ARN.sesIdentity(region: region, account: caller.accountID, identity: name)
    }

    // MARK: Identities

    public func verifyEmailIdentity(
        _ caller: Caller, region: String, email: String, action: String = "ses:VerifyEmailIdentity"
    ) async throws {
        guard EmailAddress.isValidAddress(email) else {
            throw SesameError(.invalidParameterValue, "Invalid email address<\(email)>.")
        }
        try authorize(caller, action, identityARN(caller, region, email))
        if !configuration.verifyIdentitiesImmediately {
            try await startEmailVerification(region: region, email: email, caller: caller)
            sendingState.invalidate(region)
            return
        }
        let identity = Identity(
            region: region, name: email, kind: .emailAddress, status: configuration.verifyIdentitiesImmediately ? .success : .pending,
            verificationToken: nil, createdAt: clock.now())
        try await store.transaction { session in
            if try await session.identity(region: region, name: email) == nil { try await session.putIdentity(identity) }
        }
        sendingState.invalidate(region)
    }

    /// Returns the TXT record value to publish at `_amazonses.DOMAIN`.
    /// A domain as SES accepts it (a dotted, valid name), lowercased.
    static func domainName(_ domain: String) throws(SesameError) -> String {
        guard EmailAddress.isValidDomain(domain), domain.contains(".") else {
            throw SesameError(.invalidParameterValue, "Invalid domain name \(domain).")
        }
        return domain.lowercased()
    }

    /// A new domain identity with its `_amazonses` TXT token (and Easy DKIM tokens when asked),
    /// verified at once unless identities wait for verification.
    func newDomainIdentity(region: String, name: String, dkim: Bool) -> Identity {
        var identity = Identity(
            region: region, name: name, kind: .domain, status: configuration.verifyIdentitiesImmediately ? .success : .pending,
            verificationToken: Data(SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) }).base64EncodedString(),
            createdAt: clock.now(), dkimTokens: dkim ? Self.newDkimTokens() : [])
        startDNSChecks(&identity)
        return identity
    }

    public func verifyDomainIdentity(_ caller: Caller, region: String, domain: String) async throws -> String {
        let name = try Self.domainName(domain)
        try authorize(caller, "ses:VerifyDomainIdentity", identityARN(caller, region, name))
        let fresh = newDomainIdentity(region: region, name: name, dkim: false)
        defer { sendingState.invalidate(region) }
        return try await store.transaction { session in
            if var existing = try await session.identity(region: region, name: name), let token = existing.verificationToken {
                // A domain whose records were never found is looked for again, as SES does.
                if existing.status == .failed, existing.dns != nil {
                    existing.dns = nil
                    self.startDNSChecks(&existing)
                    try await session.putIdentity(existing)
                }
                return token
            }
            try await session.putIdentity(fresh)
            return fresh.verificationToken ?? ""
        }
    }

    /// Three Easy DKIM tokens: 32 characters of lowercase base32, as SES's are.
    static func newDkimTokens() -> [String] {
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz234567")
        return (0..<3).map { _ in RandomIDs.pick(32, from: alphabet) }
    }

    /// `VerifyDomainDkim`: the domain's Easy DKIM tokens, made on first call and the same after,
    /// with a 2048-bit signing key published under each token as selector. The domain becomes an
    /// identity if it was not one (verified as `VerifyDomainIdentity` would).
    public func verifyDomainDkim(_ caller: Caller, region: String, domain: String) async throws -> [String] {
        let name = try Self.domainName(domain)
        try authorize(caller, "ses:VerifyDomainDkim", identityARN(caller, region, name))
        if let existing = try await store.read({ try await $0.identity(region: region, name: name) }), !existing.dkimTokens.isEmpty {
            return existing.dkimTokens
        }
        let fresh = newDomainIdentity(region: region, name: name, dkim: true)
        let key = try await easyDkimKey(region: region, domain: name, selectors: fresh.dkimTokens)
        defer { sendingState.invalidate(region); dkimSigners.invalidate() }
        return try await store.transaction { session in
            var identity = fresh
            if let existing = try await session.identity(region: region, name: name) {
                if !existing.dkimTokens.isEmpty { return existing.dkimTokens }
                identity = existing
                identity.dkimTokens = fresh.dkimTokens
                self.startDNSChecks(&identity, dkim: true)
            }
            try await session.putIdentity(identity)
            if let key { try await session.putDkimKey(key) }
            return fresh.dkimTokens
        }
    }

    /// `GetIdentityDkimAttributes`: the identities asked for that exist.
    public func dkimAttributes(_ caller: Caller, region: String, names: [String]) async throws -> [Identity] {
        try authorize(caller, "ses:GetIdentityDkimAttributes", "*")
        var found = try await lookUp(region: region, names: names)
        for index in found.indices where found[index].kind == .domain {
            found[index].dkimKey = try await dkimKey(region: region, domain: found[index].name)
        }
        return found
    }

    func lookUp(region: String, names: [String]) async throws -> [Identity] {
        try await store.read { session in
            var out: [Identity] = []
            for name in names {
                if let identity = try await session.identity(region: region, name: name) {
                    out.append(identity)
                } else if let identity = try await session.identity(region: region, name: name.lowercased()) {
                    out.append(identity)
                }
            }
            return out
        }
    }

    public func listIdentities(
        _ caller: Caller, region: String, kind: Identity.Kind?, nextToken: String?, maxItems: Int?
    ) async throws -> (
        identities: [Identity], nextToken: String?
    ) {
        try authorize(caller, "ses:ListIdentities", "*")
        let limit = maxItems ?? 1000
        guard (1...1000).contains(limit) else {
            throw SesameError(.invalidParameterValue, "MaxItems must be between 1 and 1000.")
        }
        let after = try nextToken.map { token throws(SesameError) -> String in
            guard let data = Data(base64Encoded: token) else { throw SesameError(.invalidParameterValue, "Invalid NextToken.") }
            return String(decoding: data, as: UTF8.self)
        }
        let found = try await store.read { session in
            try await session.identities(region: region, kind: kind, afterName: after, limit: limit + 1)
        }
        return Self.page(found, limit: limit) { $0.name }
    }

    public func identityAttributes(_ caller: Caller, region: String, names: [String]) async throws -> [Identity] {
        try authorize(caller, "ses:GetIdentityVerificationAttributes", "*")
        return try await lookUp(region: region, names: names)
    }

    /// Deleting an identity that does not exist succeeds, as in SES v1.
    public func deleteIdentity(_ caller: Caller, region: String, name: String, action: String = "ses:DeleteIdentity") async throws {
        try authorize(caller, action, identityARN(caller, region, name))
        try await store.transaction { session in
            try await session.deleteIdentity(region: region, name: name)
            if name != name.lowercased() { try await session.deleteIdentity(region: region, name: name.lowercased()) }
        }
        sendingState.invalidate(region)
        dkimSigners.invalidate()
    }

    // MARK: Account

    public struct SendQuota: Sendable {
        public var max24HourSend: Double
        public var maxSendRate: Double
        public var sentLast24Hours: Double
    }

    public func sendQuota(_ caller: Caller, region: String) async throws -> SendQuota {
        try authorize(caller, "ses:GetSendQuota", "*")
        let since = clock.now().addingTimeInterval(-24 * 3600)
        let sent = try await store.read { session in try await session.recipientsAccepted(region: region, since: since) }
        return SendQuota(
            max24HourSend: Double(configuration.max24HourSend), maxSendRate: Double(configuration.maxSendRate),
            sentLast24Hours: Double(sent))
    }

    static func sendingKey(_ region: String) -> String { "ses.sending_enabled.\(region)" }

    public func accountSendingEnabled(_ caller: Caller, region: String) async throws -> Bool {
        try authorize(caller, "ses:GetAccountSendingEnabled", "*")
        return try await store.read { session in try await session.setting(Self.sendingKey(region)) != "false" }
    }

    public func updateAccountSendingEnabled(_ caller: Caller, region: String, enabled: Bool) async throws {
        try authorize(caller, "ses:UpdateAccountSendingEnabled", "*")
        try await store.transaction { session in try await session.putSetting(Self.sendingKey(region), enabled ? "true" : "false") }
        sendingState.invalidate(region)
    }
}

extension SESBackend {
    /// Captured and stored mail: listing, reading, clearing, DKIM records.
    public var capturedMail: CapturedMail { CapturedMail(store: store) }
    /// The delivery queue for operators.
    public var queueAdministration: QueueAdministration { QueueAdministration(store: store, queued: writer.queued) }
}
