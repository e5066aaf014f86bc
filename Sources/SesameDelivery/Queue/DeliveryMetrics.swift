import Metrics
import SesameConcurrency
import SesameCore

/// What delivery counts: `sesame_delivery_attempt_duration_seconds{kind}` (one attempt: a
/// message to one destination, `relay`, `mx`, `simulator` or `capture`) and
/// `sesame_recipients_total{outcome}`: `delivered`, `bounced`, `deferred` (a temporary failure
/// to be retried) and `suppressed` (the mailbox simulator's suppression-list address, and
/// permanent bounces put on the suppression list).
enum DeliveryMetrics {
    static let timers = MadeOnce<String, Metrics.Timer>()
    static let counters = MadeOnce<String, Counter>()

    static func attempt(kind: String, took: Duration) {
        timers.value(for: kind) {
            Metrics.Timer(label: "sesame_delivery_attempt_duration_seconds", dimensions: [("kind", kind)], preferredDisplayUnit: .seconds)
        }.record(duration: took)
    }

    static func settled(_ rows: [QueuedRecipient], outcomes: [String: DeliveryOutcome], simulated: Bool) {
        for row in rows {
            let outcome: String
            switch row.state {
            case .delivered: outcome = "delivered"
            case .bounced:
                if case .permanent(_, let subType) = outcomes[row.recipient], subType == .onAccountSuppressionList {
                    outcome = "suppressed"
                } else {
                    outcome = "bounced"
                }
            default: outcome = "deferred"
            }
            counter(outcome).increment()
        }
    }

    static func counter(_ outcome: String) -> Counter {
        counters.value(for: outcome) { Counter(label: "sesame_recipients_total", dimensions: [("outcome", outcome)]) }
    }
}
