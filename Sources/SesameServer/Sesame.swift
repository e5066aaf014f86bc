import Foundation
import Hummingbird
import HummingbirdWebSocket
public import Logging
import NIOCore
import NIOSSL
import ServiceLifecycle
import SesameAPI
public import SesameBackend
import SesameConcurrency
import SesameConsole
public import SesameCore
import SesameDelivery
import SesameHTTP
import SesamePostgres
import SesameSMTP
import SesameSQLite
public import SesameStorage
public import UnixSignals

/// A built Sesame node: store opened and migrated, account bootstrapped, listeners configured.
/// `main` and the tests both build it this way and then call `run()`.
public struct Sesame: Sendable {
    public let configuration: SesameConfiguration
    public let store: any Store
    public let account: Account
    public let bootstrap: Bootstrap.Outcome
    public let masterKeySource: String
    public let credentials: CredentialResolver
    /// Where the SMTP listeners' certificate came from (for the banner).
    public var tlsSource: String { tls.source }
    let tls: TLSSetup.Material
    let snsSigning: SNSSigningIdentity
    let logger: Logger

    /// Called once the HTTP listener is bound, with its actual port (useful with port 0).
    public typealias OnRunning = @Sendable (_ httpPort: Int) async -> Void

    public static func build(configuration: SesameConfiguration, logger: Logger) async throws -> Sesame {
        try DataDirectory.prepare(configuration.dataDirectory)
        let (masterKey, keySource) = try DataDirectory.masterKey(configuration)
        let tls = try TLSSetup.load(configuration)
        let secrets = try SecretBox(masterKey: masterKey)
        let store = try await openStore(configuration, logger: logger)
        do {
            try await store.migrate()
            let outcome = try await Bootstrap(store: store, secrets: secrets, passwordCost: configuration.passwordCost)
                .run(seed: configuration.seed)
            if let created = outcome.created, created.generatedSomething {
                try DataDirectory.writeRootCredentials(created, path: configuration.rootCredentialsPath)
            }
            let snsSigning = try await SNSSigningSetup.load(store: store, secrets: secrets, hostname: configuration.hostname)
            return Sesame(
                configuration: configuration, store: store, account: outcome.account, bootstrap: outcome,
                masterKeySource: keySource,
                credentials: CredentialResolver(store: store, secrets: secrets, logger: logger),
                tls: tls, snsSigning: snsSigning, logger: logger)
        } catch {
            await store.shutdown()
            throw error
        }
    }

    /// Opens (and migrates) the store a configuration names, for commands that work on it offline.
    /// Opens (and migrates) the configured store, runs `body` with the use cases that need only
    /// the store, and closes it.
    public static func withOperations<R: Sendable>(
        _ configuration: SesameConfiguration, logger: Logger, _ body: (StoreOperations) async throws -> R
    ) async throws -> R {
        let store = try await openMigratedStore(configuration, logger: logger)
        do {
            let result = try await body(StoreOperations(store: store))
            await store.shutdown()
            return result
        } catch {
            await store.shutdown()
            throw error
        }
    }

    public static func openMigratedStore(_ configuration: SesameConfiguration, logger: Logger) async throws -> any Store {
        let store = try await openStore(configuration, logger: logger)
        do {
            try await store.migrate()
        } catch {
            await store.shutdown()
            throw error
        }
        return store
    }

    static func openStore(_ configuration: SesameConfiguration, logger: Logger) async throws -> any Store {
        if let url = configuration.databaseURL {
            guard url.hasPrefix("postgres://") || url.hasPrefix("postgresql://") || url.hasPrefix("postgres+tcp://") else {
                throw DataDirectory.StartupError(
                    description:
                        "--database-url must be a PostgreSQL URL like postgres://user:password@host:5432/sesame (got a different scheme).")
            }
            let source = try PostgresSource(url: url, logger: logger)
            return SQLStore(source: source, logger: logger)
        }
        let source = try await SQLiteSource.open(path: configuration.sqlitePath, logger: logger)
        return SQLStore(source: source, logger: logger)
    }

    var secrets: SecretBox { credentials.secrets }

    /// The backends every front end shares (one message writer, one rate limiter, one cache).
    func makeBackends() throws -> (IAMBackend, SESBackend) {
        let clock = SystemWallClock()
        let iam = IAMBackend(store: store, secrets: secrets, credentials: credentials, clock: clock)
        var sesConfiguration = SESBackend.Configuration()
        sesConfiguration.sandbox = configuration.sandbox
        sesConfiguration.verifyIdentitiesImmediately = configuration.identityVerification == .immediate
        sesConfiguration.dnsVerification = configuration.identityVerification == .dns
        sesConfiguration.sourceAddresses = configuration.sourceAddresses
        sesConfiguration.objectStorageConfigured = configuration.objectStorage != nil
        sesConfiguration.dnsSchedule = DNSVerificationState.Schedule(interval: configuration.identityCheckInterval)
        sesConfiguration.verificationBaseURL = "http://\(configuration.httpAddress)"
        sesConfiguration.max24HourSend = configuration.max24HourSend ?? (configuration.sandbox ? 200 : 50_000)
        sesConfiguration.maxSendRate = configuration.maxSendRate ?? (configuration.sandbox ? 1 : 14)
        sesConfiguration.deliveryMode = configuration.delivery
        sesConfiguration.feedbackSender = "MAILER-DAEMON@\(configuration.hostname)"
        sesConfiguration.linkChecker = HTTPLinkChecker()
        if let url = configuration.releaseRelay {
            let settings = try RelayTransport.Settings.parse(url)
            var tls = TLSConfiguration.makeClientConfiguration()
            if configuration.relayInsecureTLS { tls.certificateVerification = .none }
            if let file = configuration.relayCAFile { tls.trustRoots = .file(file) }
            sesConfiguration.release = MailRelease(
                releaser: try RelayTransport(settings: settings, heloName: configuration.hostname, tls: tls, maxConnections: 2),
                allowed: configuration.releaseAllowed, relayName: "\(settings.endpoint.host):\(settings.endpoint.port)")
        }
        let sns = SNSBackend(store: store, clock: clock, signing: snsSigning, baseURL: "http://\(configuration.httpAddress)")
        let ses = SESBackend(store: store, clock: clock, configuration: sesConfiguration, secrets: secrets, sns: sns)
        return (iam, ses)
    }

    /// The HTTP application serving the AWS APIs.
    func makeHTTPApplication(
        iam: IAMBackend, ses: SESBackend, sqs: SQSBackend, smtpBound: WakeSignal, onRunning: @escaping OnRunning
    ) -> some ApplicationProtocol {
        let router = Router(context: SesameRequestContext.self)
        if let proxies = configuration.trustedProxies {
            router.add(middleware: ClientAddressMiddleware(trusted: { proxies.allows($0) }))
        }
        let sessions = ConsoleSessions(store: store, clock: ses.clock, passwordCost: configuration.passwordCost)
        APIRoutes.add(
            to: router, iam: iam, ses: ses, regions: configuration.regions, clock: ses.clock,
            localHostNames: [configuration.httpAddress.host, configuration.hostname],
            webIdentityKeys: configuration.oidcJWKS.isEmpty ? nil : ConfiguredWebIdentityKeys(sources: configuration.oidcJWKS),
            sqs: sqs, sessions: sessions, mailpitRoot: configuration.mailpitRoot)
        if let registry = configuration.metricsRegistry {
            MetricsRoute.add(to: router, registry: registry, allowed: configuration.metricsAllowed)
        }
        let listening = Locked(false)
        HealthRoutes(store: store, listening: listening).add(to: router)
        var consoleSettings = Console.Settings(
            hostname: configuration.hostname, regions: configuration.regions,
            startTLSPorts: configuration.smtpAddresses.map(\.port), tlsPorts: configuration.smtpsAddresses.map(\.port))
        consoleSettings.nodeName = configuration.nodeName
        do {
            let console = try Console(
                iam: iam, ses: ses, sqs: sqs,
                sessions: sessions,
                settings: consoleSettings,
                clock: ses.clock)
            console.addRoutes(to: router)
        } catch {
            logger.error("the console's templates did not compile; the console is off: \(error)")
        }
        let address = configuration.httpAddress
        let events = APIRoutes.mailpitEvents(
            iam: iam, ses: ses, clock: ses.clock, sessions: sessions,
            localHostNames: [configuration.httpAddress.host, configuration.hostname], root: configuration.mailpitRoot)
        return Application(
            router: router,
            // A connection silent for --http-idle-timeout (a body never sent, a client gone) is closed.
            // Mailpit's event stream is the one request upgraded to a WebSocket.
            server: .sesame(
                idleTimeout: TimeAmount(configuration.httpIdleTimeout), webSocketPath: events.path,
                shouldUpgrade: { request, channel, logger in await events.shouldUpgrade(request, channel: channel, logger: logger) }),
            configuration: .init(address: .hostname(address.host, port: address.port), serverName: "Sesame"),
            // "Running" means every listener is up: the SMTP listeners bind in their own service.
            onServerRunning: { channel in
                await smtpBound.wait(timeout: .seconds(30))
                // A listener that failed cancels the start: no banner for a node that is stopping.
                guard !Task.isCancelled else { return }
                listening.withLock { $0 = true }
                await onRunning(channel.localAddress?.port ?? address.port)
            },
            logger: logger)
    }

    /// The SMTP listeners, sending through the same SES backend as the APIs.
    func makeSMTPServer(ses: SESBackend, tls: TLSSetup.Material, bound: WakeSignal = WakeSignal()) -> SMTPServer {
        var checkerConfiguration = SMTPCredentialChecker.Configuration(regions: configuration.regions)
        checkerConfiguration.failureLimit = configuration.smtpAuthFailureLimit
        let checker = SMTPCredentialChecker(
            store: store, resolver: credentials, clock: ses.clock, configuration: checkerConfiguration, logger: logger)
        var settings = SMTPServerSettings(
            hostname: configuration.hostname, maxMessageSize: configuration.maxMessageSize,
            maxConnections: configuration.smtpMaxConnections, idleTimeout: .seconds(Int64(configuration.smtpIdleTimeout)),
            sessionTimeout: .seconds(Int64(configuration.smtpSessionTimeout)), tls: tls.context)
        settings.feedbackDomain = configuration.bounceDomain
        settings.mailFromDomains = { ses.mailFromDomains }
        settings.inboundPolicy = { ses.inbound.policy }
        settings.maxConnectionsPerAddress = configuration.smtpMaxConnectionsPerAddress
        return SMTPServer(
            settings: settings,
            startTLSAddresses: configuration.smtpAddresses.map { .init(host: $0.host, port: $0.port) },
            implicitTLSAddresses: configuration.smtpsAddresses.map { .init(host: $0.host, port: $0.port) },
            inboundAddresses: configuration.inboundAddresses.map { .init(host: $0.host, port: $0.port) },
            services: SESSMTPServices(checker: checker, resolver: credentials, ses: ses, logger: logger),
            logger: logger, onBound: { _ in bound.signal() })
    }

    /// The queue manager with the transport `--delivery` names (none in capture mode).
    func makeQueueManager(ses: SESBackend) throws -> QueueManager {
        let c = configuration
        let transport: (any DeliveryTransport)?
        switch c.delivery {
        case .capture:
            transport = nil
        case .relay:
            guard let url = c.relayURL else {
                throw DataDirectory.StartupError(description: "--delivery relay needs --relay-url smtp://user:password@host:587.")
            }
            var tls = TLSConfiguration.makeClientConfiguration()
            if c.relayInsecureTLS { tls.certificateVerification = .none }
            if let file = c.relayCAFile { tls.trustRoots = .file(file) }
            transport = try RelayTransport(
                settings: try RelayTransport.Settings.parse(url), heloName: c.hostname, tls: tls,
                maxConnections: c.connectionsPerDestination)
        case .mx:
            var routes: [String: SMTPEndpoint] = [:]
            for text in c.routes {
                let (domain, endpoint) = try MXTransport.parseRoute(text)
                routes[domain] = endpoint
            }
            transport = try MXTransport(
                resolver: try resolver(for: "--delivery mx"), routes: routes, port: c.mxPort, heloName: c.hostname,
                maxConnectionsPerDestination: c.connectionsPerDestination)
        }
        var settings = QueueManager.Settings()
        settings.retry = RetryPolicy(initialDelay: c.retryInitial, maximumDelay: max(c.retryInitial, 3600), maximumAge: c.retryMaxAge)
        settings.concurrency = c.deliveryConcurrency
        settings.memoryBudget = c.queueMemory
        settings.lease = c.deliveryLease
        settings.bounceDomain = c.bounceDomain
        return QueueManager(store: store, ses: ses, transport: transport, settings: settings, logger: logger)
    }

    /// Sesame's DNS resolver, asking `--dns-server` or the system's first nameserver.
    func resolver(for feature: String) throws -> DNSResolver {
        if let dns = configuration.dnsServer { return DNSResolver(server: try SocketAddress(ipAddress: dns.host, port: dns.port)) }
        if let system = DNSResolver.systemServer() { return DNSResolver(server: system) }
        throw DataDirectory.StartupError(
            description: "\(feature) needs a DNS server: /etc/resolv.conf names none, so give --dns-server HOST:PORT.")
    }

    /// Posts SNS messages (subscription confirmations, SES notifications) to their endpoints.
    func makeNotificationDispatcher(ses: SESBackend) -> NotificationDispatcher {
        var settings = NotificationDispatcher.Settings()
        settings.retry = RetryPolicy(initialDelay: configuration.retryInitial / 3, maximumDelay: 600, maximumAge: 3600)
        return NotificationDispatcher(
            store: store, clock: ses.clock, settings: settings, wake: ses.sns?.posted ?? WakeSignal(), logger: logger)
    }

    /// Runs until SIGTERM/SIGINT (or `ServiceGroup` cancellation), then shuts down gracefully:
    /// listeners stop first (SMTP sessions finish the message they are storing), pending
    /// bookkeeping is written, the store closes last.
    public func run(gracefulShutdownSignals: [UnixSignal] = [.sigterm, .sigint], onRunning: @escaping OnRunning = { _ in }) async throws {
        try await ListenerPreflight.check(configuration)
        let storeService = StoreService(store: store)
        let (iam, ses) = try makeBackends()
        let smtpBound = WakeSignal()
        var background: [ServiceGroupConfiguration.ServiceConfiguration] = []
        if configuration.identityVerification == .dns {
            let checker = IdentityDNSChecker(
                ses: ses, resolver: try resolver(for: "--identity-verification dns"), mailExchanger: configuration.hostname,
                logger: logger)
            background.append(.init(service: checker))
        }
        var storage: (any ObjectStorage)?
        switch configuration.objectStorage {
        case .s3(let endpoint, let key, let secret, let region):
            storage = S3ObjectStorage(endpoint: endpoint, accessKeyID: key, secretAccessKey: secret, region: region)
        case .directory(let path): storage = DirectoryObjectStorage(root: path)
        case nil: storage = nil
        }
        background.append(.init(service: DataJobRunner(ses: ses, storage: storage, logger: logger)))
        let sqs = SQSBackend(store: store, clock: ses.clock, baseURL: "http://\(configuration.httpAddress)")
        background.append(.init(service: MessageMoveRunner(sqs: sqs, logger: logger)))
        let c = configuration
        let doing =
            "HTTP \(c.httpAddress); SMTP \((c.smtpAddresses + c.smtpsAddresses).map(\.description).joined(separator: ", "))"
            + (c.inboundAddresses.isEmpty ? "" : "; inbound \(c.inboundAddresses.map(\.description).joined(separator: ", "))")
            + "; delivery \(c.delivery.rawValue)"
        background.append(
            .init(
                service: NodeHeartbeat(
                    operations: StoreOperations(store: store), node: c.nodeName, version: SesameVersion.current, doing: { doing },
                    interval: .seconds(5), logger: logger)))
        if !configuration.retention.keepsEverything {
            background.append(
                .init(
                    service: RetentionPruner(operations: StoreOperations(store: store), retention: configuration.retention, logger: logger))
            )
        }
        if configuration.metricsRegistry != nil {
            background.append(
                .init(service: MetricsSampler(operations: StoreOperations(store: store), interval: .seconds(5), logger: logger)))
        }
        background.append(
            .init(
                service: MailIndexService(
                    workbench: ses.workbench, busy: { ses.writer.committed(within: .milliseconds(500)) }, logger: logger)))
        if !configuration.inboundAddresses.isEmpty { background.append(.init(service: InboundPolicyRefresher(cache: ses.inbound))) }
        // Every node runs received mail's actions, whichever node's listener took it.
        let checks = DNSReceiptChecks(resolver: try? resolver(for: "receiving"), spamThreshold: configuration.inboundSpamThreshold)
        background.append(
            .init(
                service: ReceiptProcessor(ses: ses, checks: checks, storage: storage, settings: configuration.receipt, logger: logger)))
        var groupConfiguration = ServiceGroupConfiguration(
            services: [
                .init(service: storeService),
                // Stopped before the store (services stop in reverse order): the last
                // last-used records and the last accepted messages are written first.
                .init(service: credentials),
                .init(service: ses.writer),
                .init(service: ses.inboundWriter),
                .init(
                    service: try makeQueueManager(ses: ses), successTerminationBehavior: .gracefullyShutdownGroup,
                    failureTerminationBehavior: .gracefullyShutdownGroup),
                .init(service: makeNotificationDispatcher(ses: ses)),
                .init(service: SendingStateWarmUp(ses: ses, regions: configuration.regions)),
            ] + background + [
                .init(service: makeSMTPServer(ses: ses, tls: tls, bound: smtpBound)),
                .init(service: makeHTTPApplication(iam: iam, ses: ses, sqs: sqs, smtpBound: smtpBound, onRunning: onRunning)),
                .init(service: ShutdownWatch(timeout: configuration.shutdownTimeout, logger: logger)),
            ],
            gracefulShutdownSignals: gracefulShutdownSignals,
            logger: logger)
        // A service still waiting when the time is up (on a PostgreSQL that went away, say) is
        // cancelled, so a stop signal always stops the node. What was acknowledged is stored already.
        groupConfiguration.maximumGracefulShutdownDuration = configuration.shutdownTimeout
        try await ServiceGroup(configuration: groupConfiguration).run()
    }
}

/// Loads each region's sending state once the store is up, so the SMTP listeners know the
/// custom MAIL FROM domains reports may come back to before this node sends anything.
struct SendingStateWarmUp: Service {
    let ses: SESBackend
    let regions: [String]

    func run() async throws {
        await ses.warmUp(regions: regions)
        try? await gracefulShutdown()
    }
}

/// Says so when a stop takes longer than `--shutdown-timeout` and what still runs is cancelled.
/// It is the last service, so it hears of the stop first; it does not hold the stop up.
struct ShutdownWatch: Service {
    let timeout: Duration
    let logger: Logger

    func run() async throws {
        try? await gracefulShutdown()
        let (timeout, logger) = (timeout, logger)
        Task.detached {
            try await Task.sleep(for: timeout)
            logger.warning(
                "still stopping after --shutdown-timeout (\(timeout)): cancelling what still waits (is the store reachable?)")
        }
    }
}

/// Keeps the store open while the node runs and closes it at shutdown. It is the first service,
/// so graceful shutdown stops it last, after every service that writes.
struct StoreService: Service {
    let store: any Store

    func run() async throws {
        try? await gracefulShutdown()
        await store.shutdown()
    }
}
