import Foundation
public import SesameCore
import SesameStorage

/// An identity's custom MAIL FROM domain, default configuration set and sending authorization
/// policies (SES v1 and v2 share these; only the names of the errors differ).
extension SESBackend {
    /// The identity named exactly or in lower case; `missing` is thrown when there is none.
    func existingIdentity(region: String, name: String, missing: SesameError) async throws -> Identity {
        guard let found = try await lookUp(region: region, names: [Self.identityName(name)]).first else { throw missing }
        return found
    }

    /// SES takes an identity by name or by ARN (`arn:aws:ses:REGION:ACCOUNT:identity/NAME`).
    static func identityName(_ nameOrARN: String) -> String {
        guard nameOrARN.hasPrefix("arn:"), let range = nameOrARN.range(of: ":identity/") else { return nameOrARN }
        return String(nameOrARN[range.upperBound...])
    }

    static func identityMissing(_ name: String, v2: Bool) -> SesameError {
        v2
            ? SesameError(.notFound, "Email identity \(name) does not exist.")
            : SesameError(.invalidParameterValue, "Identity \(name) does not exist.")
    }

    /// Changes an identity's settings in one transaction and clears the send path's cache.
    func updateSettings(
        region: String, identity: Identity, _ change: @escaping @Sendable (inout IdentitySettings) throws -> Void
    ) async throws -> IdentitySettings {
        let updated = try await store.transaction { session in
            guard var current = try await session.identity(region: region, name: identity.name) else {
                throw Self.identityMissing(identity.name, v2: true)
            }
            let mailFrom = current.settings.mailFromDomain
            try change(&current.settings)
            try await session.putIdentitySettings(region: region, name: identity.name, settings: current.settings)
            if current.settings.mailFromDomain != mailFrom && self.configuration.dnsVerification {
                self.startDNSChecks(&current, mailFrom: current.settings.mailFromDomain != nil)
                try await session.putIdentity(current)
            }
            return current.settings
        }
        sendingState.invalidate(region)
        // Reloaded at once: the SMTP listeners read the MAIL FROM domains from it.
        try? await sendingState.warm(region)
        return updated
    }

    // MARK: MAIL FROM

    /// `SetIdentityMailFromDomain` / `PutEmailIdentityMailFromAttributes`: nil (or empty)
    /// `domain` returns the identity to SES's own MAIL FROM domain.
    public func setMailFromDomain(
        _ caller: Caller, region: String, identity name: String, domain: String?, behavior: MailFromFailureBehavior?, v2: Bool
    ) async throws {
        let identity = try await existingIdentity(region: region, name: name, missing: Self.identityMissing(name, v2: v2))
        try authorize(
            caller, v2 ? "ses:PutEmailIdentityMailFromAttributes" : "ses:SetIdentityMailFromDomain",
            identityARN(caller, region, identity.name))
        let mailFrom = try domain.flatMap { $0.isEmpty ? nil : try Self.mailFromDomain($0, for: identity) }
        _ = try await updateSettings(region: region, identity: identity) { settings in
            settings.mailFromDomain = mailFrom
            settings.behaviorOnMxFailure = behavior ?? settings.behaviorOnMxFailure ?? .useDefaultValue
        }
    }

    /// SES's rules for a MAIL FROM domain: a subdomain of the identity's domain, not used for
    /// anything else (not a verified identity's own domain).
    static func mailFromDomain(_ text: String, for identity: Identity) throws(SesameError) -> String {
        let domain = try domainName(text)
        let parent =
            identity.kind == .domain ? identity.name.lowercased() : String(identity.name.split(separator: "@").last ?? "").lowercased()
        guard domain.hasSuffix("." + parent) else {
            throw SesameError(
                .invalidParameterValue,
                "Provided MAIL-FROM domain '\(domain)' is not subdomain of the domain of the identity '\(identity.name)'.")
        }
        return domain
    }

    /// The MAIL FROM status an identity reports: SES checks the MX record; with immediate
    /// verification a domain set here is in use at once.
    public func mailFromStatus(_ identity: Identity) -> IdentityStatusReport? {
        guard identity.settings.mailFromDomain != nil else { return nil }
        if let status = identity.dns?.mailFrom { return IdentityStatusReport(rawValue: status.rawValue) ?? .pending }
        return configuration.verifyIdentitiesImmediately ? .success : .pending
    }

    public enum IdentityStatusReport: String, Sendable {
        case pending = "Pending", success = "Success", failed = "Failed", temporaryFailure = "TemporaryFailure"
        /// SES v2's spelling.
        public var v2: String { self == .temporaryFailure ? "TEMPORARY_FAILURE" : rawValue.uppercased() }
    }

    /// The envelope sender's domain for a message from `source`: its identity's custom MAIL
    /// FROM domain (the address's, else its domain's), so SPF and DMARC align; nil for none.
    public func mailFromDomain(forSource source: String, region: String) async -> String? {
        guard let address = EmailAddress.parse(source), let state = try? await sendingState.state(region) else { return nil }
        guard let found = Self.mailFrom(of: address, in: state), found.usable else { return nil }
        return found.domain
    }

    /// The custom MAIL FROM domain that applies to mail from `address` (the address's identity's,
    /// else its domain's), whether it may be used now (not while its MX record is missing), and
    /// what to do when it may not.
    static func mailFrom(
        of address: EmailAddress, in state: SendingStateCache.RegionState
    ) -> (
        domain: String, usable: Bool, behavior: MailFromFailureBehavior
    )? {
        for identity in [address.address.lowercased(), address.domain] {
            guard let settings = state.identitySettings[identity], let domain = settings.mailFromDomain else { continue }
            return (domain, !state.mailFromFailing.contains(identity), settings.behaviorOnMxFailure ?? .useDefaultValue)
        }
        return nil
    }

    /// Every custom MAIL FROM domain known to this node: reports sent back to them are feedback.
    /// `warmUp` loads the regions a node serves, so a node that only receives knows them too.
    public var mailFromDomains: Set<String> { sendingState.mailFromDomains }

    public func warmUp(regions: [String]) async {
        for region in regions { try? await sendingState.warm(region) }
    }

    public func mailFromAttributes(_ caller: Caller, region: String, names: [String]) async throws -> [Identity] {
        try authorize(caller, "ses:GetIdentityMailFromDomainAttributes", "*")
        return try await lookUp(region: region, names: names)
    }

    /// What v2's `GetEmailIdentity` shows beyond the identity: its policies and whether
    /// feedback is forwarded. Read for a caller `getEmailIdentity` has authorized.
    public func emailIdentityExtras(region: String, identity: Identity) async throws -> (policies: [String: String], forwarding: Bool) {
        try await store.read { session in
            let policies = try await session.identityPolicies(region: region, identity: identity.name)
            let forwarding = try await session.setting(Self.forwardingKey(region, identity.name.lowercased())) != "false"
            return (Dictionary(policies.map { ($0.name, $0.document) }, uniquingKeysWith: { first, _ in first }), forwarding)
        }
    }

    // MARK: Default configuration set

    /// `PutEmailIdentityConfigurationSetAttributes`: the set sends from this identity use when
    /// they name none (nil removes it).
    public func setDefaultConfigurationSet(_ caller: Caller, region: String, identity name: String, configurationSet: String?) async throws
    {
        let identity = try await existingIdentity(region: region, name: name, missing: Self.identityMissing(name, v2: true))
        try authorize(caller, "ses:PutEmailIdentityConfigurationSetAttributes", identityARN(caller, region, identity.name))
        if let configurationSet {
            guard try await store.read({ try await $0.configurationSetExists(region: region, name: configurationSet) }) else {
                throw SesameError(.notFound, "Configuration set \(configurationSet) does not exist.")
            }
        }
        _ = try await updateSettings(region: region, identity: identity) { $0.defaultConfigurationSet = configurationSet }
    }

    // MARK: Sending authorization policies

    static let maxIdentityPolicies = 20

    public enum PolicyWrite: Sendable { case put, create, update }

    /// `PutIdentityPolicy` (`.put`), v2 `CreateEmailIdentityPolicy` (`.create`: must not exist)
    /// and `UpdateEmailIdentityPolicy` (`.update`: must exist).
    public func putIdentityPolicy(
        _ caller: Caller, region: String, identity name: String, policyName: String, document: String, write: PolicyWrite
    ) async throws {
        let v2 = write != .put
        let identity = try await existingIdentity(region: region, name: name, missing: Self.identityMissing(name, v2: v2))
        let arn = identityARN(caller, region, identity.name)
        let action: String =
            switch write {
            case .put: "ses:PutIdentityPolicy"
            case .create: "ses:CreateEmailIdentityPolicy"
            case .update: "ses:UpdateEmailIdentityPolicy"
            }
        try authorize(caller, action, arn)
        _ = try SendingAuthorizationPolicy.parse(document, identityARN: arn)
        try await store.transaction { session in
            let existing = try await session.identityPolicies(region: region, identity: identity.name).map(\.name)
            let exists = existing.contains(policyName)
            if write == .create && exists {
                throw SesameError(.alreadyExists, "Policy \(policyName) already exists for identity \(identity.name).")
            }
            if write == .update && !exists {
                throw SesameError(.notFound, "Policy \(policyName) does not exist for identity \(identity.name).")
            }
            if !exists && existing.count >= Self.maxIdentityPolicies {
                throw SesameError(
                    .limitExceeded, "Identity \(identity.name) already has \(Self.maxIdentityPolicies) policies, the most SES allows.")
            }
            try await session.putIdentityPolicy(region: region, identity: identity.name, name: policyName, document: document)
        }
        sendingState.invalidate(region)
    }

    /// The policies of an identity by name; `names` nil means all of them.
    public func identityPolicies(
        _ caller: Caller, region: String, identity name: String, names: [String]?, action: String, v2: Bool
    ) async throws -> [(name: String, document: String)] {
        let identity = try await existingIdentity(region: region, name: name, missing: Self.identityMissing(name, v2: v2))
        try authorize(caller, action, identityARN(caller, region, identity.name))
        let all = try await store.read { session in try await session.identityPolicies(region: region, identity: identity.name) }
        guard let names else { return all }
        return all.filter { names.contains($0.name) }
    }

    public func deleteIdentityPolicy(_ caller: Caller, region: String, identity name: String, policyName: String, v2: Bool) async throws {
        let identity = try await existingIdentity(region: region, name: name, missing: Self.identityMissing(name, v2: v2))
        try authorize(caller, v2 ? "ses:DeleteEmailIdentityPolicy" : "ses:DeleteIdentityPolicy", identityARN(caller, region, identity.name))
        try await store.transaction { session in
            if v2, try await !session.identityPolicies(region: region, identity: identity.name).contains(where: { $0.name == policyName }) {
                throw SesameError(.notFound, "Policy \(policyName) does not exist for identity \(identity.name).")
            }
            try await session.deleteIdentityPolicy(region: region, identity: identity.name, name: policyName)
        }
        sendingState.invalidate(region)
    }
}
