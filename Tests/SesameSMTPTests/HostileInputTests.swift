import Foundation
import SesameCore
import Testing

@testable import SesameSMTPProtocol

/// Input an attacker chooses: none of it may trap, and replies never echo raw bytes.
@Suite("SMTP hostile input")
struct HostileInputTests {
    typealias Machine = SMTPServerStateMachine

    /// A session that takes reports without AUTH (as `--bounce-domain` does), past EHLO.
    func feedbackSession() -> Machine {
        var configuration = Machine.Configuration(hostname: "smtp.test", maxMessageSize: 1000, startTLSAvailable: true)
        configuration.feedbackDomain = "bounces.example.com"
        var m = Machine(configuration: configuration, tlsActive: false)
        _ = m.received(.command("EHLO attacker"))
        return m
    }

    func code(_ action: Machine.Action) -> Int? {
        switch action {
        case .reply(let r), .replyThenClose(let r), .replyThenStartTLS(let r), .replyThenReadData(let r): return r.code
        default: return nil
        }
    }

    @Test(
        "MAIL parameters that are only '=' (or empty halves) are refused, not trapped on",
        arguments: [
            "MAIL FROM:<> =", "MAIL FROM:<> ==", "MAIL FROM:<> =x", "MAIL FROM:<> SIZE=", "MAIL FROM:<> BODY=", "MAIL FROM:<>   =  = ",
            "MAIL FROM:<a@b.example> =", "MAIL FROM:<", "MAIL FROM:<>>", "MAIL FROM:<> SIZE=-1",
            "MAIL FROM:<> SIZE=99999999999999999999999",
        ])
    func mailParameters(line: String) {
        var m = feedbackSession()
        let result = code(m.received(.command(line)))
        #expect(result.map { $0 >= 500 } == true, "\(line) -> \(String(describing: result))")
    }

    @Test("every command verb with odd arguments gets a reply, in every state")
    func oddArguments() {
        let verbs = ["EHLO", "HELO", "STARTTLS", "AUTH", "MAIL", "RCPT", "DATA", "RSET", "NOOP", "VRFY", "QUIT", "BDAT", "X"]
        let arguments = [
            "", "=", "==", ":", "<", ">", "<>", "FROM:", "TO:", "TO:<>", "PLAIN =", "LOGIN =", "PLAIN ====", "\u{0}", "é", "  ",
        ]
        for verb in verbs {
            for argument in arguments {
                var m = feedbackSession()
                _ = m.received(.command("MAIL FROM:<>"))
                _ = m.received(.command("RCPT TO:<x@bounces.example.com>"))
                let action = m.received(.command(argument.isEmpty ? verb : "\(verb) \(argument)"))
                if case .submit = action { Issue.record("\(verb) \(argument) submitted a message") }
            }
        }
    }

    @Test("replies quote client bytes safely: control characters and non-ASCII become '?', lines fit 512 octets")
    func safeReplies() {
        let reply = SMTPReplies.invalidSender("a\u{0}b\r\nc\u{7}é@x")
        #expect(reply.wire == "553 <a?b??c??@x> Invalid email address\r\n")
        let long = SMTPReplies.invalidRecipient(String(repeating: "x", count: 5000))
        let line = long.wire
        #expect(line.utf8.count == 512)
        #expect(line.hasSuffix("...\r\n"))
        #expect(SMTPReplies.ok.wire == "250 Ok\r\n")
    }

    @Test("random bytes through the framer and the state machine never trap")
    func randomBytes() {
        var generator = SeededGenerator(seed: 0x5E5A4E)
        for _ in 0..<300 {
            var framer = SMTPFramer(maxCommandLength: 64, maxMessageSize: 256)
            var m = feedbackSession()
            let length = Int.random(in: 0..<400, using: &generator)
            let alphabet = Array("MAIL FROM:<>RCPT TO:DATA\r\n.=@ AUTH PLAIN LOGIN EHLO x\u{0}".utf8)
            let bytes = (0..<length).map { _ in
                Bool.random(using: &generator) ? alphabet.randomElement(using: &generator)! : UInt8.random(in: 0...255, using: &generator)
            }
            framer.append(bytes)
            while let frame = framer.next(), !m.isClosed {
                switch m.received(frame) {
                case .replyThenReadData: framer.beginData()
                case .submit: _ = m.submitted(.success("id"))
                case .authenticate: _ = m.authenticated(.invalid)
                case .replyThenStartTLS: m.tlsEstablished()
                default: break
                }
            }
        }
    }
}

/// A small deterministic generator (SplitMix64) so a failure can be replayed.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
