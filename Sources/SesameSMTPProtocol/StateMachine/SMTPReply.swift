import SesameCore

/// One SMTP reply: a code and one or more lines of text.
public struct SMTPReply: Equatable, Sendable, CustomStringConvertible {
    public var code: Int
    public var lines: [String]

    public init(_ code: Int, _ lines: String...) {
        self.code = code
        self.lines = lines
    }

    public init(code: Int, lines: [String]) {
        self.code = code
        self.lines = lines
    }

    /// The reply as it goes on the wire, `250-first` … `250 last`, each line ended by CRLF.
    /// Text that came from the client is made safe here: control characters, NUL and non-ASCII
    /// bytes become `?`, and each line is cut to fit RFC 5321's 512 octets.
    public var wire: String {
        var out = ""
        for (index, line) in lines.enumerated() {
            out += "\(code)\(index == lines.count - 1 ? " " : "-")\(Self.safe(line))\r\n"
        }
        return out
    }

    /// The longest text of one reply line: 512 octets less the code, the separator and CRLF.
    static let maxTextLength = 506

    static func safe(_ text: String) -> String {
        let utf8 = text.utf8
        if utf8.count <= maxTextLength && utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) { return text }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(min(utf8.count, maxTextLength))
        var index = utf8.startIndex
        while index < utf8.endIndex {
            let byte = utf8[index]
            if byte >= 0x20 && byte < 0x7F {
                bytes.append(byte)
                index = utf8.index(after: index)
            } else {
                bytes.append(UInt8(ascii: "?"))
                // One `?` for a whole multi-byte character.
                index = utf8.index(after: index)
                while index < utf8.endIndex, utf8[index] & 0xC0 == 0x80 { index = utf8.index(after: index) }
            }
            if bytes.count == maxTextLength {
                if index < utf8.endIndex { bytes.replaceSubrange((maxTextLength - 3)..., with: Array("...".utf8)) }
                break
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    public var description: String { lines.map { "\(code) \($0)" }.joined(separator: "\n") }
}

/// Every reply Sesame's SMTP interface gives, in one place. Texts follow what Amazon SES says
/// where SES's wording is known (its documented reply table and observed sessions).
public enum SMTPReplies {
    public static func greeting(hostname: String, sessionID: String) -> SMTPReply {
        SMTPReply(220, "\(hostname) ESMTP SimpleEmailService-Sesame \(sessionID)")
    }
    public static let ok = SMTPReply(250, "Ok")
    public static func helo(_ hostname: String) -> SMTPReply { SMTPReply(250, hostname) }
    public static let bye = SMTPReply(221, "Bye")
    public static let startData = SMTPReply(354, "End data with <CR><LF>.<CR><LF>")
    public static let readyForTLS = SMTPReply(220, "Ready to start TLS")
    public static let authSucceeded = SMTPReply(235, "Authentication successful.")
    public static func accepted(_ messageID: String) -> SMTPReply { SMTPReply(250, "Ok \(messageID)") }

    // Sequence and syntax errors.
    public static let unrecognized = SMTPReply(500, "Unrecognized command")
    public static let lineTooLong = SMTPReply(500, "Line too long")
    public static let bareLineEnding = SMTPReply(500, "Bare CR or LF in a command line; lines must end with CRLF")
    public static func syntax(_ usage: String) -> SMTPReply { SMTPReply(501, "Syntax: \(usage)") }
    public static let notImplemented = SMTPReply(502, "Command not implemented")
    /// Inbound: a recipient no receipt rule takes (SES's reply).
    public static let mailboxUnavailable = SMTPReply(550, "Requested action not taken: mailbox unavailable")
    /// Inbound: a client a receipt filter blocks.
    public static let clientBlocked = SMTPReply(554, "Transaction failed: the receiving rules of this domain refuse mail from your address")
    public static let cannotVerify = SMTPReply(252, "Cannot VRFY user, but will accept message and attempt delivery")
    public static let helloFirst = SMTPReply(503, "Send HELO/EHLO first")
    public static let needMail = SMTPReply(503, "Need MAIL command")
    public static let needRecipient = SMTPReply(503, "Need RCPT command")
    public static let nestedMail = SMTPReply(503, "Nested MAIL command")
    public static let tlsAlreadyActive = SMTPReply(503, "TLS already active")
    public static let alreadyAuthenticated = SMTPReply(503, "Already authenticated")
    public static let unknownParameter = SMTPReply(555, "MAIL FROM/RCPT TO parameters not recognized or not implemented")
    public static let tooManyErrors = SMTPReply(421, "Too many errors, closing connection")

    // Authentication.
    public static let startTLSFirst = SMTPReply(530, "Must issue a STARTTLS command first")
    public static let authenticationRequired = SMTPReply(530, "Authentication required")
    public static let usernamePrompt = SMTPReply(334, "VXNlcm5hbWU6")
    public static let passwordPrompt = SMTPReply(334, "UGFzc3dvcmQ6")
    public static let emptyPrompt = SMTPReply(334, "")
    public static let unknownMechanism = SMTPReply(504, "Unrecognized authentication type")
    public static let authCancelled = SMTPReply(501, "Authentication cancelled")
    public static let badBase64 = SMTPReply(501, "Cannot decode the response (not Base64)")
    public static let invalidCredentials = SMTPReply(535, "Authentication Credentials Invalid")
    public static let temporaryAuthFailure = SMTPReply(454, "Temporary authentication failure")
    public static let tooManyAuthFailures = SMTPReply(421, "Too many failed authentication attempts from your address; try again later")

    // Envelope and message.
    public static func invalidSender(_ address: String) -> SMTPReply { SMTPReply(553, "<\(address)> Invalid email address") }
    public static func invalidRecipient(_ address: String) -> SMTPReply { SMTPReply(553, "<\(address)> address unknown") }
    public static let tooManyRecipients = SMTPReply(554, "Transaction failed: Recipient count exceeds 50.")
    public static let recipientLimitReached = SMTPReply(452, "Too many recipients")
    public static let messageTooLong = SMTPReply(552, "Message is too long.")
    public static let badDataLineEnding = SMTPReply(
        554, "Transaction failed: Bare CR in message data; lines must end with CRLF")

    // Connection.
    public static let tooManyConnections = SMTPReply(421, "Too many concurrent SMTP connections")
    public static let tooManyConnectionsFromAddress = SMTPReply(421, "4.7.0 Too many connections from your address; try again later")
    public static let timeout = SMTPReply(451, "Timeout waiting for data from client")
    public static let sessionTooLong = SMTPReply(421, "Session time limit exceeded, closing connection")
    public static let shuttingDown = SMTPReply(421, "Service shutting down, closing connection")
    public static let temporaryFailure = SMTPReply(451, "4.3.0 Temporary service failure")
}
