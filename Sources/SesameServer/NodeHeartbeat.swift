import Foundation
import Logging
import Metrics
import ServiceLifecycle
import SesameBackend
import SesameConcurrency

/// Writes this node's row in the store every few seconds (name, version, when it started, what it
/// does), so `sesame nodes` lists the nodes seen recently; and `sesame_node_info{node, version}`
/// for the metrics.
struct NodeHeartbeat: Service {
    let operations: StoreOperations
    let node: String
    let version: String
    let doing: @Sendable () -> String
    let interval: Duration
    let logger: Logger

    func run() async throws {
        Gauge(label: "sesame_node_info", dimensions: [("node", node), ("version", version)]).record(1)
        let started = Date()
        let operations = self.operations, node = self.node, version = self.version, doing = self.doing, logger = self.logger
        let interval = self.interval
        await BackgroundLoop.run(wake: WakeSignal()) {
            do {
                try await operations.heartbeat(node: node, version: version, startedAt: started, doing: doing(), now: Date())
            } catch {
                logger.debug("heartbeat not written: \(error)")
            }
            return interval
        }
    }
}
