import Foundation
public import NIOCore
public import NIOPosix
public import NIOSSL
public import SesameCore
public import SesameSMTPProtocol

/// Where a connection goes and how.
public struct SMTPEndpoint: Sendable, Hashable, CustomStringConvertible {
    public var host: String
    public var port: Int
    /// The name TLS checks the certificate against (the MX or relay host name).
    public var serverName: String

    public init(host: String, port: Int, serverName: String? = nil) {
        self.host = host
        self.port = port
        self.serverName = serverName ?? host
    }

    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}

/// Passes the server's bytes, cut into replies, to the connection's task. Moves bytes only.
final class SMTPClientReplyHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    var parser = SMTPReplyParser()
    /// Replies handed to the connection's task so far.
    var yielded = 0
    /// Replies the stream holds for the connection's task before the server is cut off.
    static let maxWaitingReplies = 256
    let continuation: AsyncThrowingStream<SMTPReply, any Error>.Continuation

    init(continuation: AsyncThrowingStream<SMTPReply, any Error>.Continuation) {
        self.continuation = continuation
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        buffer.withUnsafeReadableBytes { parser.append($0) }
        do {
            while let reply = try parser.next() {
                yielded += 1
                // The stream keeps at most `maxWaitingReplies`: more means the server sends replies
                // nobody asked for (a transaction has at most 52 outstanding), and memory would grow.
                if case .dropped = continuation.yield(reply) {
                    throw SMTPClientError("the server sent more than \(Self.maxWaitingReplies) replies nobody asked for; connection closed")
                }
            }
        } catch {
            continuation.finish(throwing: error)
            context.close(promise: nil)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        continuation.finish(throwing: SMTPClientError("the connection was closed"))
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        continuation.finish(throwing: error)
        context.close(promise: nil)
    }
}

public struct SMTPClientError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// One outgoing SMTP connection: the client state machine driven over a socket. It is used by
/// one task at a time (the pool hands it out exclusively), hence `@unchecked Sendable`.
public final class SMTPClientConnection: @unchecked Sendable {
    public let endpoint: SMTPEndpoint
    let channel: any Channel
    var replies: AsyncThrowingStream<SMTPReply, any Error>.AsyncIterator
    var machine: SMTPClientStateMachine
    let tlsContext: NIOSSLContext
    let timeout: TimeAmount
    /// Replies the task has taken from the stream.
    var consumed = 0
    public private(set) var lastUsed = ContinuousClock.now
    public var isUsable: Bool { machine.isReady && channel.isActive }

    init(
        endpoint: SMTPEndpoint, channel: any Channel, replies: AsyncThrowingStream<SMTPReply, any Error>, machine: SMTPClientStateMachine,
        tlsContext: NIOSSLContext, timeout: TimeAmount
    ) {
        self.endpoint = endpoint
        self.channel = channel
        self.replies = replies.makeAsyncIterator()
        self.machine = machine
        self.tlsContext = tlsContext
        self.timeout = timeout
    }

    /// Connects and sets the session up (greeting, EHLO, STARTTLS, AUTH). Throws with the reason
    /// when that fails; nothing has been sent for any message then.
    public static func open(
        to endpoint: SMTPEndpoint, configuration: SMTPClientStateMachine.Configuration, tls: NIOSSLContext,
        connectTimeout: TimeAmount = .seconds(10), timeout: TimeAmount = .seconds(60),
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton, source: String? = nil
    ) async throws -> SMTPClientConnection {
        let (stream, continuation) = AsyncThrowingStream<SMTPReply, any Error>.makeStream(
            bufferingPolicy: .bufferingOldest(SMTPClientReplyHandler.maxWaitingReplies))
        let implicit = configuration.tls == .implicit
        let sslContext = implicit ? tls : nil
        var bootstrap = ClientBootstrap(group: group)
        // A dedicated IP: the connection leaves from that local address.
        if let source { bootstrap = bootstrap.bind(to: try SocketAddress(ipAddress: source, port: 0)) }
        let channel =
            try await bootstrap
            .connectTimeout(connectTimeout)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let sslContext {
                        let tlsHandler = try NIOSSLClientHandler(
                            context: sslContext, serverHostname: Self.sniName(endpoint.serverName))
                        try channel.pipeline.syncOperations.addHandler(tlsHandler)
                    }
                    try channel.pipeline.syncOperations.addHandler(SMTPClientReplyHandler(continuation: continuation))
                }
            }
            .connect(host: endpoint.host, port: endpoint.port).get()
        let connection = SMTPClientConnection(
            endpoint: endpoint, channel: channel, replies: stream, machine: SMTPClientStateMachine(configuration: configuration),
            tlsContext: tls, timeout: timeout)
        do {
            var action = try await connection.machine.received(connection.nextReply())
            while true {
                switch action {
                case .send(let text):
                    try await connection.write(text)
                    action = try await connection.machine.received(connection.nextReply())
                case .startTLS:
                    try await connection.startTLS()
                    action = connection.machine.tlsEstablished()
                case .ready:
                    return connection
                case .failed(let reason):
                    connection.close()
                    throw SMTPClientError(reason)
                case .sendBody, .finished, .wait:
                    connection.close()
                    throw SMTPClientError("unexpected client state during set-up")
                }
            }
        } catch {
            connection.close()
            throw error
        }
    }

    /// Puts TLS under the session after the server's `220` to STARTTLS. Whatever the server sent
    /// after that `220` was sent in clear text and could have come from a man in the middle
    /// (response injection): any such byte, or reply not yet read, closes the connection instead.
    /// The check and the handler's insertion run as one step on the channel's event loop, so
    /// every later byte goes to TLS.
    func startTLS() async throws {
        let channel = self.channel, consumed = self.consumed, tls = self.tlsContext
        let serverName = Self.sniName(endpoint.serverName)
        try await channel.eventLoop.submit {
            let replies = try channel.pipeline.syncOperations.handler(type: SMTPClientReplyHandler.self)
            guard !replies.parser.hasBufferedInput, replies.yielded == consumed else {
                throw SMTPClientError("the server sent more after its 220 to STARTTLS (possible response injection); connection closed")
            }
            let handler = try NIOSSLClientHandler(context: tls, serverHostname: serverName)
            try channel.pipeline.syncOperations.addHandler(handler, position: .first)
        }.get()
    }

    /// SNI takes host names only, never addresses.
    static func sniName(_ name: String) -> String? {
        if name.contains(":") || name.split(separator: ".").allSatisfy({ Int($0) != nil }) { return nil }
        return name
    }

    /// Sends one message to `recipients`; an outcome for each. Errors on the way (a dropped
    /// connection, a timeout) become temporary failures for whoever has no outcome yet.
    public func send(from: String, to recipients: [String], body: [UInt8]) async -> [String: DeliveryOutcome] {
        var action = machine.begin(from: from, to: recipients)
        do {
            while true {
                switch action {
                case .send(let text):
                    try await write(text)
                    action = try await machine.received(nextReply())
                case .wait:
                    action = try await machine.received(nextReply())
                case .sendBody:
                    try await write(bytes: SMTPDotStuffing.encode(body))
                    action = try await machine.received(nextReply())
                case .finished(let outcomes):
                    lastUsed = .now
                    return outcomes
                case .failed(let reason):
                    close()
                    return Dictionary(uniqueKeysWithValues: recipients.map { ($0, .transient(reason: "\(endpoint): \(reason)")) })
                case .ready, .startTLS:
                    throw SMTPClientError("unexpected client state")
                }
            }
        } catch {
            close()
            return Dictionary(uniqueKeysWithValues: recipients.map { ($0, .transient(reason: "\(endpoint): \(error)")) })
        }
    }

    /// Ends the session politely, without waiting long.
    public func quit() async {
        if channel.isActive {
            try? await write(machine.quit())
        }
        close()
    }

    public func close() {
        channel.close(promise: nil)
    }

    func write(_ text: String) async throws {
        try await write(bytes: Array(text.utf8))
    }

    func write(bytes: [UInt8]) async throws {
        try await channel.writeAndFlush(channel.allocator.buffer(bytes: bytes))
    }

    /// The next reply, or an error when none comes within the timeout (the connection is closed then).
    func nextReply() async throws -> SMTPReply {
        let channel = self.channel
        let started = ContinuousClock.now
        let timer = channel.eventLoop.scheduleTask(in: timeout) { channel.close(promise: nil) }
        defer { timer.cancel() }
        do {
            guard let reply = try await replies.next() else { throw SMTPClientError("the connection was closed") }
            consumed += 1
            return reply
        } catch {
            if ContinuousClock.now - started >= .nanoseconds(timeout.nanoseconds) {
                throw SMTPClientError("no reply within \(timeout.nanoseconds / 1_000_000_000) s")
            }
            throw error
        }
    }
}
