import Foundation
import SesameConcurrency
import SesameCore
import SesameStorage

/// A token bucket per region: `perSecond` recipients a second, with one second of burst, kept in
/// memory when this process is the store's only writer (SQLite); nodes sharing PostgreSQL share
/// one bucket per region in the store instead (`SESBackend.admitRate`).
final class RateLimiter: Sendable {
    struct Bucket {
        var tokens: Double
        var updated: ContinuousClock.Instant
    }

    let buckets = Locked<[String: Bucket]>([:])

    func admit(region: String, count: Int, perSecond: Int) -> Bool {
        guard perSecond >= 0 else { return true }
        let now = ContinuousClock.now
        return buckets.withLock { buckets in
            var bucket = buckets[region] ?? Bucket(tokens: Double(perSecond), updated: now)
            let elapsed = now - bucket.updated
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            bucket.tokens = min(Double(max(perSecond, count)), bucket.tokens + seconds * Double(perSecond))
            bucket.updated = now
            guard bucket.tokens >= Double(count) else {
                buckets[region] = bucket
                return false
            }
            bucket.tokens -= Double(count)
            buckets[region] = bucket
            return true
        }
    }
}

extension SESBackend {
    /// The region's sending rate (`--max-send-rate`, recipients a second): this process's bucket
    /// on SQLite; on PostgreSQL a bucket all nodes share, one row locked for a moment per send, so
    /// three nodes together send at the configured rate, not three times it.
    func admitRate(region: String, count: Int) async throws -> Bool {
        let perSecond = configuration.maxSendRate
        guard perSecond >= 0 else { return true }
        if store.hasSingleWriter { return rateLimiter.admit(region: region, count: count, perSecond: perSecond) }
        let now = clock.now()
        return try await store.transaction { try await $0.takeSendTokens(region: region, count: count, perSecond: perSecond, now: now) }
    }
}
