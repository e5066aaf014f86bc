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
///   (after the first request, Hummingbird's idle timeout takes over).
///
/// It sits right after the decoder, so it speaks NIO's HTTP/1 parts and works the same before
/// and after the WebSocket upgrade handler has decided.
public final class MalformedRequestResponder: ChannelInboundHandler, RemovableChannelHandler {
    public typealias InboundIn = HTTPServerRequestPart
    public typealias InboundOut = HTTPServerRequestPart
    public typealias OutboundOut = HTTPServerResponsePart

    let firstRequestTimeout: TimeAmount
    var answered = false
    var firstHeadSeen = false
    var firstRequestDeadline: Scheduled<Void>?

    public init(firstRequestTimeout: TimeAmount = .seconds(60)) {
        self.firstRequestTimeout = firstRequestTimeout
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
        if !firstHeadSeen, case .head = unwrapInboundIn(data) {
            firstHeadSeen = true
            firstRequestDeadline?.cancel()
            firstRequestDeadline = nil
        }
        context.fireChannelRead(data)
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
