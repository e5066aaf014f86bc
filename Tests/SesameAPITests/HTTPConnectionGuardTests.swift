import NIOCore
import NIOEmbedded
import NIOHTTP1
import Testing

@testable import SesameAPI

/// The guard right after NIO's request decoder: unparsable requests get an AWS error document and
/// the connection closes; a connection that sends no request head in time is closed; an
/// `Upgrade` Sesame will not honour is dropped from the first request.
@Suite struct HTTPConnectionGuardTests {
    func connection(timeout: TimeAmount = .seconds(5), webSocketPath: String? = "/api/events") throws -> EmbeddedChannel {
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandlers([
            HTTPResponseEncoder(), ByteToMessageHandler(HTTPRequestDecoder()),
            HTTPConnectionGuard(firstRequestTimeout: timeout, webSocketPath: webSocketPath),
        ])
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
        return channel
    }

    func written(_ channel: EmbeddedChannel) throws -> String {
        var text = ""
        while let buffer = try channel.readOutbound(as: ByteBuffer.self) { text += String(buffer: buffer) }
        return text
    }

    @Test func anOversizedRequestLineGetsAnAWSErrorAndTheConnectionCloses() throws {
        let channel = try connection()
        let request = "GET /?Action=" + String(repeating: "a", count: 90_000) + " HTTP/1.1\r\nHost: x\r\n\r\n"
        try channel.writeInbound(ByteBuffer(string: request))
        let answer = try written(channel)
        #expect(answer.hasPrefix("HTTP/1.1 400 Bad Request\r\n"))
        #expect(answer.contains("<Code>MalformedRequest</Code>"))
        #expect(answer.lowercased().contains("connection: close"))
        #expect(!channel.isActive)
    }

    @Test func bytesThatAreNotHTTPAfterAGoodRequestAreAnsweredToo() throws {
        let channel = try connection()
        try channel.writeInbound(ByteBuffer(string: "GET / HTTP/1.1\r\nHost: x\r\n\r\n"))
        guard case .head(let head)? = try channel.readInbound(as: HTTPServerRequestPart.self) else {
            Issue.record("the request head did not pass")
            return
        }
        #expect(head.uri == "/")
        #expect(try channel.readInbound(as: HTTPServerRequestPart.self) == .end(nil))
        try channel.writeInbound(ByteBuffer(string: "\u{01}\u{02} nonsense\r\n\r\n"))
        #expect(try written(channel).contains("<Code>MalformedRequest</Code>"))
        #expect(!channel.isActive)
    }

    @Test func aConnectionThatSendsNoRequestHeadIsClosedWhenTheTimeoutPasses() throws {
        let channel = try connection(timeout: .seconds(5))
        try channel.writeInbound(ByteBuffer(string: "GET / HTTP/1.1\r\nHost:"))  // a head never finished
        channel.embeddedEventLoop.advanceTime(by: .seconds(4))
        #expect(channel.isActive)
        channel.embeddedEventLoop.advanceTime(by: .seconds(1))
        #expect(!channel.isActive)
        #expect(try written(channel).isEmpty)
    }

    @Test func onceAHeadArrivesTheDeadlineIsOff() throws {
        let channel = try connection(timeout: .seconds(5))
        try channel.writeInbound(ByteBuffer(string: "GET /api/events HTTP/1.1\r\nHost: x\r\n\r\n"))
        channel.embeddedEventLoop.advanceTime(by: .seconds(60))
        #expect(channel.isActive)
        _ = try channel.finish()
    }

    func firstHead(_ channel: EmbeddedChannel, _ request: String) throws -> HTTPRequestHead? {
        try channel.writeInbound(ByteBuffer(string: request))
        guard case .head(let head)? = try channel.readInbound(as: HTTPServerRequestPart.self) else { return nil }
        return head
    }

    @Test func upgradesSesameWillNotHonourAreDroppedFromTheFirstRequest() throws {
        let h2c = try firstHead(
            try connection(),
            "GET /health HTTP/1.1\r\nHost: x\r\nConnection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABk\r\n\r\n")
        #expect(h2c?.uri == "/health" && h2c?.headers.contains(name: "upgrade") == false)
        let handshake =
            "Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
        // A WebSocket handshake elsewhere, or one missing its key, is plain HTTP too.
        let elsewhere = try firstHead(try connection(), "GET /health HTTP/1.1\r\nHost: x\r\n" + handshake)
        #expect(elsewhere?.headers.contains(name: "upgrade") == false)
        let keyless = try firstHead(
            try connection(), "GET /api/events HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n")
        #expect(keyless?.headers.contains(name: "upgrade") == false)
        let withoutStream = try firstHead(try connection(webSocketPath: nil), "GET /api/events HTTP/1.1\r\nHost: x\r\n" + handshake)
        #expect(withoutStream?.headers.contains(name: "upgrade") == false)
        // The event stream's own handshake keeps it, with a query string too.
        let stream = try firstHead(try connection(), "GET /api/events?x=1 HTTP/1.1\r\nHost: x\r\n" + handshake)
        #expect(stream?.headers["upgrade"] == ["websocket"])
    }
}
