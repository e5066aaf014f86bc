import Foundation
import Metrics
import SesameBackend

/// Leader-free background work: before each run a node renews its lease on the job in the store,
/// so one node at a time runs it. A node that stops gives the lease back (`release()`), so another
/// takes the job at its next run; when a node stops renewing without that (crashed, cut off), the
/// lease runs out and another node takes the job then. Runs are counted in
/// `sesame_background_runs_total{job}` on the node that ran them.
struct JobLease: Sendable {
    let operations: StoreOperations
    let job: String
    let owner = "\(ProcessInfo.processInfo.hostName)/\(getpid())/\(UUID().uuidString.prefix(8))"
    /// How long a run's lease lasts: longer than the pause between runs.
    let duration: TimeInterval

    /// Whether this node may run the job now (and counts the run when it may).
    func held() async -> Bool {
        guard (try? await operations.holdLease(job: job, owner: owner, for: duration)) == true else { return false }
        Counter(label: "sesame_background_runs_total", dimensions: [("job", job)]).increment()
        return true
    }

    /// Gives the lease back, if this node holds it: called when the job's loop ends.
    func release() async {
        try? await operations.releaseLease(job: job, owner: owner)
    }
}
