public import Foundation
public import SesameCore
import SesameStorage

/// `--identity-verification dns`: domains become verified when their records appear in DNS, as
/// in SES. The background checker (SesameDelivery's `IdentityDNSChecker`) asks for the domains
/// that are due, looks their records up through Sesame's resolver and reports what it found;
/// this file keeps the state and SES's schedule.
extension SESBackend {
    /// Starts (or restarts) looking for an identity's records: all of them for a new domain, or
    /// only the DKIM records (`dkim`) or the MAIL FROM MX record (`mailFrom`) when those change.
    func startDNSChecks(_ identity: inout Identity, dkim: Bool? = nil, mailFrom: Bool? = nil) {
        guard configuration.dnsVerification else { return }
        let now = clock.now()
        var state =
            identity.dns
            ?? DNSVerificationState(
                now: now, dkim: !identity.dkimTokens.isEmpty, mailFrom: identity.settings.mailFromDomain != nil)
        if identity.kind == .emailAddress { state.verification = .notStarted }
        if let dkim {
            state.dkim = dkim ? .pending : .notStarted
            state.dkimSince = now
        }
        if let mailFrom {
            state.mailFrom = mailFrom ? .pending : nil
            state.mailFromSince = now
        }
        state.nextCheckAt = now
        identity.dns = state
        if identity.kind == .domain { identity.status = state.identityStatus }
    }

    /// What the checker needs to look up for one identity.
    public struct DNSCheck: Sendable {
        public var identity: Identity
        /// `_amazonses.DOMAIN` must hold this TXT value (nil for an email address).
        public var verificationRecord: (name: String, value: String)?
        /// TXT records that must hold these values (Sesame's DKIM public keys).
        public var dkimRecords: [(name: String, value: String)]
        public var mailFromDomain: String?
    }

    /// Identities whose checks are due, with the records to look for.
    public func dnsChecksDue(limit: Int = 100) async throws -> [DNSCheck] {
        let now = clock.now()
        let due = try await store.read { session in try await session.identitiesDueForDNSCheck(at: now, limit: limit) }
        var checks: [DNSCheck] = []
        for identity in due {
            let key =
                identity.kind == .domain && !identity.dkimTokens.isEmpty
                ? try await dkimKey(region: identity.region, domain: identity.name) : nil
            checks.append(
                DNSCheck(
                    identity: identity,
                    verificationRecord: identity.kind == .domain
                        ? identity.verificationToken.map { ("_amazonses.\(identity.name)", $0) } : nil,
                    dkimRecords: (key?.dnsRecords ?? []).map { ($0.name, $0.value) },
                    mailFromDomain: identity.settings.mailFromDomain))
        }
        return checks
    }

    /// When the next check is due (nil: none is waiting).
    public func nextDNSCheck() async throws -> Date? {
        try await store.read { session in try await session.nextDNSCheck() }
    }

    /// Records what a check found and moves the identity along SES's schedule.
    public func recordDNSCheck(_ check: DNSCheck, findings: DNSVerificationState.Findings) async throws {
        let now = clock.now()
        let schedule = configuration.dnsSchedule
        let changed = try await store.transaction { session -> Bool in
            guard var identity = try await session.identity(region: check.identity.region, name: check.identity.name),
                let state = identity.dns
            else { return false }
            let advanced = state.advanced(by: findings, now: now, schedule: schedule)
            identity.dns = advanced
            let before = (identity.status, state.mailFrom)
            if identity.kind == .domain { identity.status = advanced.identityStatus }
            try await session.putIdentity(identity)
            return before.0 != identity.status || before.1 != advanced.mailFrom || state.dkim != advanced.dkim
        }
        if changed {
            sendingState.invalidate(check.identity.region)
            dkimSigners.invalidate()
        }
    }
}
