import Foundation
public import NIOCore
public import NIOHTTP1
import SesameAWSProtocol
import SesameCore

/// Guards an HTTP connection where NIO's request decoder hands over, before anything else sees
/// the request:
/// - a request NIO cannot parse (a request line or headers over the decoder's limits, bytes
///   that are not HTTP/1.1) is answered with an AWS error document and the connection closed,
///   instead of an empty 400 or, while the WebSocket upgrade is still deciding, no answer at all;
/// - a connection that sends no complete request head within `firstRequestTimeout` is closed
///   (after the first request, Hummingbird's idle timeout takes over);
/// - an `Upgrade` header Sesame will not honour is dropped from the first request, which is then
///   answered as plain HTTP/1.1 (as a server may): NIO's upgrade handler would otherwise lose
///   that request's head, and `curl --http2` or Java's HTTP client (`Upgrade: h2c`) would get no
///   answer. Only a complete WebSocket handshake to `webSocketPath` keeps it.
///
/// It sits right after the decoder, so it speaks NIO's HTTP/1 parts and works the same before
/// and after the WebSocket upgrade handler has decided.
public final class HTTPConnectionGuard: ChannelInboundHandler, RemovableChannelHandler {
    public typealias InboundIn = HTTPServerRequestPart
    public typealias InboundOut = HTTPServerRequestPart
    public typealias OutboundOut = HTTPServerResponsePart

    let firstRequestTimeout: TimeAmount
    let webSocketPath: String?
    var answered = false
    var firstHeadSeen = false
    var firstRequestDeadline: Scheduled<Void>?

    public init(firstRequestTimeout: TimeAmount = .seconds(60), webSocketPath: String? = nil) {
        self.firstRequestTimeout = firstRequestTimeout
        self.webSocketPath = webSocketPath
    }

    public func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { armFirstRequestDeadline(context: context) }
    }

    public func channelActive(context: ChannelHandlerContext) {
        armFirstRequestDeadline(context: context)
        context.fireChannelActive()
    }

    public func handlerRemoved(context: ChannelHandlerContext) {
        firstRequestDeadline?.cancel()
    }

    public func channelInactive(context: ChannelHandlerContext) {
        firstRequestDeadline?.cancel()
        context.fireChannelInactive()
    }

    public func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        // Only the first request can be upgraded, and after an upgrade what passes is not HTTP:
        // parts are looked at until the first head.
        guard !firstHeadSeen, case .head(var head) = unwrapInboundIn(data) else {
            context.fireChannelRead(data)
            return
        }
        firstHeadSeen = true
        firstRequestDeadline?.cancel()
        firstRequestDeadline = nil
        if head.headers.contains(name: "upgrade"), !Self.isWebSocketHandshake(head, path: webSocketPath) {
            head.headers.remove(name: "upgrade")
            context.fireChannelRead(wrapInboundOut(.head(head)))
            return
        }
        context.fireChannelRead(data)
    }

    /// A complete WebSocket opening handshake (RFC 6455 section 4.2.1) to `path`.
    static func isWebSocketHandshake(_ head: HTTPRequestHead, path: String?) -> Bool {
        guard let path, head.method == .GET, head.uri.split(separator: "?", maxSplits: 1).first.map(String.init) == path else {
            return false
        }
        func tokens(_ name: String) -> [String] {
            head.headers[name].flatMap { $0.split(separator: ",") }.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        }
        return tokens("upgrade").contains("websocket") && tokens("connection").contains("upgrade")
            && head.headers.contains(name: "sec-websocket-key") && head.headers.contains(name: "sec-websocket-version")
    }

    public func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard error is HTTPParserError, !answered else {
            context.fireErrorCaught(error)
            return
        }
        answered = true
        // A head cut off by the connection closing fails to parse as it closes: nobody to answer.
        guard context.channel.isActive else { return }
        let requestID = RandomIDs.requestID()
        let awsError = AWSError(
            code: "MalformedRequest", status: 400,
            message: "The request is not valid HTTP/1.1 or its request line or headers exceed Sesame's limits (80 KB in all). "
                + "Send large parameters in a POST body.")
        let xml = QueryResponse.renderError(awsError, namespace: "https://iam.amazonaws.com/doc/2010-05-08/", requestID: requestID)
        let body = context.channel.allocator.buffer(string: xml)
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: "text/xml")
        headers.add(name: "Content-Length", value: "\(body.readableBytes)")
        headers.add(name: "Connection", value: "close")
        headers.add(name: "x-amzn-RequestId", value: requestID)
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: .badRequest, headers: headers))), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil)
        let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in bound.value.close(promise: nil) }
    }

    private func armFirstRequestDeadline(context: ChannelHandlerContext) {
        guard firstRequestDeadline == nil, !firstHeadSeen else { return }
        let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
        firstRequestDeadline = context.eventLoop.scheduleTask(in: firstRequestTimeout) { bound.value.close(promise: nil) }
    }
}
