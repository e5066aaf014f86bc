import Foundation
public import Prometheus
public import SesameBackend
public import SesameCore

/// `HOST:PORT`, with `[v6]:PORT` for IPv6.
public struct HostPort: Sendable, Equatable, CustomStringConvertible {
    public var host: String
    public var port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    public init?(_ text: String) {
        let host: Substring, portText: Substring
        if text.hasPrefix("["), let close = text.firstIndex(of: "]") {
            host = text[text.index(after: text.startIndex)..<close]
            let rest = text[text.index(after: close)...]
            guard rest.hasPrefix(":") else { return nil }
            portText = rest.dropFirst()
        } else {
            guard let colon = text.lastIndex(of: ":") else { return nil }
            host = text[..<colon]
            portText = text[text.index(after: colon)...]
        }
        guard !host.isEmpty, let port = Int(portText), (0...65535).contains(port) else { return nil }
        self.host = String(host)
        self.port = port
    }

    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}

/// Everything `sesame serve` can be told, with the defaults a fresh machine gets.
public struct SesameConfiguration: Sendable {
    public var dataDirectory: String = "./sesame-data"
    /// `postgres://user:pass@host:port/db`; nil keeps the store in SQLite at `DATA/sesame.sqlite`.
    public var databaseURL: String?
    public var httpAddress = HostPort(host: "127.0.0.1", port: 8080)
    /// How long an HTTP connection may stay silent before it is closed.
    public var httpIdleTimeout: Duration = .seconds(60)
    /// How long a graceful shutdown may take before what still runs is cancelled.
    public var shutdownTimeout: Duration = .seconds(30)
    public var smtpAddresses = [HostPort(host: "127.0.0.1", port: 2587)]
    public var smtpsAddresses = [HostPort(host: "127.0.0.1", port: 2465)]
    /// Inbound (MX) listeners for SES receiving (`--inbound-address`); none unless given.
    public var inboundAddresses: [HostPort] = []
    /// This node's name in metrics, logs, the console and `sesame nodes` (`--node-name`).
    public var nodeName = ProcessInfo.processInfo.hostName
    /// How long messages and events are kept (`--retain-messages`, `--retain-events`).
    public var retention = RetentionSettings()
    /// Reverse proxies whose `X-Forwarded-For` names the client (`--trusted-proxy`); nil: none.
    public var trustedProxies: AddressAllowList?
    /// The path the Mailpit-compatible API is served under (`--mailpit-root`), ending in `/`.
    public var mailpitRoot = "/"
    /// The relay captured mail is released through (`--release-relay`); nil: release is off.
    public var releaseRelay: String?
    /// Who released mail may go to (`--release-allow`): addresses, `@domain`s, or `*`.
    public var releaseAllowed = ["*"]
    /// Who may scrape `/metrics` besides loopback (`--metrics-allow`).
    public var metricsAllowed = try! AddressAllowList([], option: "--metrics-allow")
    /// Sesame's spam score at which received mail's `spamVerdict` is FAIL (GRAY from half of it).
    public var inboundSpamThreshold = 5
    /// Leases and retries of the receipt rule actions.
    public var receipt = SESBackend.ReceiptSettings()
    public var regions = ["us-east-1"]
    /// Base64 of 32 bytes (`SESAME_MASTER_KEY`); nil reads or creates `DATA/master.key`.
    public var masterKey: String?
    public var seed = Bootstrap.Seed()
    /// bcrypt cost for console passwords.
    public var passwordCost: UInt8 = 10
    /// Recipients per 24 hours per region; -1 for no limit; nil: SES's default (50,000, or 200 in the sandbox).
    public var max24HourSend: Int?
    /// Recipients per second per region; -1 for no limit; nil: SES's default (14, or 1 in the sandbox).
    public var maxSendRate: Int?
    /// SES's sandbox: recipients must be verified too, and the default quota is SES's sandbox quota.
    public var sandbox = false
    /// `immediate` (capture mode's default), `email` (a confirmation link is mailed) or `dns`.
    public var identityVerification: IdentityVerificationMode = .immediate
    /// `--identity-check-interval`: the DNS checks' base interval (SES's schedule at 60 s).
    public var identityCheckInterval: Double = 60
    /// The name SMTP greets with and the self-signed certificate is made for.
    public var hostname = "localhost"
    /// PEM files for the SMTP listeners' TLS; without them a self-signed certificate is used.
    public var tlsCertificate: String?
    public var tlsKey: String?
    /// Largest message SMTP accepts, in bytes (SES: 40 MB).
    public var maxMessageSize = 40 * 1024 * 1024
    /// Open SMTP sessions across all listeners.
    public var smtpMaxConnections = 2_000
    /// Open SMTP sessions from one client address.
    public var smtpMaxConnectionsPerAddress = 50
    /// Seconds an SMTP session may sit idle, and may last in all.
    public var smtpIdleTimeout = 300
    public var smtpSessionTimeout = 3_600
    /// Failed SMTP logins for one user name from one address within 15 minutes before the pair is refused.
    public var smtpAuthFailureLimit = 10

    // Delivery
    /// capture (keep mail, the default), relay (one smarthost) or mx (each domain's MX hosts).
    public var delivery: DeliveryMode = .capture
    /// `smtp[s]://user:password@host:port` for relay mode.
    public var relayURL: String?
    /// A PEM file of CA certificates the relay's certificate must chain to (default: the system's).
    public var relayCAFile: String?
    /// Accept any certificate from the relay (for a test relay with a self-signed certificate).
    public var relayInsecureTLS = false
    /// `DOMAIN=HOST:PORT` routes for mx mode, overriding DNS.
    public var routes: [String] = []
    /// The DNS server for MX lookups (default: the first nameserver of /etc/resolv.conf).
    public var dnsServer: HostPort?
    /// Where import and export job files live (`--s3-endpoint` or `--s3-directory`); nil: nowhere.
    public var objectStorage: ObjectStorageLocation?
    /// The host's addresses offered as dedicated IPs (`--source-address`).
    public var sourceAddresses: [String] = []
    /// Where swift-metrics' figures are collected for `GET /metrics` (the executable bootstraps
    /// the metrics system with it); nil: no `/metrics`.
    public var metricsRegistry: PrometheusCollectorRegistry?
    /// The port MX hosts are contacted on (25; a test network may use another).
    public var mxPort = 25
    /// First retry after this many seconds; waits double up to an hour.
    public var retryInitial: Double = 60
    /// Seconds a temporary failure is retried before it bounces (SES: about 12 hours).
    public var retryMaxAge: Double = 12 * 3600
    /// Deliveries in progress at once, and connections per destination.
    public var deliveryConcurrency = 64
    public var connectionsPerDestination = 10
    /// Seconds a node's claim on a recipient holds; a node that dies mid-delivery loses it then.
    public var deliveryLease: Double = 600
    /// The domain of per-message envelope senders (`MESSAGE-ID@DOMAIN`); reports mailed back to
    /// it are taken on the SMTP listeners without AUTH. nil: the envelope sender is the Source.
    public var bounceDomain: String?
    /// Bytes of message content the queue holds in memory at once.
    public var queueMemory = 256 << 20
    /// JWKS sources (a file path or an http(s) URL) by OIDC issuer (`host/path`), for
    /// AssumeRoleWithWebIdentity.
    public var oidcJWKS: [String: String] = [:]

    public init() {}

    public var sqlitePath: String { (dataDirectory as NSString).appendingPathComponent("sesame.sqlite") }
    public var masterKeyPath: String { (dataDirectory as NSString).appendingPathComponent("master.key") }
    public var rootCredentialsPath: String { (dataDirectory as NSString).appendingPathComponent("root-credentials.csv") }
}

/// How new identities become verified (`--identity-verification`).
public enum IdentityVerificationMode: String, Sendable, CaseIterable {
    /// At once, as soon as they are created.
    case immediate
    /// Email addresses by a confirmation link mailed to them; domains by the operator.
    case email
    /// Email addresses by a confirmation link; domains when their `_amazonses` TXT record or
    /// their DKIM records appear in DNS (and MAIL FROM domains when their MX record does).
    case dns
}

/// Where SES v2 import and export jobs read and write `s3://BUCKET/KEY` files.
public enum ObjectStorageLocation: Sendable, Equatable {
    case s3(endpoint: String, accessKeyID: String, secretAccessKey: String, region: String)
    case directory(String)
}
