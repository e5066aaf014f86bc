import Foundation
public import SesameCore

/// The client side of one SMTP session, as a plain value: it is told each reply and says what to
/// send next. Session set-up (greeting, EHLO, STARTTLS, AUTH) comes first; then any number of
/// transactions, each ending with one outcome per recipient. Sockets live elsewhere.
public struct SMTPClientStateMachine: Sendable {
    public enum TLSPolicy: String, Sendable {
        /// TLS from the first byte (port 465).
        case implicit
        /// STARTTLS or give up (a relay with credentials).
        case required
        /// STARTTLS when offered, else plain text (MX delivery, as Postfix's `may`).
        case opportunistic
        case none
    }

    public struct Configuration: Sendable {
        public var heloName: String
        public var tls: TLSPolicy
        public var username: String?
        public var password: String?

        public init(heloName: String, tls: TLSPolicy, username: String? = nil, password: String? = nil) {
            self.heloName = heloName
            self.tls = tls
            self.username = username
            self.password = password
        }
    }

    public enum Action: Sendable, Equatable {
        /// Write these bytes (one or more commands, each ended by CRLF).
        case send(String)
        /// Put TLS in place, then call `tlsEstablished()`.
        case startTLS
        /// The session is set up: transactions may begin.
        case ready
        /// Write the message (dot-stuffed, ended by `.`), then wait for the reply.
        case sendBody
        /// The transaction is over: an outcome for every recipient.
        case finished([String: DeliveryOutcome])
        /// Set-up failed; nothing can be sent over this connection.
        case failed(String)
        /// Nothing to do until the next reply.
        case wait
    }

    enum State: Sendable, Equatable {
        case greeting, ehlo, helo, startTLS, auth, ready
        case mail, rcpt(Int), data, body, dataAborted, rset
        case failed
    }

    public let configuration: Configuration
    var state: State = .greeting
    public private(set) var tlsActive: Bool
    public private(set) var capabilities: [String] = []
    public var pipelining: Bool { capabilities.contains { $0.uppercased() == "PIPELINING" } }

    // The transaction in progress.
    var recipients: [String] = []
    var outcomes: [String: DeliveryOutcome] = [:]
    var accepted: [String] = []
    var mailRefused = false

    public init(configuration: Configuration) {
        self.configuration = configuration
        self.tlsActive = configuration.tls == .implicit
    }

    public var isReady: Bool { state == .ready }

    public mutating func tlsEstablished() -> Action {
        tlsActive = true
        capabilities = []
        state = .ehlo
        return .send("EHLO \(configuration.heloName)\r\n")
    }

    /// Starts a transaction (the session must be ready).
    public mutating func begin(from: String, to recipients: [String]) -> Action {
        precondition(state == .ready && !recipients.isEmpty, "a transaction needs a ready session and a recipient")
        self.recipients = recipients
        outcomes = [:]
        accepted = []
        mailRefused = false
        state = .mail
        let mail = "MAIL FROM:<\(from)>\r\n"
        guard pipelining else { return .send(mail) }
        // RFC 2920: MAIL, every RCPT and DATA go in one write; the replies come back in order.
        return .send(mail + recipients.map { "RCPT TO:<\($0)>\r\n" }.joined() + "DATA\r\n")
    }

    public mutating func received(_ reply: SMTPReply) -> Action {
        let text = reply.lines.map { "\(reply.code) \($0)" }.joined(separator: " ")
        switch state {
        case .greeting:
            guard reply.code == 220 else { return fail("greeting: \(text)") }
            state = .ehlo
            return .send("EHLO \(configuration.heloName)\r\n")
        case .ehlo:
            guard reply.code == 250 else {
                if configuration.tls == .required && !tlsActive { return fail("EHLO refused, so no STARTTLS: \(text)") }
                state = .helo
                return .send("HELO \(configuration.heloName)\r\n")
            }
            capabilities = Array(reply.lines.dropFirst())
            return afterEHLO()
        case .helo:
            guard reply.code == 250 else { return fail("HELO: \(text)") }
            if configuration.username != nil { return fail("the server offers no AUTH (it does not speak ESMTP)") }
            state = .ready
            return .ready
        case .startTLS:
            guard reply.code == 220 else {
                if configuration.tls == .required { return fail("STARTTLS refused: \(text)") }
                // Opportunistic: carry on in plain text.
                capabilities.removeAll { $0.uppercased() == "STARTTLS" }
                return afterAuthChoice()
            }
            return .startTLS
        case .auth:
            guard reply.code == 235 else { return fail("AUTH: \(text)") }
            state = .ready
            return .ready
        case .ready, .failed:
            return fail("unexpected reply: \(text)")
        case .mail:
            if reply.code / 100 != 2 {
                mailRefused = true
                for recipient in recipients { outcomes[recipient] = DeliveryOutcome.fromReply(code: reply.code, text: text) }
                if !pipelining { return reset() }
            }
            state = .rcpt(0)
            return mailRefused || pipelining ? .wait : .send("RCPT TO:<\(recipients[0])>\r\n")
        case .rcpt(let index):
            let recipient = recipients[index]
            if !mailRefused {
                if reply.code / 100 == 2 {
                    accepted.append(recipient)
                } else {
                    outcomes[recipient] = DeliveryOutcome.fromReply(code: reply.code, text: text)
                }
            }
            if index + 1 < recipients.count {
                state = .rcpt(index + 1)
                return pipelining ? .wait : .send("RCPT TO:<\(recipients[index + 1])>\r\n")
            }
            state = .data
            if pipelining { return .wait }
            return accepted.isEmpty ? reset() : .send("DATA\r\n")
        case .data:
            if reply.code == 354 {
                if accepted.isEmpty {
                    // Pipelined, every recipient refused, yet the server wants data: send none.
                    state = .dataAborted
                    return .send(".\r\n")
                }
                state = .body
                return .sendBody
            }
            for recipient in accepted { outcomes[recipient] = DeliveryOutcome.fromReply(code: reply.code, text: text) }
            return reset()
        case .body:
            for recipient in accepted { outcomes[recipient] = DeliveryOutcome.fromReply(code: reply.code, text: text) }
            state = .ready
            return .finished(outcomes)
        case .dataAborted:
            return reset()
        case .rset:
            guard reply.code / 100 == 2 else { return fail("RSET: \(text)") }
            state = .ready
            return .finished(outcomes)
        }
    }

    /// What QUIT looks like; the session is over after it.
    public mutating func quit() -> String {
        state = .failed
        return "QUIT\r\n"
    }

    mutating func afterEHLO() -> Action {
        let offersTLS = capabilities.contains { $0.uppercased() == "STARTTLS" }
        if !tlsActive && (configuration.tls == .required || (configuration.tls == .opportunistic && offersTLS)) {
            guard offersTLS else { return fail("the server does not offer STARTTLS, and TLS is required") }
            state = .startTLS
            return .send("STARTTLS\r\n")
        }
        return afterAuthChoice()
    }

    mutating func afterAuthChoice() -> Action {
        guard let username = configuration.username, let password = configuration.password else {
            state = .ready
            return .ready
        }
        let mechanisms =
            capabilities.first { $0.uppercased().hasPrefix("AUTH ") || $0.uppercased().hasPrefix("AUTH=") }
            .map { $0.dropFirst(5).uppercased().split(separator: " ").map(String.init) } ?? []
        guard mechanisms.contains("PLAIN") else {
            return fail("the server offers no AUTH PLAIN (it offers: \(mechanisms.joined(separator: " ")))")
        }
        state = .auth
        let token = Data(([0] + Array(username.utf8) + [0] + Array(password.utf8))).base64EncodedString()
        return .send("AUTH PLAIN \(token)\r\n")
    }

    mutating func reset() -> Action {
        state = .rset
        return .send("RSET\r\n")
    }

    mutating func fail(_ reason: String) -> Action {
        let inTransaction: Bool
        switch state {
        case .mail, .rcpt, .data, .body, .dataAborted, .rset: inTransaction = true
        default: inTransaction = false
        }
        state = .failed
        if inTransaction {
            for recipient in recipients where outcomes[recipient] == nil { outcomes[recipient] = .transient(reason: reason) }
            return .finished(outcomes)
        }
        return .failed(reason)
    }
}
