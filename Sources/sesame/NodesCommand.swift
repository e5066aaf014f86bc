import ArgumentParser
import Foundation
import SesameBackend
import SesameCore

/// `sesame nodes`: the nodes seen on a store recently, and what each is doing.
struct NodesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "nodes",
        abstract: "List the nodes seen on this store recently and what each is doing.",
        discussion: """
            Every running node writes a heartbeat to the store every 5 seconds: its name (--node-name), version, start time and listeners. A node not seen for a minute has stopped or lost the store.

            Example:
              sesame nodes --database-url postgres://sesame@db.internal/sesame
            """)
    @Option(help: "Nodes seen within this many seconds.") var within: Double = 3600
    @Flag(help: "Print one JSON object instead of text.") var json = false
    @OptionGroup var store: StoreOptions

    func run() async throws {
        let since = Date().addingTimeInterval(-within)
        let nodes = try await store.with { try await $0.nodes(seenSince: since) }
        let now = Date()
        if json {
            try QueueCommand.printJSON([
                "nodes": nodes.map {
                    [
                        "name": $0.name, "version": $0.version, "startedAt": Timestamp.iso8601($0.startedAt),
                        "lastSeen": Timestamp.iso8601($0.lastSeen), "running": now.timeIntervalSince($0.lastSeen) < 60, "doing": $0.doing,
                    ] as [String: Any]
                }
            ])
            return
        }
        if nodes.isEmpty { print("No node was seen in the last \(Int(within)) seconds.") }
        for node in nodes {
            let ago = Int(now.timeIntervalSince(node.lastSeen))
            let state = ago < 60 ? "running" : "not seen for \(ago) s"
            print("\(node.name)  \(node.version)  \(state)  up since \(Timestamp.iso8601(node.startedAt))")
            print("  \(node.doing)")
        }
    }
}
