import ArgumentParser
import Foundation
import NIOCore
import NIOPosix
import NIOSSL

/// SMTP load generator: N concurrent sessions, each sending M messages of a given size over one
/// connection (STARTTLS, implicit TLS or plain; AUTH PLAIN when credentials are given), with
/// PIPELINING for MAIL/RCPT/DATA. Prints acknowledged messages per second and latency percentiles
/// (from MAIL FROM to the final 250). `--idle-sessions` instead opens that many sessions, leaves
/// them idle and reports the server's resident memory.
struct SMTPBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "smtp", abstract: "Drive SMTP sessions at a server (127.0.0.1 only) and print messages per second.")

    enum TLSMode: String, ExpressibleByArgument { case none, starttls, implicit }

    @Option(help: "Target host (loopback only).") var host = "127.0.0.1"
    @Option(help: "Target port.") var port: Int
    @Option(help: "none, starttls or implicit.") var tls: TLSMode = .none
    @Option(help: "AUTH PLAIN user name (an access key ID); no AUTH without it.") var user: String?
    @Option(help: "AUTH PLAIN password (the SMTP password).") var password: String?
    @Option(help: "Concurrent sessions.") var sessions = 20
    @Option(help: "Messages per session, over one connection.") var messages = 1000
    @Option(help: "Message size in bytes (headers included).") var size = 1024
    @Option(help: "Envelope sender.") var from = "bench@example.com"
    @Option(help: "Recipient.") var to = "sink@example.net"
    @Option(help: "Open this many sessions, leave them idle, and report the server's memory instead.") var idleSessions: Int?
    @Option(help: "The server's process ID, for its resident memory (read from /proc).") var serverPid: Int?
    @Option(help: "Send this file as each message (CRLF line ends, e.g. a DKIM-signed message) instead of a generated one.")
    var messageFile: String?
    @Option(help: "Label printed with the results.") var label = "SMTP"
    @Flag(inversion: .prefixedNo, help: "Send MAIL FROM, RCPT TO and DATA in one write (PIPELINING), or each after the previous reply.")
    var pipelining = true

    func validate() throws {
        guard host == "127.0.0.1" || host == "localhost" || host == "::1" else {
            throw ValidationError("The load generator only targets loopback addresses.")
        }
        guard (user == nil) == (password == nil) else { throw ValidationError("--user and --password go together.") }
    }

    func run() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        do {
            try await drive(group: group)
        } catch {
            try? await group.shutdownGracefully()
            throw error
        }
        try? await group.shutdownGracefully()
    }

    func drive(group: MultiThreadedEventLoopGroup) async throws {
        var tlsConfiguration = TLSConfiguration.makeClientConfiguration()
        tlsConfiguration.certificateVerification = .none  // a benchmark of throughput, not of trust
        let sslContext = try NIOSSLContext(configuration: tlsConfiguration)
        var body = Self.message(from: from, to: to, size: size)
        if let messageFile {
            guard let data = FileManager.default.contents(atPath: messageFile) else {
                throw ValidationError("--message-file: cannot read \(messageFile)")
            }
            body = Array(data)
        }
        let plan = SMTPClientPlan(
            tls: tls, auth: user.map { u in Data("\0\(u)\0\(password!)".utf8).base64EncodedString() }, from: from, to: to,
            body: body, messages: idleSessions == nil ? messages : 0, holdOpen: idleSessions != nil, pipelining: pipelining)

        if let idle = idleSessions {
            let before = serverPid.flatMap(Self.residentKiB)
            var handlers: [SMTPLoadHandler] = []
            var channels: [any Channel] = []
            for _ in 0..<idle {
                let (channel, handler) = try await connect(group: group, plan: plan, sslContext: sslContext)
                channels.append(channel)
                handlers.append(handler)
            }
            for handler in handlers { _ = try await handler.ready.futureResult.get() }
            try await Task.sleep(for: .seconds(1))
            let after = serverPid.flatMap(Self.residentKiB)
            print(
                "\(label): \(idle) idle sessions open (greeted\(plan.tls != .none ? ", TLS up" : "")\(plan.auth != nil ? ", logged in" : ""))"
            )
            if let before, let after {
                print(
                    String(
                        format: "  server resident memory: %.1f MB before, %.1f MB with the sessions open (%.1f KB per session)",
                        Double(before) / 1024, Double(after) / 1024, Double(after - before) / Double(idle)))
            }
            for channel in channels { channel.close(promise: nil) }
            return
        }

        let started = ContinuousClock.now
        var handlers: [SMTPLoadHandler] = []
        for _ in 0..<sessions {
            let (_, handler) = try await connect(group: group, plan: plan, sslContext: sslContext)
            handlers.append(handler)
        }
        var latencies: [Double] = []
        var accepted = 0, refused = 0
        var firstError: String?
        for handler in handlers {
            let result = try await handler.done.futureResult.get()
            latencies += result.latencies
            accepted += result.accepted
            refused += result.refused
            if firstError == nil { firstError = result.error }
        }
        let elapsed = ContinuousClock.now - started
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        latencies.sort()
        func percentile(_ p: Double) -> Double {
            latencies.isEmpty ? 0 : latencies[min(latencies.count - 1, Int(Double(latencies.count) * p))] * 1000
        }
        print(
            "\(label): \(sessions) sessions x \(messages) messages of \(plan.body.count) bytes, TLS \(tls.rawValue), AUTH \(user == nil ? "no" : "PLAIN"), \(pipelining ? "pipelined" : "one command at a time")"
        )
        print(
            String(
                format: "  %d msg/s acknowledged (%d accepted, %d refused in %.2f s)", Int(Double(accepted) / seconds), accepted, refused,
                seconds))
        print(
            String(
                format: "  latency ms: p50 %.2f  p90 %.2f  p99 %.2f  max %.2f", percentile(0.5), percentile(0.9), percentile(0.99),
                latencies.last.map { $0 * 1000 } ?? 0))
        if let firstError { print("  first error: \(firstError)") }
    }

    func connect(
        group: MultiThreadedEventLoopGroup, plan: SMTPClientPlan, sslContext: NIOSSLContext
    ) async throws -> (any Channel, SMTPLoadHandler) {
        let eventLoop = group.next()
        let handler = SMTPLoadHandler(plan: plan, sslContext: sslContext, eventLoop: eventLoop)
        // The handler is in place before the connection is up, so the greeting cannot be missed.
        let channel = try await ClientBootstrap(group: eventLoop)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if plan.tls == .implicit {
                        try channel.pipeline.syncOperations.addHandler(try NIOSSLClientHandler(context: sslContext, serverHostname: nil))
                    }
                    try channel.pipeline.syncOperations.addHandler(handler)
                }
            }
            .connect(host: host, port: port).get()
        return (channel, handler)
    }

    static func message(from: String, to: String, size: Int) -> [UInt8] {
        var text = "From: \(from)\r\nTo: \(to)\r\nSubject: load test\r\nMessage-ID: <bench@example.com>\r\n\r\n"
        let line = String(repeating: "x", count: 76) + "\r\n"
        while text.utf8.count + line.utf8.count <= size { text += line }
        if text.utf8.count < size - 2 { text += String(repeating: "y", count: size - 2 - text.utf8.count) + "\r\n" }
        return Array(text.utf8)
    }

    static func residentKiB(_ pid: Int) -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
        for line in status.split(separator: "\n") where line.hasPrefix("VmRSS:") {
            return Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "")
        }
        return nil
    }
}

struct SMTPClientPlan: Sendable {
    var tls: SMTPBench.TLSMode
    var auth: String?
    var from: String
    var to: String
    var body: [UInt8]
    var messages: Int
    var holdOpen: Bool
    /// Send MAIL, RCPT and DATA in one write (RFC 2920); otherwise one command per reply, as
    /// smtp-source and Python's smtplib do.
    var pipelining = true
}

struct SMTPLoadResult: Sendable {
    var accepted = 0
    var refused = 0
    var latencies: [Double] = []
    var error: String?
}

/// One client session as a small state machine driven by server replies.
final class SMTPLoadHandler: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    enum Step { case greeting, ehlo, startTLS, auth, mailRcptData(replies: Int), body, quit }

    let plan: SMTPClientPlan
    let sslContext: NIOSSLContext
    let done: EventLoopPromise<SMTPLoadResult>
    let ready: EventLoopPromise<Void>
    var step = Step.greeting
    var tlsUp: Bool
    var authed = false
    var sent = 0
    var result = SMTPLoadResult()
    var lineBuffer: [UInt8] = []
    var messageStarted = ContinuousClock.now
    var envelope: ByteBuffer?
    var payload: ByteBuffer?

    init(plan: SMTPClientPlan, sslContext: NIOSSLContext, eventLoop: any EventLoop) {
        self.plan = plan
        self.sslContext = sslContext
        self.tlsUp = plan.tls == .implicit
        self.done = eventLoop.makePromise()
        self.ready = eventLoop.makePromise()
    }

    func send(_ context: ChannelHandlerContext, _ text: String) {
        context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(string: text)), promise: nil)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var buffer = unwrapInboundIn(data)
        lineBuffer.append(contentsOf: buffer.readBytes(length: buffer.readableBytes) ?? [])
        var start = 0
        var index = 0
        while index < lineBuffer.count {
            if lineBuffer[index] == 0x0A {
                let line = lineBuffer[start...index]
                start = index + 1
                if line.count >= 4, line[line.startIndex + 3] == 0x20 || line.count < 5 {
                    let code = Int(String(decoding: line.prefix(3), as: UTF8.self)) ?? 0
                    reply(code, String(decoding: line, as: UTF8.self), context: context)
                }
            }
            index += 1
        }
        lineBuffer.removeFirst(start)
    }

    func fail(_ text: String, context: ChannelHandlerContext) {
        if result.error == nil { result.error = text.trimmingCharacters(in: .whitespacesAndNewlines) }
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        ready.succeed()
        done.succeed(result)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        fail("\(error)", context: context)
    }

    func reply(_ code: Int, _ text: String, context: ChannelHandlerContext) {
        switch step {
        case .greeting:
            guard code == 220 else { return fail(text, context: context) }
            step = .ehlo
            send(context, "EHLO bench.example\r\n")
        case .ehlo:
            guard code == 250 else { return fail(text, context: context) }
            if plan.tls == .starttls && !tlsUp {
                step = .startTLS
                send(context, "STARTTLS\r\n")
            } else if let auth = plan.auth, !authed {
                step = .auth
                send(context, "AUTH PLAIN \(auth)\r\n")
            } else {
                nextMessage(context: context)
            }
        case .startTLS:
            guard code == 220 else { return fail(text, context: context) }
            do {
                try context.pipeline.syncOperations.addHandler(
                    try NIOSSLClientHandler(context: sslContext, serverHostname: nil), position: .first)
            } catch {
                return fail("\(error)", context: context)
            }
            tlsUp = true
            step = .ehlo
            send(context, "EHLO bench.example\r\n")
        case .auth:
            guard code == 235 else { return fail(text, context: context) }
            authed = true
            nextMessage(context: context)
        case .mailRcptData(let replies):
            if replies < 2 {
                if code != 250 { result.refused += 1; if result.error == nil { result.error = text } }
                step = .mailRcptData(replies: replies + 1)
                if !plan.pipelining { send(context, replies == 0 ? "RCPT TO:<\(plan.to)>\r\n" : "DATA\r\n") }
                return
            }
            guard code == 354 else {
                if result.error == nil { result.error = text }
                result.refused += 1
                send(context, "RSET\r\n")
                step = .quit
                return
            }
            step = .body
            if payload == nil {
                var buffer = context.channel.allocator.buffer(capacity: plan.body.count + 5)
                buffer.writeBytes(plan.body)
                buffer.writeString(".\r\n")
                payload = buffer
            }
            context.writeAndFlush(wrapOutboundOut(payload!), promise: nil)
        case .body:
            if code == 250 {
                result.accepted += 1
                let elapsed = ContinuousClock.now - messageStarted
                result.latencies.append(Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
            } else {
                result.refused += 1
                if result.error == nil { result.error = text }
            }
            nextMessage(context: context)
        case .quit:
            context.close(promise: nil)
        }
    }

    func nextMessage(context: ChannelHandlerContext) {
        if plan.holdOpen {
            ready.succeed()
            return
        }
        guard sent < plan.messages else {
            step = .quit
            send(context, "QUIT\r\n")
            return
        }
        sent += 1
        step = .mailRcptData(replies: 0)
        messageStarted = .now
        if envelope == nil {
            let commands = plan.pipelining ? "MAIL FROM:<\(plan.from)>\r\nRCPT TO:<\(plan.to)>\r\nDATA\r\n" : "MAIL FROM:<\(plan.from)>\r\n"
            envelope = context.channel.allocator.buffer(string: commands)
        }
        context.writeAndFlush(wrapOutboundOut(envelope!), promise: nil)
    }
}
