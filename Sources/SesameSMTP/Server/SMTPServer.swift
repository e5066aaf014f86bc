import Foundation
public import Logging
import Metrics
public import NIOCore
import NIOPosix
public import NIOSSL
public import ServiceLifecycle
import SesameBackend
import SesameConcurrency
public import SesameCore
import SesameSMTPProtocol

/// Settings shared by every SMTP listener of a node.
public struct SMTPServerSettings: Sendable {
    /// The name in the greeting and the EHLO reply.
    public var hostname: String
    public var maxMessageSize: Int
    public var maxRecipients = 50
    /// `--bounce-domain`: mail to it is accepted without AUTH (delivery status notifications
    /// and complaint reports about sent mail).
    public var feedbackDomain: String?
    /// The custom MAIL FROM domains reports may come back to, read when a session starts.
    public var mailFromDomains: @Sendable () -> Set<String> = { [] }
    /// Open sessions across all listeners; one more is answered `421` and closed.
    public var maxConnections: Int
    /// Open sessions from one client address (Postfix's `smtpd_client_connection_count_limit`).
    public var maxConnectionsPerAddress = 50
    /// How long a client may take to finish a command; in message data, each byte received
    /// earns `1 / minDataRate` seconds more (Postfix's `smtpd_min_data_rate`), never more than this.
    public var idleTimeout: TimeAmount
    /// Bytes per second of message data below which a session runs out of time.
    public var minDataRate = 500
    public var sessionTimeout: TimeAmount
    public var tls: NIOSSLContext
    /// Inbound listeners (`--inbound-address`): the receiving rules and filters, read when a
    /// session starts, and SES receiving's 40 MB message limit.
    public var inboundPolicy: @Sendable () -> InboundPolicy = { InboundPolicy() }
    public var inboundMaxMessageSize = 40 * 1024 * 1024

    public init(
        hostname: String, maxMessageSize: Int, maxConnections: Int, idleTimeout: TimeAmount, sessionTimeout: TimeAmount,
        tls: NIOSSLContext
    ) {
        self.hostname = hostname
        self.maxMessageSize = maxMessageSize
        self.maxConnections = maxConnections
        self.idleTimeout = idleTimeout
        self.sessionTimeout = sessionTimeout
        self.tls = tls
    }
}

/// One listening address: STARTTLS offered (`implicitTLS == false`) or TLS from the first byte;
/// `inbound`: an MX listener for SES receiving (no AUTH, recipients as the receipt rules say).
public struct SMTPListenerSettings: Sendable {
    public var host: String
    public var port: Int
    public var implicitTLS: Bool
    public var inbound = false
    public var server: SMTPServerSettings
}

/// The open sessions, for the connection caps (in all, and per client address) and for
/// graceful shutdown.
final class SMTPConnectionRegistry: Sendable {
    enum Registration { case registered, tooMany, tooManyFromAddress }

    let limit: Int
    let perAddressLimit: Int
    let state = Locked<(channels: [ObjectIdentifier: any Channel], perAddress: [String: Int])>(([:], [:]))
    /// `sesame_smtp_sessions_open`: sessions on every listener of this node.
    let open = Meter(label: "sesame_smtp_sessions_open")

    init(limit: Int, perAddressLimit: Int) {
        self.limit = limit
        self.perAddressLimit = perAddressLimit
    }

    func register(_ channel: any Channel, address: String) -> Registration {
        state.withLock { state in
            guard state.channels.count < limit else { return .tooMany }
            guard state.perAddress[address, default: 0] < perAddressLimit else { return .tooManyFromAddress }
            state.channels[ObjectIdentifier(channel)] = channel
            state.perAddress[address, default: 0] += 1
            open.increment()
            return .registered
        }
    }

    func unregister(_ channel: any Channel, address: String) {
        state.withLock { state in
            guard state.channels.removeValue(forKey: ObjectIdentifier(channel)) != nil else { return }
            open.decrement()
            let left = state.perAddress[address, default: 1] - 1
            state.perAddress[address] = left > 0 ? left : nil
        }
    }

    var all: [any Channel] { state.withLock { Array($0.channels.values) } }
}

/// Sesame's SMTP interface: every `--smtp-address` (STARTTLS) and `--smtps-address` (implicit TLS)
/// listener, run as one service. On graceful shutdown it stops accepting, lets each session finish
/// what it is doing (a message being stored is stored and acknowledged), answers `421`, and waits.
public struct SMTPServer: Service {
    public struct Address: Sendable {
        public var host: String
        public var port: Int
        public init(host: String, port: Int) {
            self.host = host
            self.port = port
        }
    }

    let settings: SMTPServerSettings
    let startTLSAddresses: [Address]
    let implicitTLSAddresses: [Address]
    let inboundAddresses: [Address]
    let services: any SMTPSessionServices
    let logger: Logger
    let registry: SMTPConnectionRegistry
    let onBound: @Sendable ([(address: Address, implicitTLS: Bool, port: Int)]) async -> Void

    public init(
        settings: SMTPServerSettings, startTLSAddresses: [Address], implicitTLSAddresses: [Address], inboundAddresses: [Address] = [],
        services: any SMTPSessionServices, logger: Logger,
        onBound: @escaping @Sendable ([(address: Address, implicitTLS: Bool, port: Int)]) async -> Void = { _ in }
    ) {
        self.settings = settings
        self.startTLSAddresses = startTLSAddresses
        self.implicitTLSAddresses = implicitTLSAddresses
        self.inboundAddresses = inboundAddresses
        self.services = services
        self.logger = logger
        self.registry = SMTPConnectionRegistry(limit: settings.maxConnections, perAddressLimit: settings.maxConnectionsPerAddress)
        self.onBound = onBound
    }

    public func run() async throws {
        var channels: [any Channel] = []
        var bound: [(address: Address, implicitTLS: Bool, port: Int)] = []
        do {
            for (address, implicitTLS) in startTLSAddresses.map({ ($0, false) }) + implicitTLSAddresses.map({ ($0, true) }) {
                let listener = SMTPListenerSettings(host: address.host, port: address.port, implicitTLS: implicitTLS, server: settings)
                let channel = try await bind(listener)
                channels.append(channel)
                bound.append((address, implicitTLS, channel.localAddress?.port ?? address.port))
                logger.info(
                    "SMTP listening",
                    metadata: ["address": "\(address.host):\(address.port)", "tls": "\(implicitTLS ? "implicit" : "STARTTLS")"])
            }
            for address in inboundAddresses {
                var listener = SMTPListenerSettings(host: address.host, port: address.port, implicitTLS: false, server: settings)
                listener.inbound = true
                channels.append(try await bind(listener))
                logger.info("SMTP listening for inbound mail (receipt rules)", metadata: ["address": "\(address.host):\(address.port)"])
            }
        } catch {
            for channel in channels { try? await channel.close() }
            throw error
        }
        await onBound(bound)
        try? await gracefulShutdown()
        for channel in channels { try? await channel.close() }
        let open = registry.all
        for channel in open {
            channel.pipeline.fireUserInboundEventTriggered(SMTPShutdownEvent())
        }
        // Sessions storing a message finish that first; none takes long.
        for channel in open {
            let closed = channel.closeFuture
            let timeout = channel.eventLoop.scheduleTask(in: .seconds(30)) { channel.close(promise: nil) }
            try? await closed.get()
            timeout.cancel()
        }
    }

    func bind(_ listener: SMTPListenerSettings) async throws -> any Channel {
        let services = self.services, registry = self.registry, logger = self.logger
        let bootstrap = ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: 1024)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if listener.implicitTLS {
                        try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: listener.server.tls))
                    }
                    try channel.pipeline.syncOperations.addHandler(
                        SMTPServerHandler(listener: listener, services: services, registry: registry, logger: logger))
                }
            }
        do {
            return try await bootstrap.bind(host: listener.host, port: listener.port).get()
        } catch {
            throw SMTPListenError(
                description: "Could not listen for SMTP\(listener.implicitTLS ? "S" : "") on \(listener.host):\(listener.port): \(error). "
                    + "Is another program using that port? Choose another with --\(listener.inbound ? "inbound" : listener.implicitTLS ? "smtps" : "smtp")-address."
            )
        }
    }
}

public struct SMTPListenError: Error, CustomStringConvertible {
    public var description: String
}
