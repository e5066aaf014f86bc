public import Foundation
public import ServiceLifecycle
import SesameConcurrency
public import SesameCore
import SesameStorage

/// The receiving rules inbound sessions check, without a query per session: every region's
/// active rule set, its verified identities and its receipt filters. Changes made through this
/// node are seen at once; another node's within the refresh interval.
public final class InboundPolicyCache: Sendable {
    let store: any Store
    let sendingState: SendingStateCache
    let current = Locked(InboundPolicy())

    init(store: any Store, sendingState: SendingStateCache) {
        self.store = store
        self.sendingState = sendingState
    }

    public var policy: InboundPolicy { current.withLock { $0 } }

    public func refresh() async throws {
        let (sets, filters) = try await store.read { session -> ([ReceiptRuleSet], [String: [ReceiptFilter]]) in
            let sets = try await session.activeReceiptRuleSets()
            var filters: [String: [ReceiptFilter]] = [:]
            for set in sets { filters[set.region] = try await session.receiptFilters(region: set.region) }
            return (sets, filters)
        }
        var regions: [InboundPolicy.Region] = []
        for set in sets {
            let state = try await sendingState.state(set.region)
            regions.append(.init(name: set.region, verified: state.verified, activeRuleSet: set, filters: filters[set.region] ?? []))
        }
        current.withLock { $0 = InboundPolicy(regions: regions) }
    }
}

/// Refreshes the inbound policy every second on a node with inbound listeners.
public struct InboundPolicyRefresher: Service {
    let cache: InboundPolicyCache
    let interval: Duration

    public init(cache: InboundPolicyCache, interval: Duration = .seconds(1)) {
        self.cache = cache
        self.interval = interval
    }

    public func run() async throws {
        let cache = self.cache, interval = self.interval
        await BackgroundLoop.run(wake: WakeSignal()) {
            try? await cache.refresh()
            return interval
        }
    }
}
