import NIOCore
import NIOEmbedded
import SesameSMTPProtocol
import Testing

@testable import SesameDelivery

/// The outgoing connection's reply handler, without a socket: replies reach the connection's
/// task, and a server that floods replies nobody asked for is cut off instead of filling memory.
@Suite struct SMTPClientReplyHandlerTests {
    @Test func repliesArriveAndAFloodClosesTheConnection() async throws {
        let (stream, continuation) = AsyncThrowingStream<SMTPReply, any Error>.makeStream(
            bufferingPolicy: .bufferingOldest(SMTPClientReplyHandler.maxWaitingReplies))
        let channel = EmbeddedChannel(handler: SMTPClientReplyHandler(continuation: continuation))
        try await channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 25)).get()
        var replies = stream.makeAsyncIterator()

        try channel.writeInbound(ByteBuffer(string: "220 mx.test ESMTP\r\n250-mx.test\r\n250 PIPE"))
        #expect(try await replies.next() == SMTPReply(220, "mx.test ESMTP"))
        try channel.writeInbound(ByteBuffer(string: "LINING\r\n"))
        #expect(try await replies.next() == SMTPReply(code: 250, lines: ["mx.test", "PIPELINING"]))
        #expect(channel.isActive)

        // More replies than any transaction asks for, none of them read.
        let flood = String(repeating: "250 ok\r\n", count: SMTPClientReplyHandler.maxWaitingReplies + 1)
        try channel.writeInbound(ByteBuffer(string: flood))
        #expect(!channel.isActive)
        var read = 0
        await #expect(throws: SMTPClientError.self) {
            while try await replies.next() != nil { read += 1 }
        }
        #expect(read == SMTPClientReplyHandler.maxWaitingReplies)
    }
}
