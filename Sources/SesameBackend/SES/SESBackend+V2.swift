import Foundation
public import SesameCore
import SesameStorage

/// SES v2's identity semantics: creating an existing identity and touching a missing one are errors.
extension SESBackend {
    /// `DkimSigningAttributes` at creation: a selector and private key bring the domain's own
    /// key (BYODKIM) instead of an Easy DKIM key being made.
    public struct DkimSigningRequest: Sendable {
        public var selector: String?
        public var privateKey: String?
        public init(selector: String?, privateKey: String?) {
            self.selector = selector
            self.privateKey = privateKey
        }
    }

    public func createEmailIdentity(
        _ caller: Caller, region: String, name: String, dkimSigning: DkimSigningRequest? = nil,
        settings: IdentitySettings = IdentitySettings()
    ) async throws -> Identity {
        try Self.validate(tags: settings.tags)
        let isEmail = name.contains("@")
        if isEmail {
            guard EmailAddress.isValidAddress(name) else { throw SesameError(.invalidParameterValue, "Invalid email address \(name).") }
        }
        let identityName = isEmail ? name : try Self.domainName(name)
        try authorize(caller, "ses:CreateEmailIdentity", identityARN(caller, region, identityName))
        if isEmail && !configuration.verifyIdentitiesImmediately {
            if try await store.read({ session in try await session.identity(region: region, name: identityName) }) != nil {
                throw SesameError(.alreadyExists, "Email identity \(identityName) already exist.")
            }
            try await startEmailVerification(region: region, email: identityName, caller: caller)
            if !settings.isEmpty {
                let pending = try await existingIdentity(
                    region: region, name: identityName, missing: Self.identityMissing(identityName, v2: true))
                _ = try await updateSettings(region: region, identity: pending) { $0 = settings }
            }
            return try await getEmailIdentity(caller, region: region, name: identityName)
        }
        // An email address reaches this point only when identities are verified at once.
        var identity =
            isEmail
            ? Identity(
                region: region, name: identityName, kind: .emailAddress, status: .success, verificationToken: nil, createdAt: clock.now())
            : newDomainIdentity(region: region, name: identityName, dkim: true)
        var key: DkimSigningKey?
        if isEmail {
            if dkimSigning != nil {
                throw SesameError(.invalidParameterValue, "DkimSigningAttributes can only be given for a domain identity.")
            }
        } else if let dkimSigning, dkimSigning.selector != nil || dkimSigning.privateKey != nil {
            guard let secrets else { throw SesameError(.internalFailure, "DKIM keys need the master key.") }
            key = try await dkimKey(
                region: region, domain: identityName, origin: "EXTERNAL", selector: dkimSigning.selector,
                privateKey: dkimSigning.privateKey,
                secrets: secrets)
            identity.dkimTokens = key?.selectors ?? []
        } else {
            key = try await easyDkimKey(region: region, domain: identityName, selectors: identity.dkimTokens)
        }
        identity.settings = settings
        let stored = identity, storedKey = key
        try await store.transaction { session in
            if try await session.identity(region: region, name: identityName) != nil {
                throw SesameError(.alreadyExists, "Email identity \(identityName) already exist.")
            }
            if let set = settings.defaultConfigurationSet, try await !session.configurationSetExists(region: region, name: set) {
                throw SesameError(.notFound, "Configuration set \(set) does not exist.")
            }
            try await session.putIdentity(stored)
            if let storedKey { try await session.putDkimKey(storedKey) }
        }
        sendingState.invalidate(region)
        dkimSigners.invalidate()
        var created = identity
        created.dkimKey = key
        return created
    }

    public func getEmailIdentity(_ caller: Caller, region: String, name: String) async throws -> Identity {
        try authorize(caller, "ses:GetEmailIdentity", identityARN(caller, region, name))
        let found = try await store.read { session -> Identity? in
            var found = try await session.identity(region: region, name: name)
            if found == nil { found = try await session.identity(region: region, name: name.lowercased()) }
            guard var identity = found else { return nil }
            if identity.kind == .domain { identity.dkimKey = try await session.dkimKey(region: region, domain: identity.name) }
            return identity
        }
        guard let found else { throw SesameError(.notFound, "Email identity \(name) does not exist.") }
        return found
    }

    public func deleteEmailIdentity(_ caller: Caller, region: String, name: String) async throws {
        let identity = try await getEmailIdentity(caller, region: region, name: name)
        try authorize(caller, "ses:DeleteEmailIdentity", identityARN(caller, region, identity.name))
        try await store.transaction { session in try await session.deleteIdentity(region: region, name: identity.name) }
        sendingState.invalidate(region)
        dkimSigners.invalidate()
    }
}
