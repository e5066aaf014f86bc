import Foundation
import SesameConcurrency

/// A token bucket per region: `perSecond` recipients a second, with one second of burst.
/// It limits this node only; nodes sharing PostgreSQL each apply the rate.
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
