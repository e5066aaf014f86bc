import Foundation
import SesameConcurrency
import SesameCore
import SesameStorage

/// What the send path checks for every message (sending switch, verified identities,
/// configuration sets), kept per region for a moment so a send costs no extra queries.
/// Writes made through this node clear it at once; another node's writes are seen within `ttl`.
final class SendingStateCache: Sendable {
    struct RegionState {
        var loadedAt: ContinuousClock.Instant
        var sendingEnabled: Bool
        var verified: Set<String>
        /// Each configuration set's options by name.
        var configurationSets: [String: ConfigurationSetOptions]
        /// Settings of the identities that have any (lowercased name).
        var identitySettings: [String: IdentitySettings]
        /// Identities whose custom MAIL FROM domain's MX record is not (or no longer) found in
        /// DNS (`--identity-verification dns`): `BehaviorOnMxFailure` decides what their mail does.
        var mailFromFailing: Set<String> = []
        /// Sending authorization policies by identity (lowercased name).
        var policies: [String: [SendingAuthorizationPolicy]]
        /// The region's suppression list (lowercased addresses).
        var suppressed: Set<String>
        /// Whether any identity notification topic or event destination exists (else events
        /// need no fan-out).
        var publishesEvents: Bool
        /// The event types (`open`, `click`) each configuration set's enabled destinations
        /// track: a send through the set gets the tracking pixel or tracked links.
        var tracked: [String: Set<String>] = [:]
        /// The reasons the account suppresses for (`PutAccountSuppressionAttributes`).
        var suppressedReasons: Set<String> = ["BOUNCE", "COMPLAINT"]
        /// Set by a write on this node: the next send reloads it (until then the old state
        /// still answers `mailFromDomains`).
        var stale = false
    }

    let store: any Store
    let ttl: Duration
    let states = Locked<[String: RegionState]>([:])

    init(store: any Store, ttl: Duration = .seconds(2)) {
        self.store = store
        self.ttl = ttl
    }

    /// The custom MAIL FROM domains of every region loaded so far (lowercased).
    var mailFromDomains: Set<String> {
        states.withLock { states in
            Set(states.values.flatMap { $0.identitySettings.values.compactMap { $0.mailFromDomain?.lowercased() } })
        }
    }

    func invalidate(_ region: String) {
        states.withLock { $0[region]?.stale = true }
    }

    /// Loads a region for what only needs it roughly (the MAIL FROM domains) and leaves it
    /// stale, so the first send still reads the store afresh.
    func warm(_ region: String) async throws {
        _ = try await state(region)
        invalidate(region)
    }

    func state(_ region: String) async throws -> RegionState {
        let now = ContinuousClock.now
        if let cached = states.withLock({ $0[region] }), !cached.stale, now - cached.loadedAt < ttl { return cached }
        let loaded = try await store.read { session in
            let enabled = try await session.setting(SESBackend.sendingKey(region)) != "false"
            let identities = try await session.identities(region: region, kind: nil, afterName: nil, limit: 1_000_000)
            let sets = try await session.allConfigurationSets(region: region)
            let policies = try await session.allIdentityPolicies(region: region)
            let reasons = SESBackend.reasons(try await session.setting(SESBackend.suppressedReasonsKey(region)))
            let suppressed = try await session.suppressedList(region: region, reason: nil, afterAddress: nil, limit: 10_000_000)
            let publishes = try await session.hasNotificationSettings(region: region)
            var tracked: [String: Set<String>] = [:]
            for destination in try await session.allEventDestinations(region: region) where destination.enabled {
                for type in destination.eventTypes where type == "open" || type == "click" {
                    tracked[destination.configurationSet, default: []].insert(type)
                }
            }
            return RegionState(
                loadedAt: now, sendingEnabled: enabled,
                verified: Set(identities.filter { $0.status == .success }.map { $0.name.lowercased() }),
                configurationSets: Dictionary(sets.map { ($0.name, $0.options) }, uniquingKeysWith: { first, _ in first }),
                identitySettings: Dictionary(
                    identities.filter { !$0.settings.isEmpty }.map { ($0.name.lowercased(), $0.settings) },
                    uniquingKeysWith: { first, _ in first }),
                mailFromFailing: Set(
                    identities.filter { $0.dns?.mailFrom != nil && $0.dns?.mailFrom != .success }.map { $0.name.lowercased() }),
                policies: Self.parsedPolicies(policies, region: region),
                suppressed: Set(suppressed.map(\.address)),
                publishesEvents: publishes, tracked: tracked, suppressedReasons: Set(reasons))
        }
        states.withLock { $0[region] = loaded }
        return loaded
    }

    /// Stored policies parsed once per load; one that no longer parses (it was valid when
    /// stored) is left out rather than stopping every send.
    static func parsedPolicies(
        _ stored: [(identity: String, name: String, document: String)], region: String
    ) -> [String: [SendingAuthorizationPolicy]] {
        var out: [String: [SendingAuthorizationPolicy]] = [:]
        for policy in stored {
            guard let parsed = try? SendingAuthorizationPolicy.parse(policy.document, identityARN: nil) else { continue }
            out[policy.identity.lowercased(), default: []].append(parsed)
        }
        return out
    }
}
