import Foundation
import SesameConcurrency
public import SesameCore
import SesameStorage

extension SESBackend {
    static func dkimContext(_ region: String, _ domain: String) -> String { "dkim:\(region):\(domain)" }

    /// A new Easy DKIM key for `domain`, published under `selectors`; nil without a master key.
    func easyDkimKey(region: String, domain: String, selectors: [String]) async throws -> DkimSigningKey? {
        guard let secrets, !selectors.isEmpty else { return nil }
        let made = try await BlockingWork.run { try DKIMKeys.generate() }
        return DkimSigningKey(
            region: region, domain: domain, origin: "AWS_SES", selectors: selectors,
            sealedPrivateKey: try secrets.seal(made.privateKey, boundTo: Self.dkimContext(region, domain)), publicKey: made.publicKey,
            keyBits: made.bits, signingEnabled: true, createdAt: clock.now())
    }

    /// sesv2 `PutEmailIdentityDkimSigningAttributes`: `EXTERNAL` brings a key and selector
    /// (BYODKIM); `AWS_SES` goes back to Easy DKIM with a new key. Returns (status, tokens).
    public func putDkimSigningAttributes(
        _ caller: Caller, region: String, name: String, origin: String, selector: String?, privateKey: String?
    ) async throws -> (status: String, tokens: [String]) {
        try authorize(caller, "ses:PutEmailIdentityDkimSigningAttributes", identityARN(caller, region, name))
        guard let secrets else { throw SesameError(.internalFailure, "DKIM keys need the master key.") }
        guard var identity = try await store.read({ try await $0.identity(region: region, name: name.lowercased()) }),
            identity.kind == .domain
        else {
            throw SesameError(.notFound, "Email identity \(name) does not exist.")
        }
        let key = try await dkimKey(
            region: region, domain: identity.name, origin: origin, selector: selector, privateKey: privateKey, secrets: secrets)
        identity.dkimTokens = key.selectors
        startDNSChecks(&identity, dkim: true)
        let updated = identity
        try await store.transaction { session in
            try await session.putIdentity(updated)
            try await session.putDkimKey(key)
        }
        dkimSigners.invalidate()
        sendingState.invalidate(region)
        return (identity.dns.map { $0.dkim.v2 } ?? (identity.status == .success ? "SUCCESS" : "PENDING"), key.selectors)
    }

    /// A domain's signing key: brought by its owner (`EXTERNAL`, BYODKIM, with a selector) or
    /// made here (`AWS_SES`, Easy DKIM, with fresh tokens as selectors).
    func dkimKey(
        region: String, domain: String, origin: String, selector: String?, privateKey: String?, secrets: SecretBox
    ) async throws
        -> DkimSigningKey
    {
        switch origin {
        case "EXTERNAL":
            guard let selector, !selector.isEmpty, selector.count <= 63,
                selector.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") })
            else {
                throw SesameError(.invalidParameterValue, "DomainSigningSelector must be 1 to 63 letters, digits, hyphens or underscores.")
            }
            guard let privateKey else {
                throw SesameError(.invalidParameterValue, "DomainSigningPrivateKey is required when SigningAttributesOrigin is EXTERNAL.")
            }
            let made = try DKIMKeys.imported(privateKey)
            return DkimSigningKey(
                region: region, domain: domain, origin: "EXTERNAL", selectors: [selector],
                sealedPrivateKey: try secrets.seal(made.privateKey, boundTo: Self.dkimContext(region, domain)), publicKey: made.publicKey,
                keyBits: made.bits, signingEnabled: true, createdAt: clock.now())
        case "AWS_SES":
            let tokens = Self.newDkimTokens()
            guard let made = try await easyDkimKey(region: region, domain: domain, selectors: tokens) else {
                throw SesameError(.internalFailure, "no key")
            }
            return made
        default:
            throw SesameError(.invalidParameterValue, "SigningAttributesOrigin must be AWS_SES or EXTERNAL (got \(origin)).")
        }
    }

    /// sesv2 `PutEmailIdentityDkimAttributes` and v1 `SetIdentityDkimEnabled`: turns signing for a domain on or off.
    public func putDkimAttributes(
        _ caller: Caller, region: String, name: String, signingEnabled: Bool, action: String = "ses:PutEmailIdentityDkimAttributes"
    ) async throws {
        try authorize(caller, action, identityARN(caller, region, name))
        try await store.transaction { session in
            guard var key = try await session.dkimKey(region: region, domain: name.lowercased()) else {
                throw SesameError(.notFound, "Email identity \(name) does not exist or has no DKIM key.")
            }
            key.signingEnabled = signingEnabled
            try await session.putDkimKey(key)
        }
        dkimSigners.invalidate()
    }

    /// The DKIM key of a domain identity (its public parts are what DNS publishes).
    public func dkimKey(region: String, domain: String) async throws -> DkimSigningKey? {
        try await store.read { try await $0.dkimKey(region: region, domain: domain.lowercased()) }
    }

    /// The message as it goes out: CRLF line endings, and a DKIM signature when the From
    /// domain (or a parent domain) has signing enabled. A key that cannot be used is logged by
    /// the caller through the returned note, and the message goes out unsigned.
    public func prepareForDelivery(_ raw: [UInt8], region: String) async -> (message: [UInt8], note: String?) {
        let message = DKIM.normalizingLineEndings(raw)
        guard
            let from = MIME.headers(of: raw).first(where: { $0.name.lowercased() == "from" }).flatMap({ MIME.addressList($0.value).first })
        else {
            return (message, nil)
        }
        do {
            guard let signer = try await dkimSigner(region: region, domain: from.domain) else { return (message, nil) }
            let now = clock.now()
            let signed = try await BlockingWork.run {
                try DKIM.sign(message, domain: signer.domain, selector: signer.selector, time: now, sign: signer.sign)
            }
            return (signed, nil)
        } catch {
            return (message, "DKIM signing for \(from.domain) failed, sent unsigned: \(error)")
        }
    }

    /// The signer for a From domain: its own key, else the nearest parent domain's.
    func dkimSigner(region: String, domain: String) async throws -> DKIMSignerCache.Signer? {
        if let cached = dkimSigners.lookup(region: region, domain: domain) { return cached.signer }
        var labels = domain.lowercased().split(separator: ".").map(String.init)
        var found: DkimSigningKey?
        while labels.count >= 2 {
            let candidate = labels.joined(separator: ".")
            if let key = try await store.read({ try await $0.dkimKey(region: region, domain: candidate) }) {
                found = key
                break
            }
            labels.removeFirst()
        }
        var signer: DKIMSignerCache.Signer?
        if let key = found, key.signingEnabled, let secrets, let selector = key.selectors.first {
            let privateKey = try secrets.open(key.sealedPrivateKey, boundTo: Self.dkimContext(region, key.domain))
            signer = DKIMSignerCache.Signer(domain: key.domain, selector: selector, sign: try DKIMKeys.signer(privateKey: privateKey))
        }
        dkimSigners.store(region: region, domain: domain, signer: signer)
        return signer
    }
}

/// Signers per From domain, kept briefly so delivery does not read and unseal a key per message.
final class DKIMSignerCache: Sendable {
    struct Signer: Sendable {
        var domain: String
        var selector: String
        var sign: @Sendable ([UInt8]) throws -> [UInt8]
    }

    struct Entry: Sendable {
        var signer: Signer?
        var loadedAt: ContinuousClock.Instant
    }

    let entries = Locked<[String: Entry]>([:])
    let ttl: Duration = .seconds(5)

    func lookup(region: String, domain: String) -> Entry? {
        guard let entry = entries.withLock({ $0[region + " " + domain.lowercased()] }), ContinuousClock.now - entry.loadedAt < ttl else {
            return nil
        }
        return entry
    }

    func store(region: String, domain: String, signer: Signer?) {
        entries.withLock { entries in
            if entries.count > 10_000 { entries.removeAll() }
            entries[region + " " + domain.lowercased()] = Entry(signer: signer, loadedAt: .now)
        }
    }

    func invalidate() { entries.withLock { $0.removeAll() } }
}
