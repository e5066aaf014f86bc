import Foundation
public import NIOCore
public import NIOSSL
public import SesameCore
public import SesameSMTPProtocol

/// Hands one message to the recipients that share a destination; an outcome for each.
public protocol DeliveryTransport: Sendable {
    /// Recipients with the same key travel together (over one session).
    func destination(of recipient: String) -> String
    /// `relay` or `mx`: the destination kind metrics name.
    var kind: String { get }
    func deliver(from: String, recipients: [String], body: [UInt8], options: DeliveryOptions) async -> [String: DeliveryOutcome]
    func shutdown() async
}

/// What a message's configuration set asks of one delivery.
public struct DeliveryOptions: Sendable, Equatable {
    /// `TlsPolicy: REQUIRE`: over TLS or not at all (recipients are deferred when the server
    /// offers no TLS).
    public var requireTLS = false
    /// The local address to send from (a dedicated IP of the set's sending pool; mx mode only).
    public var sourceAddress: String?

    public init(requireTLS: Bool = false, sourceAddress: String? = nil) {
        self.requireTLS = requireTLS
        self.sourceAddress = sourceAddress
    }
}

extension Dictionary where Key == String, Value == DeliveryOutcome {
    static func all(_ recipients: [String], _ outcome: DeliveryOutcome) -> Self {
        Dictionary(uniqueKeysWithValues: recipients.map { ($0, outcome) })
    }
}

/// `--relay-url smtp[s]://user:password@host:port`: every message goes to one smarthost.
/// `smtp://` uses STARTTLS (required when credentials are given, else when offered); `smtps://` is TLS from the start.
public struct RelayTransport: DeliveryTransport {
    public var kind: String { "relay" }
    public struct Settings: Sendable {
        public var endpoint: SMTPEndpoint
        public var tls: SMTPClientStateMachine.TLSPolicy
        public var username: String?
        public var password: String?

        /// Parses a relay URL; the error text says what is wrong, for `serve` to print.
        public static func parse(_ text: String) throws(SMTPClientError) -> Settings {
            guard let url = URLComponents(string: text), let scheme = url.scheme?.lowercased(), scheme == "smtp" || scheme == "smtps" else {
                throw SMTPClientError("--relay-url must look like smtp://user:password@host:587 or smtps://host:465 (got \(text)).")
            }
            guard let host = url.host, !host.isEmpty else { throw SMTPClientError("--relay-url names no host (got \(text)).") }
            let implicit = scheme == "smtps"
            let username = url.user?.removingPercentEncoding
            let password = url.password?.removingPercentEncoding
            let tls: SMTPClientStateMachine.TLSPolicy = implicit ? .implicit : (username != nil ? .required : .opportunistic)
            var policy = tls
            for item in url.queryItems ?? [] where item.name == "tls" {
                switch item.value {
                case "none": policy = implicit ? .implicit : .none
                case "required": policy = implicit ? .implicit : .required
                case "opportunistic": policy = implicit ? .implicit : .opportunistic
                default: throw SMTPClientError("--relay-url: tls= takes none, opportunistic or required (got \(item.value ?? "")).")
                }
            }
            return Settings(
                endpoint: SMTPEndpoint(host: host, port: url.port ?? (implicit ? 465 : 587)), tls: policy, username: username,
                password: password)
        }
    }

    let settings: Settings
    let sender: SMTPSender

    /// Builds the TLS context once (it reads trust roots from disk): every connection shares it.
    public init(settings: Settings, heloName: String, tls: TLSConfiguration, maxConnections: Int, timeout: TimeAmount = .seconds(60)) throws
    {
        self.settings = settings
        self.sender = SMTPSender(
            pool: SMTPConnectionPool(maxPerDestination: maxConnections),
            client: .init(heloName: heloName, tls: settings.tls, username: settings.username, password: settings.password),
            tls: try NIOSSLContext(configuration: tls), connectTimeout: .seconds(10), replyTimeout: timeout)
    }

    public func destination(of recipient: String) -> String { "relay" }

    /// The relay is reached from the host's own address: a sending pool's addresses apply to mx mode.
    public func deliver(from: String, recipients: [String], body: [UInt8], options: DeliveryOptions) async -> [String: DeliveryOutcome] {
        switch await sender.send(to: settings.endpoint, from: from, recipients: recipients, body: body, requireTLS: options.requireTLS) {
        case .success(let outcomes): return outcomes
        case .failure(let error): return .all(recipients, .transient(reason: "relay \(error.description)"))
        }
    }

    public func shutdown() async { await sender.pool.closeAll() }
}

/// Delivery to each recipient domain's mail exchangers (RFC 5321 section 5): MX hosts by
/// preference, the domain's own address when it has no MX, opportunistic STARTTLS.
/// `--route DOMAIN=HOST:PORT` entries override DNS.
public struct MXTransport: DeliveryTransport {
    public var kind: String { "mx" }
    let resolver: DNSResolver
    let routes: [String: SMTPEndpoint]
    let port: Int
    let sender: SMTPSender

    public init(
        resolver: DNSResolver, routes: [String: SMTPEndpoint], port: Int = 25, heloName: String, maxConnectionsPerDestination: Int,
        timeout: TimeAmount = .seconds(60)
    ) throws {
        self.resolver = resolver
        self.routes = routes
        self.port = port
        var tls = TLSConfiguration.makeClientConfiguration()
        // Opportunistic TLS, as MTAs do by default: encrypt when offered, accept any certificate.
        tls.certificateVerification = .none
        self.sender = SMTPSender(
            pool: SMTPConnectionPool(maxPerDestination: maxConnectionsPerDestination),
            client: .init(heloName: heloName, tls: .opportunistic), tls: try NIOSSLContext(configuration: tls),
            connectTimeout: .seconds(10),
            replyTimeout: timeout)
    }

    /// Parses `DOMAIN=HOST:PORT`.
    public static func parseRoute(_ text: String) throws(SMTPClientError) -> (String, SMTPEndpoint) {
        let parts = text.split(separator: "=", maxSplits: 1).map(String.init)
        guard parts.count == 2, !parts[0].isEmpty, let colon = parts[1].lastIndex(of: ":"),
            let port = Int(parts[1][parts[1].index(after: colon)...]), (1...65535).contains(port)
        else { throw SMTPClientError("--route must look like example.com=127.0.0.1:2525 (got \(text)).") }
        let host = String(parts[1][..<colon]).trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        return (parts[0].lowercased(), SMTPEndpoint(host: host, port: port))
    }

    public func destination(of recipient: String) -> String {
        recipient.split(separator: "@").last.map { $0.lowercased() } ?? ""
    }

    public func deliver(from: String, recipients: [String], body: [UInt8], options: DeliveryOptions) async -> [String: DeliveryOutcome] {
        let domain = destination(of: recipients[0])
        var endpoints: [SMTPEndpoint] = []
        if let route = routes[domain] {
            endpoints = [route]
        } else {
            do {
                let hosts = try await resolver.mailExchangers(domain)
                if hosts.isEmpty {
                    return .all(recipients, .permanent(reason: "556 5.1.10 \(domain) accepts no mail (null MX)", subType: .general))
                }
                for host in hosts {
                    for address in try await resolver.addresses(host) {
                        endpoints.append(SMTPEndpoint(host: address, port: port, serverName: host))
                    }
                }
            } catch let failure as DNSResolver.Failure where failure.nameDoesNotExist {
                return .all(recipients, .permanent(reason: "550 5.1.2 \(failure.description)", subType: .general))
            } catch {
                return .all(recipients, .transient(reason: "DNS: \(error)"))
            }
            if endpoints.isEmpty { return .all(recipients, .transient(reason: "no address found for the mail exchangers of \(domain)")) }
        }
        var reasons: [String] = []
        for endpoint in endpoints {
            switch await sender.send(
                to: endpoint, from: from, recipients: recipients, body: body, requireTLS: options.requireTLS, source: options.sourceAddress)
            {
            case .success(let outcomes): return outcomes
            case .failure(let error): reasons.append(error.description)
            }
        }
        return .all(recipients, .transient(reason: reasons.joined(separator: "; ")))
    }

    public func shutdown() async { await sender.pool.closeAll() }
}
