import Foundation
public import Logging
public import SesameBackend
import SesameCore
public import SesameSMTPProtocol

/// Who is on the other end of a session.
public struct SMTPClientInfo: Sendable {
    public var remoteAddress: String
    public var tlsActive: Bool

    public init(remoteAddress: String, tlsActive: Bool) {
        self.remoteAddress = remoteAddress
        self.tlsActive = tlsActive
    }
}

/// An authenticated session: the access key it logged in with and the region it acts in.
public struct SMTPSessionIdentity: Sendable, Equatable {
    public var accessKeyID: String
    public var region: String

    public init(accessKeyID: String, region: String) {
        self.accessKeyID = accessKeyID
        self.region = region
    }
}

/// What a session needs from the rest of Sesame: checking a login and storing a message.
public protocol SMTPSessionServices: Sendable {
    func authenticate(
        username: String, password: String, client: SMTPClientInfo
    ) async
        -> (SMTPServerStateMachine.AuthOutcome, SMTPSessionIdentity?)
    /// Returns the message ID once the message is durably stored, or the refusal.
    func submit(
        _ envelope: SMTPEnvelope, body: [UInt8], identity: SMTPSessionIdentity, client: SMTPClientInfo
    ) async
        -> Result<String, SMTPRefusal>
    /// Takes a bounce or complaint report sent to the bounce domain (no login).
    func receiveFeedback(_ envelope: SMTPEnvelope, body: [UInt8], client: SMTPClientInfo) async -> Result<String, SMTPRefusal>
    /// Takes mail on an inbound (MX) listener: stored durably, for the receipt rules, before its 250.
    func receiveInbound(_ envelope: SMTPEnvelope, body: [UInt8], client: SMTPClientInfo) async -> Result<String, SMTPRefusal>
}

/// The services backed by the SES backend: SES SMTP credentials, SES's checks, the message store.
public struct SESSMTPServices: SMTPSessionServices {
    let checker: SMTPCredentialChecker
    let resolver: CredentialResolver
    let ses: SESBackend
    let logger: Logger

    public init(checker: SMTPCredentialChecker, resolver: CredentialResolver, ses: SESBackend, logger: Logger) {
        self.checker = checker
        self.resolver = resolver
        self.ses = ses
        self.logger = logger
    }

    public func authenticate(
        username: String, password: String, client: SMTPClientInfo
    ) async
        -> (SMTPServerStateMachine.AuthOutcome, SMTPSessionIdentity?)
    {
        switch await checker.authenticate(username: username, password: password, sourceAddress: client.remoteAddress) {
        case .success(let key, let region): return (.success, SMTPSessionIdentity(accessKeyID: key, region: region))
        case .invalid: return (.invalid, nil)
        case .temporaryFailure: return (.temporaryFailure, nil)
        case .refused: return (.refused, nil)
        }
    }

    public func submit(
        _ envelope: SMTPEnvelope, body: [UInt8], identity: SMTPSessionIdentity, client: SMTPClientInfo
    ) async
        -> Result<String, SMTPRefusal>
    {
        do {
            // Looked up again for every message: a deleted user or key, or a changed policy,
            // takes effect at once, even in a session that logged in before.
            guard let credential = try await resolver.resolve(identity.accessKeyID), credential.status == .active else {
                return .failure(SMTPRefusal(SMTPReplies.invalidCredentials))
            }
            var caller = credential.caller()
            caller.addRequestContext(
                now: ses.clock.now(), sourceIP: client.remoteAddress, secureTransport: client.tlsActive, userAgent: nil,
                region: identity.region)
            let id = try await ses.sendRawEmail(
                caller, region: identity.region, source: envelope.mailFrom, destinations: envelope.recipients, raw: body,
                via: .smtp)
            return .success(id)
        } catch {
            if SMTPErrorMapping.isInternal(error) { logger.error("SMTP message could not be stored: \(error)") }
            return .failure(SMTPRefusal(SMTPErrorMapping.reply(for: error)))
        }
    }

    public func receiveInbound(_ envelope: SMTPEnvelope, body: [UInt8], client: SMTPClientInfo) async -> Result<String, SMTPRefusal> {
        do {
            return .success(
                try await ses.receiveInbound(
                    mailFrom: envelope.mailFrom, recipients: envelope.recipients, raw: body, remoteAddress: client.remoteAddress,
                    tls: client.tlsActive, helo: envelope.heloName))
        } catch {
            if SMTPErrorMapping.isInternal(error) { logger.error("received mail could not be stored: \(error)") }
            return .failure(SMTPRefusal(SMTPErrorMapping.reply(for: error)))
        }
    }

    public func receiveFeedback(_ envelope: SMTPEnvelope, body: [UInt8], client: SMTPClientInfo) async -> Result<String, SMTPRefusal> {
        do {
            return .success(try await ses.receiveFeedback(recipients: envelope.recipients, raw: body, from: client.remoteAddress))
        } catch {
            if SMTPErrorMapping.isInternal(error) { logger.error("feedback report could not be stored: \(error)") }
            return .failure(SMTPRefusal(SMTPErrorMapping.reply(for: error)))
        }
    }
}
