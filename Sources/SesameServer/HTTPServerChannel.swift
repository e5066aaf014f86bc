import Hummingbird
import HummingbirdCore
import HummingbirdWebSocket
import Logging
import NIOCore
import NIOHTTP1
import SesameAPI

/// The HTTP server's connections: HTTP/1.1 with the one WebSocket upgrade Sesame serves
/// (Mailpit's event stream), built by hummingbird-websocket, plus Sesame's guard right after NIO's
/// request decoder.
///
/// hummingbird-websocket adds a server's extra handlers only once a request head has parsed and
/// the upgrade has been declined, so on its own an unparsable first request (a 90 KB query
/// string) would get no answer, and a connection that never sends a head would stay open. The
/// guard is in place from the first byte: it answers unparsable requests with an AWS error
/// document and closes connections that send no request head in time.
struct HTTPServerChannel: ServerChildChannel {
    typealias Value = HTTP1WebSocketUpgradeChannel.Value

    let upgrade: HTTP1WebSocketUpgradeChannel
    let firstRequestTimeout: TimeAmount
    /// The one path a WebSocket upgrade may ask for (Mailpit's event stream).
    let webSocketPath: String

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        let (timeout, path) = (firstRequestTimeout, webSocketPath)
        return upgrade.setup(channel: channel, logger: logger).flatMapThrowing { value in
            let pipeline = channel.pipeline.syncOperations
            let decoder = try pipeline.context(handlerType: ByteToMessageHandler<HTTPRequestDecoder>.self)
            try pipeline.addHandler(
                HTTPConnectionGuard(firstRequestTimeout: timeout, webSocketPath: path), position: .after(decoder.handler))
            return value
        }
    }

    func handle(value: Value, logger: Logger) async {
        await upgrade.handle(value: value, logger: logger)
    }
}

extension HTTPServerBuilder {
    /// HTTP/1.1 with Sesame's guard and the WebSocket upgrades to `webSocketPath` that
    /// `shouldUpgrade` accepts; a connection idle for `idleTimeout` (before its first request or
    /// between requests) is closed.
    static func sesame(
        idleTimeout: TimeAmount, webSocketPath: String,
        shouldUpgrade:
            @escaping @Sendable (HTTPRequest, any Channel, Logger) async throws -> ShouldUpgradeResult<
                WebSocketDataHandler<HTTP1WebSocketUpgradeChannel.Context>
            >
    ) -> HTTPServerBuilder {
        .init { responder in
            HTTPServerChannel(
                upgrade: HTTP1WebSocketUpgradeChannel(
                    responder: responder, configuration: .init(http1: .init(idleTimeout: idleTimeout)), shouldUpgrade: shouldUpgrade),
                firstRequestTimeout: idleTimeout, webSocketPath: webSocketPath)
        }
    }
}
