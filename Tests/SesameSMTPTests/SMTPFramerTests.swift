import Testing

@testable import SesameSMTPProtocol

@Suite("SMTP framing")
struct SMTPFramerTests {
    func frames(_ framer: inout SMTPFramer) -> [SMTPFrame] {
        var out: [SMTPFrame] = []
        while let frame = framer.next() { out.append(frame) }
        return out
    }

    @Test("pipelined commands come out one by one, in order")
    func pipelined() {
        var framer = SMTPFramer(maxMessageSize: 1000)
        framer.append(Array("MAIL FROM:<a@b.example>\r\nRCPT TO:<c@d.example>\r\nDA".utf8))
        #expect(frames(&framer) == [.command("MAIL FROM:<a@b.example>"), .command("RCPT TO:<c@d.example>")])
        framer.append(Array("TA\r\n".utf8))
        #expect(frames(&framer) == [.command("DATA")])
        #expect(framer.bufferedByteCount == 0)
    }

    @Test("bare LF or CR in a command is refused, the next line still works")
    func bareLineEndings() {
        var framer = SMTPFramer(maxMessageSize: 1000)
        framer.append(Array("NOOP\nNO\rOP\r\nQUIT\r\n".utf8))
        #expect(frames(&framer) == [.commandBadLineEnding, .commandBadLineEnding, .command("QUIT")])
    }

    @Test("an over-long command line is reported once and discarded")
    func longLine() {
        var framer = SMTPFramer(maxCommandLength: 64, maxMessageSize: 1000)
        framer.append(Array(String(repeating: "X", count: 100).utf8))
        #expect(framer.next() == nil)
        #expect(framer.bufferedByteCount == 0)
        framer.append(Array((String(repeating: "Y", count: 50) + "\r\nNOOP\r\n").utf8))
        #expect(frames(&framer) == [.commandTooLong, .command("NOOP")])
    }

    @Test("DATA: dot-unstuffing, CRLF.CRLF ends it, what follows is a command again")
    func dataEnd() {
        var framer = SMTPFramer(maxMessageSize: 1000)
        framer.beginData()
        framer.append(Array("Subject: x\r\n\r\n..leading dot\r\n.\r\nQUIT\r\n".utf8))
        #expect(frames(&framer) == [.message(Array("Subject: x\r\n\r\n.leading dot\r\n".utf8)), .command("QUIT")])
    }

    @Test("DATA fed one byte at a time gives the same message")
    func dataByteByByte() {
        let out = dataFramesByteByByte("a\r\n..b\r\n.c\r\n\r\n.\r\nNOOP\r\n")
        #expect(out == [.message(Array("a\r\n.b\r\nc\r\n\r\n".utf8)), .command("NOOP")])
    }

    @Test(
        "SMTP smuggling: LF.LF, CRLF.LF and LF.CRLF do not end the message; no command leaks out",
        arguments: [
            ("x\n.\nMAIL FROM:<evil@example.com>\r\n", "x\r\n.\r\nMAIL FROM:<evil@example.com>\r\n"),
            ("x\r\n.\nMAIL FROM:<evil@example.com>\r\n", "x\r\n.\r\nMAIL FROM:<evil@example.com>\r\n"),
            ("x\n.\r\nMAIL FROM:<evil@example.com>\r\n", "x\r\n.\r\nMAIL FROM:<evil@example.com>\r\n"),
            ("x\n..\r\nMAIL FROM:<evil@example.com>\r\n", "x\r\n.\r\nMAIL FROM:<evil@example.com>\r\n"),
        ])
    func smuggling(payload: String, stored: String) {
        var framer = SMTPFramer(maxMessageSize: 1000)
        framer.beginData()
        framer.append(Array((payload + "real\r\n.\r\n").utf8))
        // The whole input is one message (bare LFs stored as CRLF); no command leaks out.
        #expect(frames(&framer) == [.message(Array((stored + "real\r\n").utf8))])
    }

    @Test("a bare CR anywhere in a message refuses it, and CR.CR does not end it")
    func bareCR() {
        var framer = SMTPFramer(maxMessageSize: 1000)
        framer.beginData()
        framer.append(Array("x\r.\rMAIL FROM:<evil@example.com>\r\nreal\r\n.\r\n".utf8))
        #expect(frames(&framer) == [.messageBadLineEnding])
    }

    @Test("bare LF line endings (Python's email package) are stored as CRLF, fed byte by byte too")
    func bareLFNormalised() {
        let out = dataFramesByteByByte("Subject: hi\n\nline one\n.leading dot stuffed\n\nend\n\r\n.\r\nNOOP\r\n")
        let expected = "Subject: hi\r\n\r\nline one\r\n.leading dot stuffed\r\n\r\nend\r\n\r\n"
        #expect(out == [.message(Array(expected.utf8)), .command("NOOP")])
    }

    @Test("a message over the size limit is read to its end and reported")
    func tooLarge() {
        var framer = SMTPFramer(maxMessageSize: 10)
        framer.beginData()
        framer.append(Array("0123456789ABCDEF\r\n".utf8))
        #expect(framer.next() == nil)
        framer.append(Array(".\r\nNOOP\r\n".utf8))
        #expect(frames(&framer) == [.messageTooLarge, .command("NOOP")])
    }

    @Test("a message exactly at the limit is accepted")
    func atLimit() {
        var framer = SMTPFramer(maxMessageSize: 7)
        framer.beginData()
        framer.append(Array("12345\r\n.\r\n".utf8))
        #expect(frames(&framer) == [.message(Array("12345\r\n".utf8))])
    }

    /// The frames of `input` read as message data, fed one byte at a time.
    func dataFramesByteByByte(_ input: String) -> [SMTPFrame] {
        var framer = SMTPFramer(maxMessageSize: 1000)
        framer.beginData()
        var out: [SMTPFrame] = []
        for byte in input.utf8 {
            framer.append([byte])
            while let frame = framer.next() { out.append(frame) }
        }
        return out
    }
}
