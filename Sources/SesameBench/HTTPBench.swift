import ArgumentParser
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import SesameAWSProtocol

/// A closed-loop load generator: N keep-alive connections, each sending one freshly signed
/// request after another for a fixed time. Prints requests per second and latency percentiles.
struct HTTPBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "http", abstract: "Drive signed GetCallerIdentity requests at an endpoint (127.0.0.1 only).")

    @Option(help: "Target host (loopback only).") var host = "127.0.0.1"
    @Option(help: "Target port.") var port: Int
    @Option(help: "Access key ID.") var accessKeyId: String
    @Option(help: "Secret access key.") var secretAccessKey: String
    @Option(help: "Concurrent keep-alive connections.") var connections = 32
    @Option(help: "Seconds to run.") var duration = 10.0
    @Option(help: "Client event-loop threads.") var threads = 1
    @Option(help: "Label printed with the result.") var label = "target"
    @Option(help: "What each request does: sts (GetCallerIdentity) or ses-send (SES v1 SendEmail, 1 recipient).")
    var operation = "sts"
    @Option(help: "Verified sender for ses-send.") var sender = "bench@example.com"

    func validate() throws {
        guard host == "127.0.0.1" || host == "localhost" || host == "::1" else {
            throw ValidationError("The load generator only targets loopback addresses.")
        }
    }

    func run() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: threads)
        guard operation == "sts" || operation == "ses-send" else { throw ValidationError("--operation must be sts or ses-send") }
        let signer = SigV4Signer(
            accessKeyID: accessKeyId, secret: secretAccessKey, region: "us-east-1", service: operation == "sts" ? "sts" : "ses")
        let body: [UInt8] =
            operation == "sts"
            ? Array("Action=GetCallerIdentity&Version=2011-06-15".utf8)
            : Array(
                ("Action=SendEmail&Version=2010-12-01&Source=\(sender)&Destination.ToAddresses.member.1=recipient%40example.net"
                    + "&Message.Subject.Data=Benchmark&Message.Body.Text.Data=" + String(repeating: "x", count: 1024)).replacingOccurrences(
                        of: "@", with: "%40"
                    ).utf8)
        let recorder = Recorder()
        let deadline = NIODeadline.now() + .milliseconds(Int64(duration * 1000))
        let hostHeader = "\(host):\(port)"
        let start = NIODeadline.now()
        // Each slot keeps one connection busy; when a server closes the connection after a
        // response (moto does, every time), the slot opens a new one until the time is up.
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            for _ in 0..<connections {
                tasks.addTask {
                    while NIODeadline.now() < deadline {
                        let done = group.next().makePromise(of: Void.self)
                        do {
                            let channel = try await ClientBootstrap(group: group)
                                .channelOption(.socketOption(.tcp_nodelay), value: 1)
                                .connectTimeout(.seconds(5))
                                .channelInitializer { channel in
                                    channel.eventLoop.makeCompletedFuture {
                                        try channel.pipeline.syncOperations.addHTTPClientHandlers()
                                        try channel.pipeline.syncOperations.addHandler(
                                            LoadHandler(
                                                signer: signer, host: hostHeader, deadline: deadline, recorder: recorder, done: done,
                                                body: body))
                                    }
                                }
                                .connect(host: host, port: port).get()
                            try await done.futureResult.get()
                            try? await channel.close()
                        } catch {
                            done.succeed(())
                            recorder.record([], errors: 1)
                            try await Task.sleep(for: .milliseconds(10))
                        }
                    }
                }
            }
            try await tasks.waitForAll()
        }
        let elapsed = Double((NIODeadline.now() - start).nanoseconds) / 1e9
        try await group.shutdownGracefully()
        let (latencies, errors) = recorder.results()
        let sorted = latencies.sorted()
        func pct(_ p: Double) -> Double { sorted.isEmpty ? 0 : Double(sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))]) / 1e6 }
        print(
            String(
                format: "%@: %.0f requests/s (%d ok, %d errors in %.1f s, %d connections); latency p50 %.2f ms, p90 %.2f ms, p99 %.2f ms",
                label, Double(sorted.count) / elapsed, sorted.count, errors, elapsed, connections, pct(0.5), pct(0.9), pct(0.99)))
        if errors > 0 && sorted.isEmpty { throw ExitCode(1) }
    }
}

/// Collects latencies from every connection (each connection's handler runs on one event loop).
final class Recorder: @unchecked Sendable {
    private let lock = NSLock()
    private var latencies: [Int64] = []
    private var errors = 0
    func record(_ local: [Int64], errors localErrors: Int) {
        lock.withLock {
            latencies += local
            errors += localErrors
        }
    }
    func results() -> ([Int64], Int) { lock.withLock { (latencies, errors) } }
}

final class LoadHandler: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundOut = HTTPClientRequestPart

    let signer: SigV4Signer
    let host: String
    let deadline: NIODeadline
    let recorder: Recorder
    let done: EventLoopPromise<Void>
    let body: [UInt8]
    var sentAt = NIODeadline.now()
    var status: HTTPResponseStatus = .ok
    var latencies: [Int64] = []
    var errors = 0
    var finished = false
    var keepAlive = true
    var timeout: Scheduled<Void>?

    init(signer: SigV4Signer, host: String, deadline: NIODeadline, recorder: Recorder, done: EventLoopPromise<Void>, body: [UInt8]) {
        self.body = body
        self.signer = signer
        self.host = host
        self.deadline = deadline
        self.recorder = recorder
        self.done = done
    }

    func channelActive(context: ChannelHandlerContext) {
        send(context: context)
    }

    func send(context: ChannelHandlerContext) {
        let base: [(name: String, value: String)] = [
            ("Host", host), ("Content-Type", "application/x-www-form-urlencoded; charset=utf-8"), ("Content-Length", String(body.count)),
        ]
        let signed = signer.sign(method: "POST", rawPath: "/", rawQuery: "", headers: base, body: body, date: Date())
        var head = HTTPRequestHead(version: .http1_1, method: .POST, uri: "/")
        for (name, value) in base + signed { head.headers.add(name: name, value: value) }
        sentAt = .now()
        // A request unanswered for 10 seconds counts as an error and ends the connection.
        let channel = context.channel
        timeout = context.eventLoop.scheduleTask(in: .seconds(10)) { [weak self] in
            self?.errors += 1
            channel.close(promise: nil)
        }
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(bytes: body)))), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            status = head.status
            keepAlive = head.isKeepAlive
        case .body:
            break
        case .end:
            if status == .ok {
                latencies.append((NIODeadline.now() - sentAt).nanoseconds)
            } else {
                errors += 1
            }
            timeout?.cancel()
            if NIODeadline.now() < deadline && keepAlive {
                send(context: context)
            } else {
                finish()
                context.close(promise: nil)
            }
        }
    }

    func finish() {
        guard !finished else { return }
        finished = true
        recorder.record(latencies, errors: errors)
        latencies = []
        errors = 0
        done.succeed(())
    }

    func channelInactive(context: ChannelHandlerContext) {
        timeout?.cancel()
        finish()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        errors += 1
        context.close(promise: nil)
    }
}
