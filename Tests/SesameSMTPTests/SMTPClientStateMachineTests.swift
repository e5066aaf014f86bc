import Foundation
import SesameCore
import Testing

@testable import SesameSMTPProtocol

@Suite("SMTP client state machine")
struct SMTPClientStateMachineTests {
    typealias Machine = SMTPClientStateMachine

    func ready(_ capabilities: [String] = ["mx.test"], tls: Machine.TLSPolicy = .none) -> Machine {
        var machine = Machine(configuration: .init(heloName: "sesame.test", tls: tls))
        #expect(machine.received(SMTPReply(220, "mx.test ESMTP")) == .send("EHLO sesame.test\r\n"))
        #expect(machine.received(SMTPReply(code: 250, lines: capabilities)) == .ready)
        return machine
    }

    @Test func oneCommandAtATimeWithoutPipelining() {
        var machine = ready()
        #expect(machine.begin(from: "a@x.test", to: ["b@y.test", "c@y.test"]) == .send("MAIL FROM:<a@x.test>\r\n"))
        #expect(machine.received(SMTPReply(250, "ok")) == .send("RCPT TO:<b@y.test>\r\n"))
        #expect(machine.received(SMTPReply(550, "5.1.1 no such user")) == .send("RCPT TO:<c@y.test>\r\n"))
        #expect(machine.received(SMTPReply(250, "ok")) == .send("DATA\r\n"))
        #expect(machine.received(SMTPReply(354, "go")) == .sendBody)
        let done = machine.received(SMTPReply(250, "2.0.0 queued as X"))
        #expect(
            done
                == .finished([
                    "b@y.test": .permanent(reason: "550 5.1.1 no such user", subType: .noEmail),
                    "c@y.test": .delivered(reply: "250 2.0.0 queued as X"),
                ]))
        #expect(machine.isReady)
    }

    @Test func pipelinedTransactionSendsOneGroup() {
        var machine = ready(["mx.test", "PIPELINING", "8BITMIME"])
        #expect(
            machine.begin(from: "a@x.test", to: ["b@y.test", "c@y.test"])
                == .send("MAIL FROM:<a@x.test>\r\nRCPT TO:<b@y.test>\r\nRCPT TO:<c@y.test>\r\nDATA\r\n"))
        #expect(machine.received(SMTPReply(250, "ok")) == .wait)
        #expect(machine.received(SMTPReply(250, "ok")) == .wait)
        #expect(machine.received(SMTPReply(451, "4.3.0 try later")) == .wait)
        #expect(machine.received(SMTPReply(354, "go")) == .sendBody)
        #expect(
            machine.received(SMTPReply(250, "ok"))
                == .finished(["b@y.test": .delivered(reply: "250 ok"), "c@y.test": .transient(reason: "451 4.3.0 try later")]))
    }

    @Test func pipelinedWithEveryRecipientRefusedSendsNoBody() {
        var machine = ready(["mx.test", "PIPELINING"])
        _ = machine.begin(from: "a@x.test", to: ["b@y.test"])
        #expect(machine.received(SMTPReply(250, "ok")) == .wait)
        #expect(machine.received(SMTPReply(550, "no")) == .wait)
        // A server that still says 354 gets an empty message it will refuse, then RSET.
        #expect(machine.received(SMTPReply(354, "go")) == .send(".\r\n"))
        #expect(machine.received(SMTPReply(554, "no valid recipients")) == .send("RSET\r\n"))
        #expect(machine.received(SMTPReply(250, "ok")) == .finished(["b@y.test": .permanent(reason: "550 no", subType: .general)]))
    }

    @Test func refusedSenderFailsEveryRecipientAndResets() {
        var machine = ready()
        _ = machine.begin(from: "a@x.test", to: ["b@y.test", "c@y.test"])
        #expect(machine.received(SMTPReply(421, "4.7.0 too busy")) == .send("RSET\r\n"))
        #expect(
            machine.received(SMTPReply(250, "ok"))
                == .finished(["b@y.test": .transient(reason: "421 4.7.0 too busy"), "c@y.test": .transient(reason: "421 4.7.0 too busy")]))
    }

    @Test func refusedDataFailsTheAcceptedRecipients() {
        var machine = ready()
        _ = machine.begin(from: "a@x.test", to: ["b@y.test"])
        _ = machine.received(SMTPReply(250, "ok"))
        #expect(machine.received(SMTPReply(250, "ok")) == .send("DATA\r\n"))
        #expect(machine.received(SMTPReply(554, "5.7.1 rejected")) == .send("RSET\r\n"))
        #expect(
            machine.received(SMTPReply(250, "ok"))
                == .finished(["b@y.test": .permanent(reason: "554 5.7.1 rejected", subType: .contentRejected)]))
    }

    @Test func opportunisticTLSUpgradesWhenOfferedAndEHLOsAgain() {
        var machine = Machine(configuration: .init(heloName: "sesame.test", tls: .opportunistic))
        _ = machine.received(SMTPReply(220, "hi"))
        #expect(machine.received(SMTPReply(code: 250, lines: ["mx.test", "STARTTLS"])) == .send("STARTTLS\r\n"))
        #expect(machine.received(SMTPReply(220, "go ahead")) == .startTLS)
        #expect(machine.tlsEstablished() == .send("EHLO sesame.test\r\n"))
        #expect(machine.received(SMTPReply(code: 250, lines: ["mx.test", "PIPELINING"])) == .ready)
        #expect(machine.tlsActive && machine.pipelining)
    }

    @Test func opportunisticTLSGoesOnInPlainTextWhenNotOfferedOrRefused() {
        var plain = Machine(configuration: .init(heloName: "s", tls: .opportunistic))
        _ = plain.received(SMTPReply(220, "hi"))
        #expect(plain.received(SMTPReply(code: 250, lines: ["mx.test"])) == .ready)
        var refused = Machine(configuration: .init(heloName: "s", tls: .opportunistic))
        _ = refused.received(SMTPReply(220, "hi"))
        _ = refused.received(SMTPReply(code: 250, lines: ["mx.test", "STARTTLS"]))
        #expect(refused.received(SMTPReply(454, "TLS not available")) == .ready)
        #expect(!refused.tlsActive)
    }

    @Test func requiredTLSAndAuthentication() {
        var machine = Machine(configuration: .init(heloName: "s", tls: .required, username: "AKIAX", password: "secret"))
        _ = machine.received(SMTPReply(220, "hi"))
        #expect(
            machine.received(SMTPReply(code: 250, lines: ["relay.test", "AUTH PLAIN LOGIN"]))
                == .failed("the server does not offer STARTTLS, and TLS is required"))

        var good = Machine(configuration: .init(heloName: "s", tls: .required, username: "AKIAX", password: "secret"))
        _ = good.received(SMTPReply(220, "hi"))
        #expect(good.received(SMTPReply(code: 250, lines: ["relay.test", "STARTTLS"])) == .send("STARTTLS\r\n"))
        #expect(good.received(SMTPReply(220, "go")) == .startTLS)
        _ = good.tlsEstablished()
        let token = Data("\0AKIAX\0secret".utf8).base64EncodedString()
        #expect(good.received(SMTPReply(code: 250, lines: ["relay.test", "AUTH LOGIN PLAIN"])) == .send("AUTH PLAIN \(token)\r\n"))
        #expect(
            good.received(SMTPReply(535, "5.7.8 Authentication credentials invalid"))
                == .failed("AUTH: 535 5.7.8 Authentication credentials invalid"))
    }

    @Test func badGreetingAndHELOFallback() {
        var machine = Machine(configuration: .init(heloName: "s", tls: .none))
        #expect(machine.received(SMTPReply(554, "no service")) == .failed("greeting: 554 no service"))
        var old = Machine(configuration: .init(heloName: "s", tls: .opportunistic))
        _ = old.received(SMTPReply(220, "hi"))
        #expect(old.received(SMTPReply(502, "what?")) == .send("HELO s\r\n"))
        #expect(old.received(SMTPReply(250, "hello")) == .ready)
    }

    @Test func replyParserJoinsMultilineRepliesAcrossChunks() throws {
        var parser = SMTPReplyParser()
        parser.append(Array("250-mx.test\r\n250-PIPE".utf8))
        #expect(try parser.next() == nil)
        parser.append(Array("LINING\r\n250 SIZE 100\r\n354 go\n".utf8))
        #expect(try parser.next() == SMTPReply(code: 250, lines: ["mx.test", "PIPELINING", "SIZE 100"]))
        #expect(try parser.next() == SMTPReply(354, "go"))
        #expect(try parser.next() == nil)
        parser.append(Array("hello\r\n".utf8))
        #expect(throws: SMTPReplyParser.Malformed.self) { try parser.next() }
    }

    /// A server cannot grow one reply without end, nor send a line past the limit; a read full
    /// of short replies is taken apart whole.
    @Test func replyParserBoundsRepliesAndReadsManyAtOnce() throws {
        var endless = SMTPReplyParser()
        endless.append(Array(String(repeating: "250-more\r\n", count: 1000).utf8))
        #expect(try endless.next() == nil)
        endless.append(Array(String(repeating: "250-more\r\n", count: 2000).utf8))
        #expect(throws: SMTPReplyParser.Malformed.self) { try endless.next() }

        var long = SMTPReplyParser()
        long.append(Array(("250 " + String(repeating: "x", count: 5000) + "\r\n").utf8))
        #expect(throws: SMTPReplyParser.Malformed.self) { try long.next() }

        var many = SMTPReplyParser()
        many.append(Array(String(repeating: "250 ok\r\n", count: 20_000).utf8))
        many.append(Array("354 go\r\n550-".utf8))
        var replies = 0
        while let reply = try many.next() {
            #expect(reply == SMTPReply(250, "ok"))
            replies += 1
            if replies == 20_000 { break }
        }
        #expect(replies == 20_000)
        #expect(try many.next() == SMTPReply(354, "go"))
        #expect(try many.next() == nil && many.hasBufferedInput)
        many.append(Array("no\r\n550 such user\r\n".utf8))
        #expect(try many.next() == SMTPReply(code: 550, lines: ["no", "such user"]))
        #expect(!many.hasBufferedInput)
    }

    @Test func dotStuffingDoublesLeadingDotsAndEndsWithCRLF() {
        let raw = Array("Subject: x\r\n\r\n.hidden\r\nline\n..two\r\nlast".utf8)
        #expect(
            String(decoding: SMTPDotStuffing.encode(raw), as: UTF8.self) == "Subject: x\r\n\r\n..hidden\r\nline\r\n...two\r\nlast\r\n.\r\n")
        #expect(String(decoding: SMTPDotStuffing.encode(Array("a\r\n".utf8)), as: UTF8.self) == "a\r\n.\r\n")
    }
}
