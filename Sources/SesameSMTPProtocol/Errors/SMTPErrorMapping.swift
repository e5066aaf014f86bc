import SesameCore

/// The only place where errors become SMTP replies.
///
/// A refusal the client can act on is permanent (5xx) and says why in SES's words. Anything
/// else (storage trouble, a code with no SMTP meaning, an error of unknown type) is temporary,
/// `451 4.3.0`, so the client keeps the message and tries again, and its text never carries
/// internal detail.
public enum SMTPErrorMapping {
    /// The reply for a message the backend refused.
    public static func reply(for error: any Error) -> SMTPReply {
        guard let error = error as? SesameError else { return SMTPReplies.temporaryFailure }
        switch error.code {
        case .accessDenied: return SMTPReply(554, "Access denied: \(error.message)")
        case .messageRejected: return SMTPReply(554, "Message rejected: \(error.message)")
        case .throttling: return SMTPReply(454, "Throttling failure: \(error.message)")
        case .sendingPaused, .configurationSetSendingPaused: return SMTPReply(554, "Sending paused: \(error.message)")
        case .invalidParameterValue, .configurationSetDoesNotExist, .validation, .invalidInput, .invalidParameter,
            .mailFromDomainNotVerified:
            return SMTPReply(554, "Transaction failed: \(error.message)")
        default: return SMTPReplies.temporaryFailure
        }
    }

    /// Whether an error is the server's fault (to be logged), rather than a refusal of the client's message.
    public static func isInternal(_ error: any Error) -> Bool {
        reply(for: error).code == 451
    }
}
