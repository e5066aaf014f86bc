import ArgumentParser
import Foundation
import Logging
import Metrics
import Prometheus
import SesameBackend
import SesameCore
import SesameDelivery
import SesameServer
import SesameStorage

/// Reads an option from the command line, else from `SESAME_<NAME>`, else the default.
enum Environment {
    static func value(_ name: String) -> String? {
        guard let value = ProcessInfo.processInfo.environment[name], !value.isEmpty else { return nil }
        return value
    }

    /// Repeatable options take a comma-separated list from the environment.
    static func flag(_ name: String) -> Bool {
        ["1", "true", "yes"].contains(value(name)?.lowercased() ?? "")
    }

    static func list(_ name: String) -> [String]? {
        value(name).map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty } }
    }
}

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Start the Sesame server.",
        discussion: """
            On a fresh data directory Sesame creates an AWS account with a root user and one root access key. Whatever it generated (password, access key) is written once to DATA/root-credentials.csv, readable by you only. Then, for example:

              export AWS_ACCESS_KEY_ID=... AWS_SECRET_ACCESS_KEY=...
              export AWS_DEFAULT_REGION=us-east-1
              aws --endpoint-url http://127.0.0.1:8080 iam create-user \\
                  --user-name alice

            The console is at http://127.0.0.1:8080/console; SMTP listens on 2587 (STARTTLS) and 2465 (TLS) with SES SMTP credentials (sesame smtp-password derives the password).

            Every option can also be set with an environment variable, shown in brackets; a command-line option wins over the variable. Repeatable options take a comma-separated list from the variable.

            First-start variables (ignored, with a warning, once the store exists):
              SESAME_ACCOUNT_ID              12-digit account ID (default: random)
              SESAME_ROOT_EMAIL              root email (root@sesame.localhost)
              SESAME_ROOT_PASSWORD           console password (default: generated)
              SESAME_ROOT_ACCESS_KEY_ID      root access key ID (generated)
              SESAME_ROOT_SECRET_ACCESS_KEY  its secret (generated)

            SESAME_MASTER_KEY (base64 of 32 bytes) encrypts stored secrets; without it Sesame keeps one in DATA/master.key. Nodes sharing one PostgreSQL database must share this key.

            SIGTERM or Ctrl-C stops Sesame gracefully.
            """)

    @Option(
        help: ArgumentHelp(
            "Directory for Sesame's files; created if missing. [SESAME_DATA_DIR] (default: ./sesame-data)", valueName: "path"))
    var dataDir: String?

    @Option(
        help: ArgumentHelp(
            "PostgreSQL store shared by several nodes, as postgres://user:pass@host:port/db. Without it the store is SQLite at DATA/sesame.sqlite. [SESAME_DATABASE_URL]",
            valueName: "url"))
    var databaseURL: String?

    @Option(
        help: ArgumentHelp("Where the AWS APIs (IAM, STS) listen. [SESAME_HTTP_ADDRESS] (default: 127.0.0.1:8080)", valueName: "host:port"))
    var httpAddress: String?

    @Option(
        help: ArgumentHelp(
            "SMTP listener that starts in plain text and offers STARTTLS (like SES's ports 25, 587 and 2587); repeatable. [SESAME_SMTP_ADDRESS] (default: 127.0.0.1:2587)",
            valueName: "host:port"))
    var smtpAddress: [String] = []

    @Option(
        help: ArgumentHelp(
            "SMTP listener with TLS from the first byte (like SES's ports 465 and 2465); repeatable. [SESAME_SMTPS_ADDRESS] (default: 127.0.0.1:2465)",
            valueName: "host:port"))
    var smtpsAddress: [String] = []

    @Option(
        help: ArgumentHelp(
            "Host name in the SMTP greeting, and the name the self-signed certificate is made for. [SESAME_HOSTNAME] (default: localhost)",
            valueName: "name"))
    var hostname: String?

    @Option(
        help: ArgumentHelp(
            "PEM certificate (chain) for SMTP's TLS; with --tls-key. Without both, a self-signed certificate for --hostname is made on first start and kept in DATA/tls/. [SESAME_TLS_CERTIFICATE]",
            valueName: "path"))
    var tlsCertificate: String?

    @Option(help: ArgumentHelp("PEM private key (unencrypted) for --tls-certificate. [SESAME_TLS_KEY]", valueName: "path"))
    var tlsKey: String?

    @Option(
        help: ArgumentHelp(
            "Largest message SMTP accepts, in bytes. [SESAME_MAX_MESSAGE_SIZE] (default: 41943040, SES's 40 MB)", valueName: "bytes"))
    var maxMessageSize: Int?

    @Option(
        help: ArgumentHelp(
            "Open SMTP sessions allowed across all listeners; more are answered 421. [SESAME_SMTP_MAX_CONNECTIONS] (default: 2000)",
            valueName: "n"))
    var smtpMaxConnections: Int?

    @Option(
        help: ArgumentHelp(
            "Open SMTP sessions allowed from one client IP address; more are answered 421. [SESAME_SMTP_MAX_CONNECTIONS_PER_ADDRESS] (default: 50)",
            valueName: "n"))
    var smtpMaxConnectionsPerAddress: Int?

    @Option(
        help: ArgumentHelp(
            "Seconds an SMTP client may take to finish a command (bytes that end no line do not count) before the session is closed; message data must also arrive at 500 bytes per second or more. [SESAME_SMTP_IDLE_TIMEOUT] (default: 300)",
            valueName: "seconds"))
    var smtpIdleTimeout: Int?

    @Option(
        help: ArgumentHelp(
            "Failed SMTP logins for one user name from one IP address within 15 minutes before that pair is refused (failures past half of it are slowed down; the same wrong password counts once; ten times as many across user names refuse the address). [SESAME_SMTP_AUTH_FAILURE_LIMIT] (default: 10)",
            valueName: "n"))
    var smtpAuthFailureLimit: Int?

    @Option(help: ArgumentHelp("An AWS region this node serves; repeatable. [SESAME_REGION] (default: us-east-1)", valueName: "name"))
    var region: [String] = []

    @Option(
        name: .customLong("max-24-hour-send"),
        help: ArgumentHelp(
            "Sending quota: recipients per 24 hours per region, as GetSendQuota reports it; --max-24-hour-send=-1 for no limit. [SESAME_MAX_24_HOUR_SEND] (default: 50000; 200 in the sandbox)",
            valueName: "n"))
    var max24HourSend: Int?

    @Option(
        help: ArgumentHelp(
            "Maximum send rate: recipients per second per region on this node; --max-send-rate=-1 for no limit. [SESAME_MAX_SEND_RATE] (default: 14; 1 in the sandbox)",
            valueName: "n"))
    var maxSendRate: Int?

    @Option(
        help: ArgumentHelp(
            "How new identities are verified: immediate (at once, as in capture mode); email (Sesame mails email addresses a confirmation link, served on the HTTP listener; the operator verifies domains: sesame identities verify); or dns (email addresses by link; domains as SES verifies them, when their _amazonses TXT record or their DKIM records appear in DNS, and custom MAIL FROM domains when their MX record names --hostname, looked up through --dns-server). [SESAME_IDENTITY_VERIFICATION] (default: immediate)",
            valueName: "mode"))
    var identityVerification: String?

    @Option(
        help: ArgumentHelp(
            "With --identity-verification dns: how often records still missing are looked for in the first hour (then every 15 intervals, giving up after 4,320: 72 hours at the default), and found records are checked again every 1,440 intervals (24 hours). [SESAME_IDENTITY_CHECK_INTERVAL] (default: 60)",
            valueName: "seconds"))
    var identityCheckInterval: String?

    @OptionGroup(title: "Import and export job files") var files: ObjectStorageOptions
    @OptionGroup(title: "Dedicated IP addresses") var dedicated: DedicatedAddressOptions
    @OptionGroup(title: "Receiving email") var inbound: InboundOptions
    @OptionGroup(title: "Metrics, logs and retention") var operations: OperationsOptions
    @OptionGroup(title: "Captured mail") var workbench: WorkbenchOptions

    @Flag(
        help: ArgumentHelp(
            "Run the account in SES's sandbox: recipients must be verified identities too (or the mailbox simulator), and the quota defaults to 200 recipients a day at 1 a second. [SESAME_SANDBOX=1]"
        ))
    var sandbox = false

    @Option(
        help: ArgumentHelp(
            "What happens to accepted mail: capture (keep it for inspection in the console and at /_aws/ses; deliver nothing), relay (hand every message to --relay-url) or mx (deliver to each recipient domain's MX hosts). The mailbox simulator (success@, bounce@, ooto@, complaint@, suppressionlist@simulator.amazonses.com) answers in every mode. [SESAME_DELIVERY] (default: capture)",
            valueName: "mode"))
    var delivery: String?

    @Option(
        help: ArgumentHelp(
            "The smarthost for --delivery relay: smtp://user:password@host:587 (STARTTLS, required when a user is given) or smtps://user:password@host:465 (TLS from the start). Add ?tls=none to a smtp:// URL for a relay without TLS. [SESAME_RELAY_URL]",
            valueName: "url"))
    var relayURL: String?

    @Option(
        help: ArgumentHelp(
            "PEM file of CA certificates the relay's certificate must chain to (default: the system's trust store). [SESAME_RELAY_CA_FILE]",
            valueName: "path"))
    var relayCAFile: String?

    @Flag(
        help: ArgumentHelp(
            "Accept any certificate from the relay (for a test relay with a self-signed certificate). [SESAME_RELAY_INSECURE_TLS=1]"))
    var relayInsecureTLS = false

    @Option(
        help: ArgumentHelp(
            "For --delivery mx: send mail for DOMAIN to HOST:PORT instead of its MX hosts, e.g. example.com=127.0.0.1:2525; repeatable. [SESAME_ROUTE, comma-separated]",
            valueName: "domain=host:port"))
    var route: [String] = []

    @Option(
        help: ArgumentHelp(
            "DNS server for MX lookups, as HOST:PORT. [SESAME_DNS_SERVER] (default: the first nameserver in /etc/resolv.conf)",
            valueName: "host:port"))
    var dnsServer: String?

    @Option(
        help: ArgumentHelp(
            "The signing keys (a JWKS document) of an OpenID Connect issuer, for STS AssumeRoleWithWebIdentity: ISSUER=FILE or ISSUER=URL, e.g. https://token.actions.githubusercontent.com=/etc/sesame/github-jwks.json; repeatable. Sesame reaches no internet to fetch them itself. [SESAME_OIDC_JWKS, comma-separated]",
            valueName: "issuer=source"))
    var oidcJwks: [String] = []

    @Option(help: ArgumentHelp("Port MX hosts are contacted on. [SESAME_MX_PORT] (default: 25)", valueName: "port"))
    var mxPort: Int?

    @Option(
        help: ArgumentHelp(
            "Seconds before the first retry of a temporary failure; later waits double, up to an hour. [SESAME_RETRY_INITIAL] (default: 60)",
            valueName: "seconds"))
    var retryInitial: Double?

    @Option(
        help: ArgumentHelp(
            "Seconds a recipient with temporary failures is retried before it bounces. [SESAME_RETRY_MAX_AGE] (default: 43200, 12 hours)",
            valueName: "seconds"))
    var retryMaxAge: Double?

    @Option(
        help: ArgumentHelp(
            "Deliveries (one message to one destination) in progress at once. [SESAME_DELIVERY_CONCURRENCY] (default: 64)", valueName: "n"))
    var deliveryConcurrency: Int?

    @Option(
        help: ArgumentHelp(
            "SMTP connections open at once to one destination host; they are reused between messages. [SESAME_CONNECTIONS_PER_DESTINATION] (default: 10)",
            valueName: "n"))
    var connectionsPerDestination: Int?

    @Option(
        help: ArgumentHelp(
            "A domain whose mail comes to Sesame (its MX points here): outgoing mail then has the envelope sender MESSAGE-ID@DOMAIN, and bounce reports (RFC 3464) and complaint reports (RFC 5965) sent back to it are taken on the SMTP listeners without AUTH and become Bounce and Complaint events. [SESAME_BOUNCE_DOMAIN]",
            valueName: "domain"))
    var bounceDomain: String?

    @Option(
        help: ArgumentHelp(
            "Seconds a node's claim on a recipient lasts; if the node dies while delivering, another node (or the restarted one) takes the recipient over after this. Keep it well above the longest delivery. [SESAME_DELIVERY_LEASE] (default: 600)",
            valueName: "seconds"))
    var deliveryLease: Double?

    @Option(
        help: ArgumentHelp(
            "Megabytes of message content the delivery queue holds in memory at once; the queue itself stays in the store. [SESAME_QUEUE_MEMORY] (default: 256)",
            valueName: "MiB"))
    var queueMemory: Int?

    @Option(
        help: ArgumentHelp("Log level: trace, debug, info, notice, warning, error. [SESAME_LOG_LEVEL] (default: info)", valueName: "level"))
    var logLevel: String?

    func address(_ text: String, option: String) throws -> HostPort {
        guard let parsed = HostPort(text) else {
            throw ValidationError("\(option) must look like HOST:PORT, e.g. 127.0.0.1:8080 (got '\(text)').")
        }
        return parsed
    }

    func makeConfiguration() throws -> SesameConfiguration {
        var configuration = SesameConfiguration()
        if let dir = dataDir ?? Environment.value("SESAME_DATA_DIR") { configuration.dataDirectory = dir }
        configuration.databaseURL = databaseURL ?? Environment.value("SESAME_DATABASE_URL")
        if let http = httpAddress ?? Environment.value("SESAME_HTTP_ADDRESS") {
            configuration.httpAddress = try address(http, option: "--http-address")
        }
        if let smtp = smtpAddress.isEmpty ? Environment.list("SESAME_SMTP_ADDRESS") : smtpAddress {
            configuration.smtpAddresses = try smtp.map { try address($0, option: "--smtp-address") }
        }
        if let smtps = smtpsAddress.isEmpty ? Environment.list("SESAME_SMTPS_ADDRESS") : smtpsAddress {
            configuration.smtpsAddresses = try smtps.map { try address($0, option: "--smtps-address") }
        }
        if let regions = region.isEmpty ? Environment.list("SESAME_REGION") : region {
            for name in regions where !Self.isRegionName(name) {
                throw ValidationError("--region '\(name)' is not a region name like us-east-1 or eu-west-1.")
            }
            configuration.regions = regions
        }
        // Every ARN begins with the partition of the regions served; one node serves one.
        guard Partition.configure(regions: configuration.regions) != nil else {
            let named = configuration.regions.map { "\($0) (\(Partition.of(region: $0)))" }.joined(separator: ", ")
            throw ValidationError("--region: the regions must be in one AWS partition, as an account's are; got \(named).")
        }
        if let quota = max24HourSend ?? Environment.value("SESAME_MAX_24_HOUR_SEND").flatMap({ Int($0) }) {
            guard quota >= -1 else { throw ValidationError("--max-24-hour-send must be -1 (no limit) or a number of recipients.") }
            configuration.max24HourSend = quota
        }
        if let rate = maxSendRate ?? Environment.value("SESAME_MAX_SEND_RATE").flatMap({ Int($0) }) {
            guard rate >= -1 else { throw ValidationError("--max-send-rate must be -1 (no limit) or recipients per second.") }
            configuration.maxSendRate = rate
        }
        if let name = hostname ?? Environment.value("SESAME_HOSTNAME") {
            guard !name.isEmpty, !name.contains(" ") else { throw ValidationError("--hostname must be a host name like mail.example.com.") }
            configuration.hostname = name
        }
        configuration.tlsCertificate = tlsCertificate ?? Environment.value("SESAME_TLS_CERTIFICATE")
        configuration.tlsKey = tlsKey ?? Environment.value("SESAME_TLS_KEY")
        if (configuration.tlsCertificate == nil) != (configuration.tlsKey == nil) {
            throw ValidationError("--tls-certificate and --tls-key go together: give both, or neither for a self-signed certificate.")
        }
        func positive(_ value: Int?, _ variable: String, _ option: String, minimum: Int = 1) throws -> Int? {
            guard let value = value ?? Environment.value(variable).flatMap({ Int($0) }) else { return nil }
            guard value >= minimum else { throw ValidationError("\(option) must be at least \(minimum) (got \(value)).") }
            return value
        }
        if let size = try positive(maxMessageSize, "SESAME_MAX_MESSAGE_SIZE", "--max-message-size", minimum: 1024) {
            configuration.maxMessageSize = size
        }
        if let n = try positive(smtpMaxConnections, "SESAME_SMTP_MAX_CONNECTIONS", "--smtp-max-connections") {
            configuration.smtpMaxConnections = n
        }
        if let n = try positive(
            smtpMaxConnectionsPerAddress, "SESAME_SMTP_MAX_CONNECTIONS_PER_ADDRESS", "--smtp-max-connections-per-address")
        {
            configuration.smtpMaxConnectionsPerAddress = n
        }
        if let n = try positive(smtpIdleTimeout, "SESAME_SMTP_IDLE_TIMEOUT", "--smtp-idle-timeout") { configuration.smtpIdleTimeout = n }
        if let n = try positive(smtpAuthFailureLimit, "SESAME_SMTP_AUTH_FAILURE_LIMIT", "--smtp-auth-failure-limit") {
            configuration.smtpAuthFailureLimit = n
        }
        try applyDelivery(to: &configuration, positive: positive)
        try applyWebIdentity(to: &configuration)
        try files.apply(to: &configuration)
        try dedicated.apply(to: &configuration)
        try inbound.apply(to: &configuration)
        try operations.apply(to: &configuration)
        try workbench.apply(to: &configuration)
        configuration.sandbox = sandbox || Environment.flag("SESAME_SANDBOX")
        let verification = identityVerification ?? Environment.value("SESAME_IDENTITY_VERIFICATION") ?? "immediate"
        guard let mode = IdentityVerificationMode(rawValue: verification) else {
            throw ValidationError("--identity-verification must be immediate, email or dns (got '\(verification)').")
        }
        configuration.identityVerification = mode
        if let text = identityCheckInterval ?? Environment.value("SESAME_IDENTITY_CHECK_INTERVAL") {
            guard let seconds = Double(text), seconds >= 0.001, seconds <= 3600 else {
                throw ValidationError("--identity-check-interval must be a number of seconds from 0.001 to 3600 (got '\(text)').")
            }
            configuration.identityCheckInterval = seconds
        }
        configuration.masterKey = Environment.value("SESAME_MASTER_KEY")
        configuration.seed = Bootstrap.Seed(
            accountID: Environment.value("SESAME_ACCOUNT_ID"), rootEmail: Environment.value("SESAME_ROOT_EMAIL"),
            rootPassword: Environment.value("SESAME_ROOT_PASSWORD"),
            rootAccessKeyID: Environment.value("SESAME_ROOT_ACCESS_KEY_ID"),
            rootSecretAccessKey: Environment.value("SESAME_ROOT_SECRET_ACCESS_KEY"))
        return configuration
    }

    static func isRegionName(_ name: String) -> Bool {
        let parts = name.split(separator: "-", omittingEmptySubsequences: false)
        return parts.count >= 3 && parts.allSatisfy { !$0.isEmpty && $0.allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber) } }
            && parts.last!.allSatisfy(\.isNumber)
    }

    func run() async throws {
        var configuration = try makeConfiguration()
        // Everything Sesame writes (database, keys, credentials) is for its owner only.
        umask(0o077)
        let levelText = logLevel ?? Environment.value("SESAME_LOG_LEVEL") ?? "info"
        guard let level = Logger.Level(rawValue: levelText) else {
            throw ValidationError("--log-level must be one of trace, debug, info, notice, warning, error (got '\(levelText)').")
        }
        try operations.bootstrapLogging(level: level, node: configuration.nodeName)
        let logger = Logger(label: "sesame")
        // One registry for the process: swift-metrics' counters land in it, /metrics reads it.
        if operations.metricsOn {
            let registry = PrometheusCollectorRegistry()
            MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
            configuration.metricsRegistry = registry
        }
        let sesame: Sesame
        do {
            sesame = try await Sesame.build(configuration: configuration, logger: logger)
        } catch {
            FileHandle.standardError.write(Data("sesame: cannot start: \(Self.explain(error))\n".utf8))
            throw ExitCode(1)
        }
        for warning in sesame.bootstrap.warnings { logger.warning("\(warning)") }
        do {
            try await sesame.run { port in
                Banner.print(sesame, httpPort: port)
            }
        } catch {
            // A listener that could not start, or a service that failed: say so and exit now,
            // whatever else is still winding down.
            let what = error is ListenerUnavailable ? "cannot start" : "stopped"
            FileHandle.standardError.write(Data("sesame: \(what): \(Self.explain(error))\n".utf8))
            await sesame.store.shutdown()
            Foundation.exit(1)
        }
    }
}
