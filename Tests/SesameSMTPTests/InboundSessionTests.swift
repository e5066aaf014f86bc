import Foundation
import SesameCore
import Testing

@testable import SesameSMTPProtocol

/// The state machine as an inbound (MX) listener: no AUTH, any sender, recipients as the
/// receiving rules say.
@Suite("SMTP inbound session")
struct InboundSessionTests {
    typealias Machine = SMTPServerStateMachine

    func inbound() -> Machine {
        var configuration = Machine.Configuration(hostname: "mx.test", maxMessageSize: 1000, startTLSAvailable: true)
        configuration.inbound = { $0.lowercased().hasSuffix("@example.com") }
        return Machine(configuration: configuration, tlsActive: false)
    }

    func code(_ action: Machine.Action) -> Int? {
        switch action {
        case .reply(let r), .replyThenClose(let r), .replyThenStartTLS(let r), .replyThenReadData(let r): return r.code
        default: return nil
        }
    }

    @Test("mail from anyone, including the null sender, for the recipients the rules take")
    func acceptsOnlyRoutedRecipients() {
        var m = inbound()
        _ = m.received(.command("EHLO remote.example.net"))
        #expect(code(m.received(.command("MAIL FROM:<>"))) == 250)
        #expect(m.received(.command("RCPT TO:<nobody@elsewhere.test>")) == .reply(SMTPReplies.mailboxUnavailable))
        #expect(code(m.received(.command("RCPT TO:<Support@Example.com>"))) == 250)
        #expect(code(m.received(.command("DATA"))) == 354)
        #expect(
            m.received(.message(Array("Subject: hi\r\n\r\nx\r\n".utf8)))
                == .submit(
                    SMTPEnvelope(mailFrom: "", recipients: ["Support@Example.com"], heloName: "remote.example.net"),
                    Array("Subject: hi\r\n\r\nx\r\n".utf8)))
        #expect(m.submitted(.success("id")) == .reply(SMTPReplies.accepted("id")))
    }

    @Test("no AUTH, before or after STARTTLS")
    func noAuth() {
        var m = inbound()
        let lines: [String]
        if case .reply(let reply) = m.received(.command("EHLO c")) { lines = reply.lines } else { lines = [] }
        #expect(lines.contains("STARTTLS") && !lines.contains { $0.hasPrefix("AUTH") })
        _ = m.received(.command("STARTTLS"))
        m.tlsEstablished()
        if case .reply(let reply) = m.received(.command("EHLO c")) {
            #expect(!reply.lines.contains { $0.hasPrefix("AUTH") })
        }
        #expect(code(m.received(.command("AUTH PLAIN AGFiAGM="))) == 502)
    }
}
