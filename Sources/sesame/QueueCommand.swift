import ArgumentParser
import Foundation
import SesameBackend
import SesameCore
import SesameServer

/// Where the store is, for commands that open it themselves.
struct StoreOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Sesame's data directory. [SESAME_DATA_DIR] (default: ./sesame-data)", valueName: "path"))
    var dataDir: String?
    @Option(help: ArgumentHelp("The PostgreSQL store, when Sesame uses one. [SESAME_DATABASE_URL]", valueName: "url"))
    var databaseURL: String?

    var configuration: SesameConfiguration { OfflineStore.configuration(dataDir: dataDir, databaseURL: databaseURL) }

    func with<R: Sendable>(_ body: (StoreOperations) async throws -> R) async throws -> R {
        try await OfflineStore.with(dataDir: dataDir, databaseURL: databaseURL, body)
    }
}

struct QueueCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "queue",
        abstract: "Look at and act on the delivery queue.",
        discussion: """
            Every accepted message has a row per recipient in the queue: queued (waiting for its next attempt), delivered, bounced, or rejected (the message carried a virus). These commands work on the store directly, also while Sesame runs; a running node picks up a retry within a second.

            Examples:
              sesame queue list
              sesame queue show 0100019a6b2f1c3d-…-000000
              sesame queue retry --all
            """,
        subcommands: [List.self, Show.self, Retry.self, Delete.self, Stats.self])

    static func json(_ row: QueuedRecipient) -> [String: Any] {
        var object: [String: Any] = [
            "messageId": row.messageID, "recipient": row.recipient, "region": row.region, "state": row.state.rawValue,
            "attempts": row.attempts, "queuedAt": Timestamp.iso8601(row.queuedAt), "updatedAt": Timestamp.iso8601(row.updatedAt),
        ]
        if row.state == .queued { object["nextAttemptAt"] = Timestamp.iso8601(row.nextAttemptAt) }
        object["lastReply"] = row.lastReply
        return object
    }

    static func json(_ event: DeliveryEvent) -> [String: Any] {
        var object: [String: Any] = [
            "eventType": event.kind.rawValue, "messageId": event.messageID, "recipients": event.recipients,
            "timestamp": Timestamp.iso8601(event.createdAt),
        ]
        object["type"] = event.type
        object["subType"] = event.subType
        object["detail"] = event.detail
        return object
    }

    static func printJSON(_ object: Any) throws {
        let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        print(String(decoding: data, as: UTF8.self))
    }

    static func line(_ row: QueuedRecipient) -> String {
        var text = "\(row.messageID)  \(row.recipient)  \(row.state.rawValue)  attempts \(row.attempts)"
        if row.state == .queued { text += "  next \(Timestamp.iso8601(row.nextAttemptAt))" }
        if let reply = row.lastReply { text += "\n    \(reply)" }
        return text
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List recipients in one state, oldest first.")
        @Option(help: "queued, delivered, bounced or rejected.") var state = "queued"
        @Option(help: "At most this many lines.") var limit = 100
        @Flag(help: "Print JSON lines instead of text.") var json = false
        @OptionGroup var store: StoreOptions

        func run() async throws {
            guard let state = DeliveryState(rawValue: state) else {
                throw ValidationError("--state must be queued, delivered, bounced or rejected.")
            }
            guard limit > 0 else { throw ValidationError("--limit must be at least 1.") }
            let limit = self.limit
            let (rows, counts) = try await store.with { try await $0.queueAdministration.overview(state: state, limit: limit) }
            if json {
                for row in rows { try QueueCommand.printJSON(QueueCommand.json(row)) }
                return
            }
            print(DeliveryState.allCases.map { "\($0.rawValue): \(counts[$0] ?? 0)" }.joined(separator: "  "))
            for row in rows { print(QueueCommand.line(row)) }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one message's recipients and events.")
        @Argument(help: "The message ID (as SendEmail or the SMTP 250 reply gave it).") var messageID: String
        @Flag(help: "Print one JSON object instead of text.") var json = false
        @OptionGroup var store: StoreOptions

        func run() async throws {
            let id = messageID
            let (message, rows, events) = try await store.with { try await $0.capturedMail.detail(id: id) }
            guard let message else { throw ValidationError("No message \(id) is stored.") }
            if json {
                try QueueCommand.printJSON([
                    "messageId": id, "source": message.source, "destinations": message.destinations,
                    "recipients": rows.map(QueueCommand.json),
                    "events": events.map(QueueCommand.json),
                ])
                return
            }
            print("\(id)  from \(message.source)  accepted \(Timestamp.iso8601(message.createdAt)) via \(message.via.rawValue)")
            if rows.isEmpty { print("  captured: nothing queued for delivery") }
            for row in rows { print("  " + QueueCommand.line(row)) }
            for event in events {
                print(
                    "  event \(event.kind.rawValue) \(event.recipients.joined(separator: ", ")) \([event.type, event.subType].compactMap { $0 }.joined(separator: "/")) \(event.detail ?? "")"
                )
            }
        }
    }

    struct Stats: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Counts per state, and the time from acceptance to the receiving server's reply for delivered recipients.")
        @Option(help: "Look at this many delivered recipients, oldest first.") var limit = 1_000_000
        @Flag(help: "Print one JSON object instead of text.") var json = false
        @OptionGroup var store: StoreOptions

        func run() async throws {
            let limit = self.limit
            let (delivered, counts) = try await store.with { try await $0.queueAdministration.overview(state: .delivered, limit: limit) }
            let latencies = delivered.map { $0.updatedAt.timeIntervalSince($0.queuedAt) * 1000 }.sorted()
            func percentile(_ p: Double) -> Double {
                latencies.isEmpty ? 0 : latencies[min(latencies.count - 1, Int(Double(latencies.count) * p))]
            }
            let first = delivered.map(\.queuedAt).min(), last = delivered.map(\.updatedAt).max()
            let span = first.flatMap { f in last.map { $0.timeIntervalSince(f) } } ?? 0
            let rate = span > 0 ? Double(delivered.count) / span : 0
            if json {
                try QueueCommand.printJSON([
                    "queued": counts[.queued] ?? 0, "delivered": counts[.delivered] ?? 0, "bounced": counts[.bounced] ?? 0,
                    "latencyMillis": ["p50": percentile(0.5), "p90": percentile(0.9), "p99": percentile(0.99), "max": latencies.last ?? 0],
                    "deliveredPerSecond": rate,
                ])
                return
            }
            print(DeliveryState.allCases.map { "\($0.rawValue): \(counts[$0] ?? 0)" }.joined(separator: "  "))
            guard !latencies.isEmpty else { return }
            print(
                String(
                    format: "acceptance to delivery, ms: p50 %.1f  p90 %.1f  p99 %.1f  max %.1f", percentile(0.5), percentile(0.9),
                    percentile(0.99), latencies.last!))
            print(
                String(
                    format: "delivered %d recipients in %.2f s (first accepted to last delivered): %.0f per second", delivered.count, span,
                    rate))
        }
    }

    struct Retry: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Make queued recipients due now (one message's, or --all).")
        @Argument(help: "The message ID.") var messageID: String?
        @Flag(help: "Every queued recipient.") var all = false
        @OptionGroup var store: StoreOptions

        func run() async throws {
            guard (messageID != nil) != all else { throw ValidationError("Give a message ID or --all.") }
            let id = messageID
            let count = try await store.with { try await $0.queueAdministration.retry(messageID: id, now: Date()) }
            print("\(count) recipient\(count == 1 ? "" : "s") will be tried again now.")
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Take a message's queued recipients out of the queue; nothing more is delivered for it.")
        @Argument(help: "The message ID.") var messageID: String
        @OptionGroup var store: StoreOptions

        func run() async throws {
            let id = messageID
            let count = try await store.with { try await $0.queueAdministration.delete(messageID: id) }
            guard count > 0 else { throw ValidationError("Message \(id) has no queued recipients.") }
            print("Removed \(count) queued recipient\(count == 1 ? "" : "s") of \(id).")
        }
    }
}
