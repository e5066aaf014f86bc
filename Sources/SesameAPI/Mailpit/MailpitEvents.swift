import Foundation
public import HTTPTypes
public import HummingbirdWebSocket
public import Logging
public import NIOCore
import NIOWebSocket
import ServiceLifecycle
public import SesameBackend
import SesameCore

/// Mailpit's event stream, the WebSocket at `ROOT/api/events` its web UI and its clients
/// (Playwright helpers, mailpit-api) listen on: `{"Type": "new", "Data": <message summary>}` for
/// each message as it is captured. Who may connect: as for the API, a loopback client naming
/// this listener, or the root user's HTTP Basic credentials.
public struct MailpitEvents: Sendable {
    let workbench: MailWorkbench
    let access: CapturedMailAccess
    /// Where the stream is served (`ROOT/api/events`).
    public let path: String

    public init(workbench: MailWorkbench, access: CapturedMailAccess, root: String) {
        self.workbench = workbench
        self.access = access
        self.path = root + "api/events"
    }

    public typealias Handler = WebSocketDataHandler<HTTP1WebSocketUpgradeChannel.Context>

    /// Whether an HTTP request becomes this WebSocket (anything else stays HTTP, and the HTTP
    /// router answers it).
    public func shouldUpgrade(_ request: HTTPRequest, channel: any Channel, logger: Logger) async -> ShouldUpgradeResult<Handler> {
        guard request.path.map({ $0.split(separator: "?", maxSplits: 1).first.map(String.init) ?? $0 }) == path else {
            return .dontUpgrade
        }
        guard workbench.hasRoomForLiveViewer, await access.admits(request, clientAddress: channel.remoteAddress?.ipAddress) else {
            return .dontUpgrade
        }
        let workbench = self.workbench
        return .upgrade([:]) { inbound, outbound, _ in
            // Subscribed once the connection is a WebSocket: an upgrade that fails leaves no subscriber.
            let feed = workbench.feed()
            try await withGracefulShutdownHandler {
                try await withThrowingTaskGroup(of: Void.self) { group in
                    // The client's frames are read (and dropped) so a close is noticed.
                    group.addTask { for try await _ in inbound {} }
                    group.addTask {
                        for await summary in feed {
                            let event = Event(Type: "new", Data: MailpitShapes.MessageSummary(summary))
                            try await outbound.write(.text(String(decoding: try MailpitShapes.json(event), as: UTF8.self)))
                        }
                    }
                    _ = try await group.next()
                    group.cancelAll()
                }
            } onGracefulShutdown: {
                Task { try? await outbound.close(.goingAway, reason: "Sesame is shutting down") }
            }
        }
    }

    struct Event: Encodable {
        var `Type`: String
        var Data: MailpitShapes.MessageSummary
    }
}
