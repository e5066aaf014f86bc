import Foundation
import Logging
import NIOCore
import NIOSSL
import NIOTLS
import SesameConcurrency
import SesameCore
import SesameSMTPProtocol

/// Asks a session to finish: it answers `421` at the next point where nothing is outstanding.
struct SMTPShutdownEvent: Sendable {}

/// Moves bytes between the socket and one session: input through `SMTPFramer` into
/// `SMTPServerStateMachine`, the machine's actions out to the wire or to `SMTPSessionServices`.
/// While an action is outstanding (a login check, a message being stored, the TLS handshake)
/// no input is interpreted and no more is read, so pipelined commands wait their turn.
final class SMTPServerHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = Never
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    let listener: SMTPListenerSettings
    let services: any SMTPSessionServices
    let registry: SMTPConnectionRegistry
    let logger: Logger
    var machine: SMTPServerStateMachine
    var framer: SMTPFramer
    var identity: SMTPSessionIdentity?
    /// Inbound listeners: the receiving rules and filters for this session.
    var inboundPolicy: InboundPolicy?
    var remoteAddress = "unknown"
    /// Who the services are told they serve; TLS state is the machine's.
    var client: SMTPClientInfo { SMTPClientInfo(remoteAddress: remoteAddress, tlsActive: machine.tlsActive) }
    var output: ByteBuffer?
    var readPending = false
    var closing = false
    var shutdownRequested = false
    var registered = false
    /// STARTTLS: the TLS handler is in place and the handshake must be read.
    var awaitingHandshake = false
    /// Logins and messages are checked and stored in tasks that run on this connection's loop.
    var loopExecutor: EventLoopTaskExecutor?
    var lastActivity = NIODeadline.now()
    var idleTimer: Scheduled<Void>?
    var sessionTimer: Scheduled<Void>?

    init(listener: SMTPListenerSettings, services: any SMTPSessionServices, registry: SMTPConnectionRegistry, logger: Logger) {
        self.listener = listener
        self.services = services
        self.registry = registry
        self.logger = logger
        let settings = listener.server
        let maxSize = listener.inbound ? settings.inboundMaxMessageSize : settings.maxMessageSize
        var configuration = SMTPServerStateMachine.Configuration(
            hostname: settings.hostname, maxMessageSize: maxSize, startTLSAvailable: !listener.implicitTLS)
        configuration.maxRecipients = settings.maxRecipients
        if listener.inbound {
            // The receiving rules as they stand when the session starts.
            let policy = settings.inboundPolicy()
            self.inboundPolicy = policy
            configuration.inbound = { policy.route($0) != nil }
        } else {
            configuration.feedbackDomain = settings.feedbackDomain
            configuration.mailFromDomains = settings.mailFromDomains()
        }
        self.machine = SMTPServerStateMachine(configuration: configuration, tlsActive: listener.implicitTLS)
        self.framer = SMTPFramer(maxMessageSize: maxSize)
    }

    // MARK: Lifecycle

    func channelActive(context: ChannelHandlerContext) {
        remoteAddress = context.channel.remoteAddress?.ipAddress ?? "unknown"
        switch registry.register(context.channel, address: remoteAddress) {
        case .registered: break
        case .tooManyFromAddress:
            closing = true
            write(SMTPReplies.tooManyConnectionsFromAddress, context: context)
            flushThenClose(context: context)
            return
        case .tooMany:
            closing = true
            write(SMTPReplies.tooManyConnections, context: context)
            flushThenClose(context: context)
            return
        }
        registered = true
        if let inboundPolicy, inboundPolicy.refuses(client: remoteAddress) {
            // A receipt filter blocks this client: refused before anything else.
            closing = true
            write(SMTPReplies.clientBlocked, context: context)
            flushThenClose(context: context)
            return
        }
        write(
            SMTPReplies.greeting(hostname: listener.server.hostname, sessionID: RandomIDs.pick(20, from: Self.idAlphabet)), context: context
        )
        flush(context: context)
        scheduleIdleTimer(context: context, at: lastActivity + listener.server.idleTimeout)
        let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        sessionTimer = context.eventLoop.scheduleTask(in: listener.server.sessionTimeout) {
            let (handler, context) = loopBound.value
            handler.timedOut(idle: false, context: context)
        }
        context.fireChannelActive()
    }

    static let idAlphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")

    func channelInactive(context: ChannelHandlerContext) {
        idleTimer?.cancel()
        sessionTimer?.cancel()
        closing = true
        if registered { registry.unregister(context.channel, address: remoteAddress) }
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        logger.debug("SMTP connection error: \(error)", metadata: ["client": "\(remoteAddress)"])
        closing = true
        context.close(promise: nil)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let tlsEvent = event as? TLSUserEvent, case .handshakeCompleted = tlsEvent, !machine.tlsActive {
            awaitingHandshake = false
            machine.tlsEstablished()
            process(context: context)
            return
        }
        if event is SMTPShutdownEvent {
            shutdownRequested = true
            if !machine.isWaiting { finish(SMTPReplies.shuttingDown, context: context) }
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    // MARK: Input

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !closing else { return }
        let buffer = unwrapInboundIn(data)
        if framer.mode == .data {
            // Message data earns time at the minimum rate only: a trickle cannot hold the slot.
            let earned = TimeAmount.nanoseconds(Int64(buffer.readableBytes) * 1_000_000_000 / Int64(max(1, listener.server.minDataRate)))
            let now = NIODeadline.now()
            lastActivity = min(now, lastActivity + earned)
        }
        buffer.withUnsafeReadableBytes { framer.append($0) }
        process(context: context)
    }

    func read(context: ChannelHandlerContext) {
        // Hold reads while an action is outstanding: the client's further input waits in the kernel.
        // (While closing, reads go on: a TLS handshake may still have to finish for the last reply.)
        // While a message is being stored, reading goes on until `readAhead` bytes wait in the
        // framer: pausing and resuming the socket would cost two system calls per message.
        if machine.isWaiting && !awaitingHandshake && !closing
            && !(machine.isStoringMessage && framer.bufferedByteCount < Self.readAhead)
        {
            readPending = true
            return
        }
        context.read()
    }

    /// The most input read ahead, unparsed, while a message is being stored.
    static let readAhead = 64 * 1024

    func process(context: ChannelHandlerContext) {
        while !machine.isWaiting && !closing {
            guard let frame = framer.next() else { break }
            // Only a whole command (or message) counts as activity: bytes trickled without
            // ever ending a line do not keep the session alive.
            lastActivity = .now()
            perform(machine.received(frame), context: context)
        }
        flush(context: context)
        if !machine.isWaiting && !closing && readPending {
            readPending = false
            context.read()
        }
    }

    // MARK: Actions

    func perform(_ action: SMTPServerStateMachine.Action, context: ChannelHandlerContext) {
        switch action {
        case .reply(let reply):
            write(reply, context: context)
        case .replyThenReadData(let reply):
            write(reply, context: context)
            framer.beginData()
        case .replyThenClose(let reply):
            finish(reply, context: context)
        case .replyThenStartTLS(let reply):
            startTLS(reply, context: context)
        case .authenticate(_, let username, let password):
            flush(context: context)
            let services = self.services, client = self.client
            let promise = context.eventLoop.makePromise(of: (SMTPServerStateMachine.AuthOutcome, SMTPSessionIdentity?).self)
            Task(executorPreference: executor(context)) {
                promise.succeed(await services.authenticate(username: username, password: password, client: client))
            }
            promise.futureResult.assumeIsolated().whenSuccess { [self] outcome in
                guard !closing else { return }
                identity = outcome.1
                resume(machine.authenticated(outcome.0), context: context)
            }
        case .submit(let envelope, let body):
            flush(context: context)
            let services = self.services, client = self.client, identity = self.identity, inbound = listener.inbound
            let promise = context.eventLoop.makePromise(of: Result<String, SMTPRefusal>.self)
            Task(executorPreference: executor(context)) {
                // Without a login the machine only lets mail for the bounce domain through: feedback.
                if inbound { return promise.succeed(await services.receiveInbound(envelope, body: body, client: client)) }
                guard let identity else { return promise.succeed(await services.receiveFeedback(envelope, body: body, client: client)) }
                promise.succeed(await services.submit(envelope, body: body, identity: identity, client: client))
            }
            promise.futureResult.assumeIsolated().whenSuccess { [self] result in
                // The message is stored (or refused) even if the client has gone meanwhile.
                guard !closing else { return }
                resume(machine.submitted(result), context: context)
            }
        }
    }

    func executor(_ context: ChannelHandlerContext) -> EventLoopTaskExecutor {
        if let loopExecutor { return loopExecutor }
        let executor = EventLoopTaskExecutor(context.eventLoop)
        loopExecutor = executor
        return executor
    }

    /// Continues after an outstanding action completed.
    func resume(_ action: SMTPServerStateMachine.Action, context: ChannelHandlerContext) {
        lastActivity = .now()
        perform(action, context: context)
        if shutdownRequested && !machine.isWaiting && !closing {
            finish(SMTPReplies.shuttingDown, context: context)
            return
        }
        process(context: context)
    }

    func startTLS(_ reply: SMTPReply, context: ChannelHandlerContext) {
        write(reply, context: context)
        let buffer = output ?? context.channel.allocator.buffer(capacity: 0)
        output = nil
        context.writeAndFlush(wrapOutboundOut(buffer)).assumeIsolated().whenComplete { [self] result in
            guard case .success = result, !closing else { return }
            // Anything the client sent after STARTTLS and before TLS is an injection attempt
            // (a later reply would appear to come from inside TLS): drop the connection.
            guard framer.bufferedByteCount == 0 else {
                logger.info("plaintext after STARTTLS; closing", metadata: ["client": "\(remoteAddress)"])
                closing = true
                context.close(promise: nil)
                return
            }
            do {
                let tls = NIOSSLServerHandler(context: listener.server.tls)
                try context.pipeline.syncOperations.addHandler(tls, position: .first)
            } catch {
                closing = true
                context.close(promise: nil)
                return
            }
            awaitingHandshake = true
            if readPending {
                readPending = false
                context.read()
            }
        }
    }

    func timedOut(idle: Bool, context: ChannelHandlerContext) {
        guard !closing else { return }
        if machine.isWaiting {
            // The server is the slow one (storing a message): not the client's fault.
            scheduleIdleTimer(context: context, at: .now() + .seconds(1))
            return
        }
        perform(machine.timedOut(idle: idle), context: context)
    }

    func scheduleIdleTimer(context: ChannelHandlerContext, at deadline: NIODeadline) {
        let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        idleTimer = context.eventLoop.scheduleTask(deadline: deadline) {
            let (handler, context) = loopBound.value
            let due = handler.lastActivity + handler.listener.server.idleTimeout
            if due > .now() && !handler.machine.isWaiting {
                handler.scheduleIdleTimer(context: context, at: due)
            } else {
                handler.timedOut(idle: true, context: context)
            }
        }
    }

    // MARK: Output

    func write(_ reply: SMTPReply, context: ChannelHandlerContext) {
        if output == nil { output = context.channel.allocator.buffer(capacity: 256) }
        output!.writeString(reply.wire)
    }

    func flush(context: ChannelHandlerContext) {
        guard let buffer = output, buffer.readableBytes > 0 else { return }
        output = nil
        context.writeAndFlush(wrapOutboundOut(buffer), promise: nil)
    }

    func finish(_ reply: SMTPReply, context: ChannelHandlerContext) {
        closing = true
        write(reply, context: context)
        flushThenClose(context: context)
    }

    func flushThenClose(context: ChannelHandlerContext) {
        let buffer = output ?? context.channel.allocator.buffer(capacity: 0)
        output = nil
        context.writeAndFlush(wrapOutboundOut(buffer)).assumeIsolated().whenComplete { _ in
            context.close(promise: nil)
        }
    }
}
