import Metrics
import SesameConcurrency

/// `sesame_messages_total{interface, outcome, reason}`: messages accepted and refused at the
/// door, whichever front end brought them. Reasons are Sesame's error codes, a fixed set.
enum MessageMetrics {
    static let counters = MadeOnce<String, Counter>()

    static func accepted(interface: String) { counter(interface: interface, outcome: "accepted", reason: "").increment() }

    static func refused(interface: String, reason: String) { counter(interface: interface, outcome: "refused", reason: reason).increment() }

    static func counter(interface: String, outcome: String, reason: String) -> Counter {
        counters.value(for: "\(interface) \(outcome) \(reason)") {
            var dimensions = [("interface", interface), ("outcome", outcome)]
            if !reason.isEmpty { dimensions.append(("reason", reason)) }
            return Counter(label: "sesame_messages_total", dimensions: dimensions)
        }
    }
}
