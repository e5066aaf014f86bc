import Logging
import Metrics
import SesameConcurrency

/// What the API front doors count: requests by service, operation and status, and how long they
/// took. The operation is a name from the service's model, or `unknown` (a client cannot mint
/// label values).
enum APIMetrics {
    struct Observed {
        var service: String
        var operation = "unknown"
        var principal = "-"
    }

    struct Key: Hashable {
        var service: String
        var operation: String
        var status: Int
    }

    /// The metric objects, made once per label set (making one per request costs more than
    /// counting).
    static let counters = MadeOnce<Key, Counter>()
    static let timers = MadeOnce<Key, Metrics.Timer>()

    static func record(_ observed: Observed, status: Int, since started: ContinuousClock.Instant) {
        let elapsed = ContinuousClock.now - started
        let key = Key(service: observed.service, operation: observed.operation, status: status)
        counters.value(for: key) {
            Counter(
                label: "sesame_http_requests_total",
                dimensions: [("service", key.service), ("operation", key.operation), ("status", String(status))])
        }.increment()
        timers.value(for: Key(service: key.service, operation: key.operation, status: 0)) {
            Metrics.Timer(
                label: "sesame_http_request_duration_seconds", dimensions: [("service", key.service), ("operation", key.operation)],
                preferredDisplayUnit: .seconds)
        }.record(duration: elapsed)
    }

    /// One line per request at `debug` (`--log-level debug`): who called what, and the outcome.
    static func log(_ observed: Observed, requestID: String, status: Int, logger: Logger) {
        logger.debug(
            "AWS request",
            metadata: [
                "request_id": "\(requestID)", "service": "\(observed.service)", "operation": "\(observed.operation)",
                "principal": "\(observed.principal)", "status": "\(status)",
            ])
    }
}
