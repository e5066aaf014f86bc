import Foundation
import SesameCore
import Testing

@testable import SesameSMTPProtocol

@Suite("SMTP session state machine")
struct SMTPServerStateMachineTests {
    typealias Machine = SMTPServerStateMachine

    func machine(tls: Bool = false, implicit: Bool = false, maxErrors: Int = 20) -> Machine {
        var configuration = Machine.Configuration(hostname: "smtp.test", maxMessageSize: 1000, startTLSAvailable: !implicit)
        configuration.maxErrors = maxErrors
        return Machine(configuration: configuration, tlsActive: tls || implicit)
    }

    func reply(_ action: Machine.Action) -> SMTPReply? {
        if case .reply(let reply) = action { return reply }
        return nil
    }

    func code(_ action: Machine.Action) -> Int? {
        switch action {
        case .reply(let r), .replyThenClose(let r), .replyThenStartTLS(let r), .replyThenReadData(let r): return r.code
        default: return nil
        }
    }

    /// EHLO, STARTTLS done, EHLO again, logged in.
    func authenticated() -> Machine {
        var m = machine()
        _ = m.received(.command("EHLO client"))
        _ = m.received(.command("STARTTLS"))
        m.tlsEstablished()
        _ = m.received(.command("EHLO client"))
        _ = m.received(.command("AUTH PLAIN " + Data("\0AKIAEXAMPLE\0pw".utf8).base64EncodedString()))
        _ = m.authenticated(.success)
        return m
    }

    @Test("EHLO before TLS offers STARTTLS and no AUTH; after TLS, AUTH and no STARTTLS")
    func ehlo() {
        var m = machine()
        let before = reply(m.received(.command("EHLO client.example")))
        #expect(before == SMTPReply(code: 250, lines: ["smtp.test", "8BITMIME", "SIZE 1000", "PIPELINING", "STARTTLS", "Ok"]))
        #expect(m.received(.command("STARTTLS")) == .replyThenStartTLS(SMTPReply(220, "Ready to start TLS")))
        #expect(m.isWaiting)
        m.tlsEstablished()
        let after = reply(m.received(.command("ehlo client.example")))
        #expect(after == SMTPReply(code: 250, lines: ["smtp.test", "8BITMIME", "SIZE 1000", "PIPELINING", "AUTH PLAIN LOGIN", "Ok"]))
        #expect(SMTPReply(code: 250, lines: ["a", "Ok"]).wire == "250-a\r\n250 Ok\r\n")
    }

    @Test("implicit TLS: no STARTTLS offered, AUTH at once")
    func implicitTLS() {
        var m = machine(implicit: true)
        let lines = reply(m.received(.command("EHLO c")))?.lines ?? []
        #expect(!lines.contains("STARTTLS") && lines.contains("AUTH PLAIN LOGIN"))
        #expect(code(m.received(.command("STARTTLS"))) == 503)
    }

    @Test("AUTH before TLS: 530 Must issue a STARTTLS command first")
    func authBeforeTLS() {
        var m = machine()
        _ = m.received(.command("EHLO c"))
        #expect(reply(m.received(.command("AUTH LOGIN"))) == SMTPReply(530, "Must issue a STARTTLS command first"))
        #expect(reply(m.received(.command("AUTH PLAIN AGEAYg=="))) == SMTPReply(530, "Must issue a STARTTLS command first"))
    }

    @Test("MAIL before AUTH: 530 Authentication required, with or without TLS")
    func mailBeforeAuth() {
        var m = machine()
        _ = m.received(.command("EHLO c"))
        #expect(reply(m.received(.command("MAIL FROM:<a@b.example>"))) == SMTPReply(530, "Authentication required"))
        _ = m.received(.command("STARTTLS"))
        m.tlsEstablished()
        #expect(code(m.received(.command("MAIL FROM:<a@b.example>"))) == 503)  // EHLO again first (RFC 3207)
        _ = m.received(.command("EHLO c"))
        #expect(reply(m.received(.command("MAIL FROM:<a@b.example>"))) == SMTPReply(530, "Authentication required"))
    }

    @Test("STARTTLS forgets the session: a login made before cannot survive it")
    func startTLSResets() {
        var m = machine(tls: true)
        _ = m.received(.command("EHLO c"))
        m.tlsEstablished()
        #expect(!m.isAuthenticated)
        #expect(m.clientName == nil)
    }

    @Test("AUTH PLAIN with an initial response, and without one")
    func authPlain() {
        var m = machine(tls: true)
        _ = m.received(.command("EHLO c"))
        let token = Data("\0AKIAEXAMPLE\0secret pw".utf8).base64EncodedString()
        #expect(
            m.received(.command("AUTH PLAIN \(token)")) == .authenticate(mechanism: .plain, username: "AKIAEXAMPLE", password: "secret pw"))
        #expect(m.isWaiting)
        #expect(reply(m.authenticated(.invalid)) == SMTPReply(535, "Authentication Credentials Invalid"))
        #expect(reply(m.received(.command("AUTH PLAIN"))) == SMTPReply(334, ""))
        #expect(m.received(.command(token)) == .authenticate(mechanism: .plain, username: "AKIAEXAMPLE", password: "secret pw"))
        #expect(reply(m.authenticated(.success)) == SMTPReply(235, "Authentication successful."))
        #expect(m.isAuthenticated)
        #expect(code(m.received(.command("AUTH PLAIN \(token)"))) == 503)
    }

    @Test("AUTH LOGIN prompts as SES does; * cancels; bad Base64 is refused")
    func authLogin() {
        var m = machine(tls: true)
        _ = m.received(.command("EHLO c"))
        #expect(reply(m.received(.command("AUTH LOGIN"))) == SMTPReply(334, "VXNlcm5hbWU6"))
        #expect(reply(m.received(.command(Data("AKIAEXAMPLE".utf8).base64EncodedString()))) == SMTPReply(334, "UGFzc3dvcmQ6"))
        #expect(
            m.received(.command(Data("pw".utf8).base64EncodedString()))
                == .authenticate(mechanism: .login, username: "AKIAEXAMPLE", password: "pw"))
        #expect(reply(m.authenticated(.temporaryFailure)) == SMTPReply(454, "Temporary authentication failure"))
        _ = m.received(.command("AUTH LOGIN"))
        #expect(reply(m.received(.command("*"))) == SMTPReply(501, "Authentication cancelled"))
        _ = m.received(.command("AUTH LOGIN"))
        #expect(code(m.received(.command("!!!not base64"))) == 501)
        #expect(code(m.received(.command("AUTH CRAM-MD5"))) == 504)
    }

    @Test("a client refused for repeated failures is disconnected")
    func authRefused() {
        var m = machine(tls: true)
        _ = m.received(.command("EHLO c"))
        _ = m.received(.command("AUTH PLAIN " + Data("\0a\0b".utf8).base64EncodedString()))
        #expect(m.authenticated(.refused) == .replyThenClose(SMTPReplies.tooManyAuthFailures))
        #expect(m.isClosed)
    }

    @Test("a whole transaction: MAIL, RCPT, DATA, message, 250 Ok <id>")
    func transaction() {
        var m = authenticated()
        #expect(reply(m.received(.command("MAIL FROM:<sender@example.com> SIZE=100 BODY=8BITMIME"))) == SMTPReply(250, "Ok"))
        #expect(reply(m.received(.command("RCPT TO:<a@example.net>"))) == SMTPReply(250, "Ok"))
        #expect(reply(m.received(.command("RCPT TO: <b@example.net>"))) == SMTPReply(250, "Ok"))
        #expect(m.received(.command("DATA")) == .replyThenReadData(SMTPReply(354, "End data with <CR><LF>.<CR><LF>")))
        let body = Array("Subject: x\r\n\r\nhi\r\n".utf8)
        #expect(
            m.received(.message(body))
                == .submit(
                    SMTPEnvelope(
                        mailFrom: "sender@example.com", recipients: ["a@example.net", "b@example.net"], declaredSize: 100,
                        heloName: "client"), body))
        #expect(m.isWaiting)
        #expect(reply(m.submitted(.success("0100-id"))) == SMTPReply(250, "Ok 0100-id"))
        // The session goes on: a second transaction, then a refused one.
        _ = m.received(.command("MAIL FROM:<sender@example.com>"))
        _ = m.received(.command("RCPT TO:<a@example.net>"))
        _ = m.received(.command("DATA"))
        _ = m.received(.message(body))
        let refusal = SMTPRefusal(SMTPErrorMapping.reply(for: SesameError(.throttling, "Maximum sending rate exceeded.")))
        #expect(reply(m.submitted(.failure(refusal))) == SMTPReply(454, "Throttling failure: Maximum sending rate exceeded."))
        #expect(m.received(.command("QUIT")) == .replyThenClose(SMTPReply(221, "Bye")))
    }

    @Test("sequence errors: RCPT before MAIL, DATA before RCPT, nested MAIL; RSET clears")
    func sequence() {
        var m = authenticated()
        #expect(code(m.received(.command("RCPT TO:<a@example.net>"))) == 503)
        #expect(code(m.received(.command("DATA"))) == 503)
        _ = m.received(.command("MAIL FROM:<s@example.com>"))
        #expect(code(m.received(.command("MAIL FROM:<s@example.com>"))) == 503)
        #expect(code(m.received(.command("DATA"))) == 503)
        #expect(reply(m.received(.command("RSET"))) == SMTPReply(250, "Ok"))
        #expect(code(m.received(.command("RCPT TO:<a@example.net>"))) == 503)
        #expect(reply(m.received(.command("NOOP"))) == SMTPReply(250, "Ok"))
    }

    @Test("SES's address and size replies")
    func envelopeErrors() {
        var m = authenticated()
        #expect(reply(m.received(.command("MAIL FROM:<not-an-address>"))) == SMTPReply(553, "<not-an-address> Invalid email address"))
        #expect(reply(m.received(.command("MAIL FROM:<>"))) == SMTPReply(553, "<> Invalid email address"))
        #expect(reply(m.received(.command("MAIL FROM:<s@example.com> SIZE=5000"))) == SMTPReply(552, "Message is too long."))
        #expect(code(m.received(.command("MAIL FROM:<s@example.com> XFOO=1"))) == 555)
        _ = m.received(.command("MAIL FROM:<s@example.com>"))
        #expect(reply(m.received(.command("RCPT TO:<nobody>"))) == SMTPReply(553, "<nobody> address unknown"))
        #expect(code(m.received(.command("RCPT TO"))) == 501)
    }

    @Test("command verbs and paths in any case, with or without brackets and spaces")
    func pathSyntax() {
        var m = authenticated()
        #expect(reply(m.received(.command("mail from:  <s@example.com>   size=10"))) == SMTPReply(250, "Ok"))
        #expect(reply(m.received(.command("rcpt To:a@example.net"))) == SMTPReply(250, "Ok"))
        #expect(reply(m.received(.command("Rcpt tO: <ü@exämple.net>"))) == SMTPReply(250, "Ok"))
        #expect(m.received(.command("DATA")) == .replyThenReadData(SMTPReply(354, "End data with <CR><LF>.<CR><LF>")))
        let body = Array("Subject: x\r\n\r\nhi\r\n".utf8)
        #expect(
            m.received(.message(body))
                == .submit(
                    SMTPEnvelope(
                        mailFrom: "s@example.com", recipients: ["a@example.net", "ü@exämple.net"], declaredSize: 10, heloName: "client"),
                    body))
        _ = m.submitted(.success("id"))
        // Not the keyword, an unclosed bracket, nothing after the colon: syntax errors.
        for line in ["MAIL FRO:<s@example.com>", "MAIL FROM:<s@example.com", "MAIL", "MAIL FROMX", "MAIL ÜROM:<s@example.com>"] {
            #expect(code(m.received(.command(line))) == 501, "\(line)")
        }
        #expect(reply(m.received(.command("MAIL FROM:"))) == SMTPReply(553, "<> Invalid email address"))
        #expect(reply(m.received(.command("MAIL FROM:<s@example.com>"))) == SMTPReply(250, "Ok"))
        #expect(code(m.received(.command("RCPT TO:<a@example.net> NOTIFY=NEVER"))) == 555)
        #expect(code(m.received(.command("rcpt to:<a@example.net"))) == 501)
    }

    @Test("more than 50 recipients: 554 Transaction failed: Recipient count exceeds 50.")
    func recipientLimit() {
        var m = authenticated()
        _ = m.received(.command("MAIL FROM:<s@example.com>"))
        for i in 0..<51 { _ = m.received(.command("RCPT TO:<r\(i)@example.net>")) }
        #expect(reply(m.received(.command("DATA"))) == SMTPReply(554, "Transaction failed: Recipient count exceeds 50."))
        // The transaction is over; a new one may start.
        #expect(reply(m.received(.command("MAIL FROM:<s@example.com>"))) == SMTPReply(250, "Ok"))
    }

    @Test("refused message data: too large, bare line endings")
    func badData() {
        var m = authenticated()
        _ = m.received(.command("MAIL FROM:<s@example.com>"))
        _ = m.received(.command("RCPT TO:<a@example.net>"))
        _ = m.received(.command("DATA"))
        #expect(reply(m.received(.messageTooLarge)) == SMTPReply(552, "Message is too long."))
        _ = m.received(.command("MAIL FROM:<s@example.com>"))
        _ = m.received(.command("RCPT TO:<a@example.net>"))
        _ = m.received(.command("DATA"))
        #expect(code(m.received(.messageBadLineEnding)) == 554)
        #expect(reply(m.received(.command("MAIL FROM:<s@example.com>"))) == SMTPReply(250, "Ok"))
    }

    @Test("unknown commands, long or bare-LF lines count as errors; too many close the session")
    func errorLimit() {
        var m = machine(maxErrors: 5)
        #expect(code(m.received(.command("FOO"))) == 500)
        #expect(code(m.received(.commandTooLong)) == 500)
        #expect(code(m.received(.commandBadLineEnding)) == 500)
        #expect(code(m.received(.command("EXPN x"))) == 502)
        #expect(m.received(.command("BAR")) == .replyThenClose(SMTPReplies.tooManyErrors))
        #expect(m.isClosed)
    }

    @Test("timeouts close with SES's texts")
    func timeouts() {
        var m = machine()
        #expect(m.timedOut(idle: true) == .replyThenClose(SMTPReply(451, "Timeout waiting for data from client")))
        var n = machine()
        #expect(code(n.timedOut(idle: false)) == 421)
    }

    @Test("backend refusals become SES's SMTP replies")
    func refusals() {
        let denied = SMTPErrorMapping.reply(
            for: SesameError(
                .accessDenied,
                "User `arn:aws:iam::123456789012:user/u' is not authorized to perform `ses:SendRawEmail' on resource `arn:aws:ses:us-east-1:123456789012:identity/a@b.example'"
            ))
        #expect(
            denied.wire
                == "554 Access denied: User `arn:aws:iam::123456789012:user/u' is not authorized to perform `ses:SendRawEmail' on resource `arn:aws:ses:us-east-1:123456789012:identity/a@b.example'\r\n"
        )
        #expect(SMTPErrorMapping.reply(for: SesameError(.messageRejected, "Email address is not verified.")).code == 554)
        #expect(
            SMTPErrorMapping.reply(for: SesameError(.temporarilyUnavailable, "busy")) == SMTPReply(451, "4.3.0 Temporary service failure"))
    }

    /// The SMTP code each `SesameError.Code` gets; codes with no SMTP meaning are temporary.
    static let smtpCodes: [String: Int] = [
        "accessDenied": 554, "messageRejected": 554, "throttling": 454, "sendingPaused": 554,
        "invalidParameterValue": 554, "configurationSetDoesNotExist": 554, "validation": 554, "invalidInput": 554,
        "invalidParameter": 554,
        "temporarilyUnavailable": 451, "internalFailure": 451, "noSuchEntity": 451, "entityAlreadyExists": 451,
        "limitExceeded": 451, "deleteConflict": 451, "malformedPolicyDocument": 451, "policyNotAttachable": 451,
        "passwordPolicyViolation": 451, "templateDoesNotExist": 451, "alreadyExists": 451, "missingRenderingAttribute": 451,
        "invalidRenderingParameter": 451, "configurationSetAlreadyExists": 451, "notFound": 451, "snsNotFound": 451,
        "concurrentModification": 451, "invalidUserType": 451, "reportNotPresent": 451,
        "invalidIdentityToken": 451, "expiredWebIdentityToken": 451, "invalidAuthorizationMessage": 451,
        "configurationSetSendingPaused": 554, "mailFromDomainNotVerified": 554, "invalidPolicy": 451,
        "trackingOptionsAlreadyExists": 451, "trackingOptionsDoesNotExist": 451, "invalidTrackingOptions": 451,
        "invalidDeliveryOptions": 451, "fromEmailAddressNotVerified": 451, "productionAccessNotGranted": 451,
        "invalidCustomVerificationContent": 451, "queueDoesNotExist": 451, "queueNameExists": 451, "invalidAttributeName": 451,
        "invalidAttributeValue": 451, "receiptHandleIsInvalid": 451, "tooManyEntriesInBatchRequest": 451, "emptyBatchRequest": 451,
        "batchRequestTooLong": 451, "resourceNotFound": 451, "unsupportedOperation": 451, "ruleDoesNotExist": 451,
        "ruleSetDoesNotExist": 451, "cannotDelete": 451,
        "invalidSnsTopic": 451, "invalidS3Configuration": 451, "invalidLambdaFunction": 451,
        "batchEntryIdsNotDistinct": 451, "invalidBatchEntryId": 451, "purgeQueueInProgress": 451, "messageNotInflight": 451,
    ]

    @Test("every error code has its SMTP reply; internal ones are temporary and say nothing of the cause")
    func everyCodeIsMapped() {
        #expect(Set(Self.smtpCodes.keys) == Set(SesameError.Code.all.map(\.description)))
        for code in SesameError.Code.all {
            let reply = SMTPErrorMapping.reply(for: SesameError(code, "inner detail", reason: "secret cause"))
            #expect(reply.code == Self.smtpCodes[code.description], "\(code) maps to \(reply.code)")
            #expect(!reply.wire.contains("secret cause"))
            if reply.code == 451 { #expect(reply == SMTPReplies.temporaryFailure, "\(code)") }
        }
        struct Unknown: Error {}
        #expect(SMTPErrorMapping.reply(for: Unknown()) == SMTPReply(451, "4.3.0 Temporary service failure"))
    }

    @Test("a bounce domain takes reports without AUTH, and only for itself")
    func feedbackWithoutAuth() {
        var configuration = Machine.Configuration(hostname: "smtp.test", maxMessageSize: 1000, startTLSAvailable: true)
        configuration.feedbackDomain = "Bounces.Example.com"
        var m = Machine(configuration: configuration, tlsActive: false)
        _ = m.received(.command("EHLO mx.remote"))
        #expect(code(m.received(.command("MAIL FROM:<>"))) == 250)
        #expect(code(m.received(.command("RCPT TO:<someone@example.net>"))) == 530)
        #expect(code(m.received(.command("RCPT TO:<0100abc-000000@bounces.example.com>"))) == 250)
        #expect(m.received(.command("DATA")) == .replyThenReadData(SMTPReplies.startData))
        #expect(
            m.received(.message(Array("x".utf8)))
                == .submit(
                    SMTPEnvelope(mailFrom: "", recipients: ["0100abc-000000@bounces.example.com"], heloName: "mx.remote"), Array("x".utf8)))
        // Without a bounce domain nothing changes: MAIL needs AUTH.
        var plain = machine()
        _ = plain.received(.command("EHLO mx.remote"))
        #expect(code(plain.received(.command("MAIL FROM:<>"))) == 530)
        // A logged-in session may not use the null sender.
        var signedIn = authenticated()
        #expect(code(signedIn.received(.command("MAIL FROM:<>"))) == 553)
    }

    @Test("identities' custom MAIL FROM domains take reports without AUTH too, with or without a bounce domain")
    func mailFromDomainsTakeFeedback() {
        var configuration = Machine.Configuration(hostname: "smtp.test", maxMessageSize: 1000, startTLSAvailable: true)
        configuration.mailFromDomains = ["bounce.example.com"]
        var m = Machine(configuration: configuration, tlsActive: false)
        _ = m.received(.command("EHLO mx.remote"))
        #expect(code(m.received(.command("MAIL FROM:<>"))) == 250)
        #expect(code(m.received(.command("RCPT TO:<someone@example.com>"))) == 530)
        #expect(code(m.received(.command("RCPT TO:<0100abc-000000@Bounce.Example.com>"))) == 250)
    }
}
