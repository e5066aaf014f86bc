import Foundation
import SesameCore

/// The envelope and body of one accepted SMTP transaction.
public struct SMTPEnvelope: Equatable, Sendable {
    public var mailFrom: String
    public var recipients: [String]
    public var declaredSize: Int?
    /// The name the client gave in HELO/EHLO.
    public var heloName: String

    public init(mailFrom: String, recipients: [String] = [], declaredSize: Int? = nil, heloName: String = "") {
        self.mailFrom = mailFrom
        self.recipients = recipients
        self.declaredSize = declaredSize
        self.heloName = heloName
    }
}

/// The server side of one SMTP session as a plain value: frames in, actions out. It knows nothing
/// of sockets, TLS libraries or the store; whoever drives it performs the actions and reports
/// back (`tlsEstablished`, `authenticated`, `submitted`). Tested without a network.
public struct SMTPServerStateMachine: Sendable {
    public struct Configuration: Sendable {
        public var hostname: String
        public var maxMessageSize: Int
        /// SES's limit on recipients per message.
        public var maxRecipients: Int = 50
        /// RCPT commands accepted before `452`: beyond SES's limit so the refusal can name it.
        public var recipientHardLimit: Int = 1000
        /// Whether STARTTLS can be offered (false once TLS is up, and on implicit-TLS listeners).
        public var startTLSAvailable: Bool
        /// Errors tolerated before the session is closed.
        public var maxErrors: Int = 20
        /// Mail to this domain (bounces and complaint reports) is taken without AUTH.
        public var feedbackDomain: String?
        /// Identities' custom MAIL FROM domains (lowercased): reports sent back to them are taken
        /// without AUTH too.
        public var mailFromDomains: Set<String> = []

        /// An inbound (MX) listener: no AUTH, any sender, and only the recipients this says yes to
        /// (SES receiving: a verified identity with a matching receipt rule).
        public var inbound: (@Sendable (String) -> Bool)?

        /// Whether mail to `domain` is feedback, taken without AUTH.
        func takesFeedback(for domain: String) -> Bool {
            domain == feedbackDomain?.lowercased() || mailFromDomains.contains(domain)
        }

        public init(hostname: String, maxMessageSize: Int, startTLSAvailable: Bool) {
            self.hostname = hostname
            self.maxMessageSize = maxMessageSize
            self.startTLSAvailable = startTLSAvailable
        }
    }

    public enum AuthMechanism: String, Sendable { case plain = "PLAIN", login = "LOGIN" }

    public enum AuthOutcome: Equatable, Sendable {
        case success
        case invalid
        case temporaryFailure
        /// Too many failures from this client: close.
        case refused
    }

    public enum Action: Equatable, Sendable {
        case reply(SMTPReply)
        /// Write the reply, then start TLS on the connection (nothing more may have been received).
        case replyThenStartTLS(SMTPReply)
        /// Write the reply, then read the rest of the input as a message (`SMTPFramer.beginData`).
        case replyThenReadData(SMTPReply)
        /// Check credentials, then call `authenticated(_:)`.
        case authenticate(mechanism: AuthMechanism, username: String, password: String)
        /// Store the message durably, then call `submitted(_:)`.
        case submit(SMTPEnvelope, [UInt8])
        case replyThenClose(SMTPReply)
    }

    enum State: Equatable, Sendable {
        case connected
        case ready
        case authLoginUsername
        case authLoginPassword(username: String)
        case authPlainResponse
        case authenticating
        case startingTLS
        case mail(SMTPEnvelope)
        case data(SMTPEnvelope)
        case submitting
        case closed
    }

    public let configuration: Configuration
    var state = State.connected
    public private(set) var tlsActive: Bool
    public private(set) var isAuthenticated = false
    public private(set) var clientName: String?
    var errors = 0

    public init(configuration: Configuration, tlsActive: Bool) {
        self.configuration = configuration
        self.tlsActive = tlsActive
    }

    public var isClosed: Bool { state == .closed }

    /// True while an action the driver performs is outstanding (no frame may be fed meanwhile).
    public var isWaiting: Bool {
        switch state {
        case .authenticating, .startingTLS, .submitting: return true
        default: return false
        }
    }

    /// A message is being stored (nothing else is outstanding): the one wait during which the
    /// client may usefully go on sending.
    public var isStoringMessage: Bool { state == .submitting }

    // MARK: Input

    public mutating func received(_ frame: SMTPFrame) -> Action {
        precondition(!isWaiting, "a frame arrived while an action was outstanding")
        switch frame {
        case .command(let line): return command(line)
        case .commandTooLong: return error(SMTPReplies.lineTooLong)
        case .commandBadLineEnding: return error(SMTPReplies.bareLineEnding)
        case .message(let body):
            guard case .data(let envelope) = state else { return error(SMTPReplies.needMail) }
            state = .submitting
            return .submit(envelope, body)
        case .messageTooLarge:
            state = .ready
            return .reply(SMTPReplies.messageTooLong)
        case .messageBadLineEnding:
            state = .ready
            return .reply(SMTPReplies.badDataLineEnding)
        }
    }

    mutating func error(_ reply: SMTPReply) -> Action {
        errors += 1
        if errors >= configuration.maxErrors {
            state = .closed
            return .replyThenClose(SMTPReplies.tooManyErrors)
        }
        return .reply(reply)
    }

    mutating func command(_ line: String) -> Action {
        switch state {
        case .authLoginUsername:
            guard let username = Self.decodeBase64Text(line) else { return authAbort(line) }
            state = .authLoginPassword(username: username)
            return .reply(SMTPReplies.passwordPrompt)
        case .authLoginPassword(let username):
            guard let password = Self.decodeBase64Text(line) else { return authAbort(line) }
            state = .authenticating
            return .authenticate(mechanism: .login, username: username, password: password)
        case .authPlainResponse:
            return plainResponse(line)
        default:
            break
        }
        let (verb, argument) = Self.split(line)
        switch verb {
        case "EHLO": return hello(argument, extended: true)
        case "HELO": return hello(argument, extended: false)
        case "STARTTLS": return startTLS(argument)
        case "AUTH": return auth(argument)
        case "MAIL": return mail(argument)
        case "RCPT": return recipient(argument)
        case "DATA": return data(argument)
        case "RSET":
            if state != .connected { state = .ready }
            return .reply(SMTPReplies.ok)
        case "NOOP": return .reply(SMTPReplies.ok)
        case "QUIT":
            state = .closed
            return .replyThenClose(SMTPReplies.bye)
        case "VRFY": return .reply(SMTPReplies.cannotVerify)
        case "EXPN", "HELP", "TURN", "ETRN", "BDAT": return error(SMTPReplies.notImplemented)
        default: return error(SMTPReplies.unrecognized)
        }
    }

    static func split(_ line: String) -> (String, String) {
        // On UTF-8 (the space is ASCII, so its index cuts the String on a character boundary).
        guard let space = line.utf8.firstIndex(of: 0x20) else { return (line.uppercased(), "") }
        let verb = line[..<space].uppercased()
        let argument = line[line.utf8.index(after: space)...].trimmingSpaces
        return (verb, argument)
    }

    // MARK: Commands

    mutating func hello(_ argument: String, extended: Bool) -> Action {
        guard !argument.isEmpty else { return error(SMTPReplies.syntax(extended ? "EHLO hostname" : "HELO hostname")) }
        clientName = argument
        state = .ready
        guard extended else { return .reply(SMTPReplies.helo(configuration.hostname)) }
        var lines = [configuration.hostname, "8BITMIME", "SIZE \(configuration.maxMessageSize)", "PIPELINING"]
        if !tlsActive && configuration.startTLSAvailable { lines.append("STARTTLS") }
        if tlsActive && configuration.inbound == nil { lines.append("AUTH PLAIN LOGIN") }
        lines.append("Ok")
        return .reply(SMTPReply(code: 250, lines: lines))
    }

    mutating func startTLS(_ argument: String) -> Action {
        if tlsActive { return error(SMTPReplies.tlsAlreadyActive) }
        guard configuration.startTLSAvailable else { return error(SMTPReplies.notImplemented) }
        guard argument.isEmpty else { return error(SMTPReplies.syntax("STARTTLS")) }
        state = .startingTLS
        return .replyThenStartTLS(SMTPReplies.readyForTLS)
    }

    /// TLS is up: everything said before is forgotten (RFC 3207), the client must EHLO again.
    public mutating func tlsEstablished() {
        tlsActive = true
        isAuthenticated = false
        clientName = nil
        state = .connected
    }

    mutating func auth(_ argument: String) -> Action {
        guard configuration.inbound == nil else { return error(SMTPReplies.notImplemented) }
        guard tlsActive else { return error(SMTPReplies.startTLSFirst) }
        if isAuthenticated { return error(SMTPReplies.alreadyAuthenticated) }
        switch state {
        case .connected: return error(SMTPReplies.helloFirst)
        case .mail, .data: return error(SMTPReplies.nestedMail)
        default: break
        }
        let parts = argument.split(separator: " ", omittingEmptySubsequences: true)
        guard let first = parts.first else { return error(SMTPReplies.syntax("AUTH mechanism [initial-response]")) }
        switch first.uppercased() {
        case "PLAIN":
            if parts.count > 1 { return plainResponse(String(parts[1])) }
            state = .authPlainResponse
            return .reply(SMTPReplies.emptyPrompt)
        case "LOGIN":
            if parts.count > 1 {
                guard let username = Self.decodeBase64Text(String(parts[1])) else { return authAbort(String(parts[1])) }
                state = .authLoginPassword(username: username)
                return .reply(SMTPReplies.passwordPrompt)
            }
            state = .authLoginUsername
            return .reply(SMTPReplies.usernamePrompt)
        default:
            return error(SMTPReplies.unknownMechanism)
        }
    }

    mutating func plainResponse(_ text: String) -> Action {
        guard let decoded = Self.decodeBase64(text) else { return authAbort(text) }
        // authzid NUL authcid NUL passwd
        let fields = decoded.split(separator: 0, omittingEmptySubsequences: false)
        guard fields.count == 3 else {
            state = .ready
            return error(SMTPReplies.invalidCredentials)
        }
        state = .authenticating
        return .authenticate(
            mechanism: .plain, username: String(decoding: fields[1], as: UTF8.self),
            password: String(decoding: fields[2], as: UTF8.self))
    }

    mutating func authAbort(_ line: String) -> Action {
        state = .ready
        if line.trimmingSpaces == "*" { return error(SMTPReplies.authCancelled) }
        return error(SMTPReplies.badBase64)
    }

    public mutating func authenticated(_ outcome: AuthOutcome) -> Action {
        guard state == .authenticating else { preconditionFailure("no authentication outstanding") }
        switch outcome {
        case .success:
            isAuthenticated = true
            state = .ready
            return .reply(SMTPReplies.authSucceeded)
        case .invalid:
            state = .ready
            return error(SMTPReplies.invalidCredentials)
        case .temporaryFailure:
            state = .ready
            return .reply(SMTPReplies.temporaryAuthFailure)
        case .refused:
            state = .closed
            return .replyThenClose(SMTPReplies.tooManyAuthFailures)
        }
    }

    mutating func mail(_ argument: String) -> Action {
        switch state {
        case .connected: return error(SMTPReplies.helloFirst)
        case .mail, .data: return error(SMTPReplies.nestedMail)
        default: break
        }
        let open = configuration.inbound != nil || configuration.feedbackDomain != nil || !configuration.mailFromDomains.isEmpty
        guard isAuthenticated || open else {
            return error(SMTPReplies.authenticationRequired)
        }
        guard let (address, parameters) = Self.path(argument, keyword: "FROM:") else {
            return error(SMTPReplies.syntax("MAIL FROM:<address>"))
        }
        var size: Int?
        for parameter in parameters {
            // `=` alone splits into two empty halves: never index past what the split returned.
            let pair = parameter.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            switch ((pair.first ?? "").uppercased(), pair.count == 2 ? String(pair[1]) : nil) {
            case ("SIZE", let value?):
                guard let value = Int(value), value >= 0 else { return error(SMTPReplies.syntax("MAIL FROM:<address> SIZE=bytes")) }
                size = value
            case ("BODY", let value?) where ["7BIT", "8BITMIME"].contains(value.uppercased()):
                break
            default:
                return error(SMTPReplies.unknownParameter)
            }
        }
        // Reports come from the null sender `<>`, which only feedback may use.
        guard EmailAddress.isValidAddress(address) || (address.isEmpty && !isAuthenticated) else {
            return error(SMTPReplies.invalidSender(address))
        }
        if let size, size > configuration.maxMessageSize { return .reply(SMTPReplies.messageTooLong) }
        state = .mail(SMTPEnvelope(mailFrom: address, declaredSize: size, heloName: clientName ?? ""))
        return .reply(SMTPReplies.ok)
    }

    mutating func recipient(_ argument: String) -> Action {
        guard case .mail(var envelope) = state else {
            return error(state == .connected ? SMTPReplies.helloFirst : SMTPReplies.needMail)
        }
        guard let (address, parameters) = Self.path(argument, keyword: "TO:") else {
            return error(SMTPReplies.syntax("RCPT TO:<address>"))
        }
        guard parameters.isEmpty else { return error(SMTPReplies.unknownParameter) }
        guard EmailAddress.isValidAddress(address) else { return error(SMTPReplies.invalidRecipient(address)) }
        if let accepts = configuration.inbound {
            guard accepts(address) else { return error(SMTPReplies.mailboxUnavailable) }
        } else if !isAuthenticated {
            let domain = address.split(separator: "@").last.map { $0.lowercased() } ?? ""
            guard configuration.takesFeedback(for: domain) else { return error(SMTPReplies.authenticationRequired) }
        }
        guard envelope.recipients.count < configuration.recipientHardLimit else { return .reply(SMTPReplies.recipientLimitReached) }
        envelope.recipients.append(address)
        state = .mail(envelope)
        return .reply(SMTPReplies.ok)
    }

    mutating func data(_ argument: String) -> Action {
        guard argument.isEmpty else { return error(SMTPReplies.syntax("DATA")) }
        guard case .mail(let envelope) = state else {
            return error(state == .connected ? SMTPReplies.helloFirst : SMTPReplies.needMail)
        }
        guard !envelope.recipients.isEmpty else { return error(SMTPReplies.needRecipient) }
        if envelope.recipients.count > configuration.maxRecipients {
            state = .ready
            return .reply(SMTPReplies.tooManyRecipients)
        }
        state = .data(envelope)
        return .replyThenReadData(SMTPReplies.startData)
    }

    /// The outcome of storing the message: its ID, or the reply that refuses it.
    public mutating func submitted(_ result: Result<String, SMTPRefusal>) -> Action {
        guard state == .submitting else { preconditionFailure("no submission outstanding") }
        state = .ready
        switch result {
        case .success(let id): return .reply(SMTPReplies.accepted(id))
        case .failure(let refusal): return .reply(refusal.reply)
        }
    }

    /// The connection sat idle too long, or lived too long.
    public mutating func timedOut(idle: Bool) -> Action {
        state = .closed
        return .replyThenClose(idle ? SMTPReplies.timeout : SMTPReplies.sessionTooLong)
    }
}

/// Why a message was not accepted, as the reply the client gets.
public struct SMTPRefusal: Error, Equatable, Sendable {
    public var reply: SMTPReply
    public init(_ reply: SMTPReply) { self.reply = reply }
}
