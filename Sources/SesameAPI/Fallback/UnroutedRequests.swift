import Foundation
import HTTPTypes
import Hummingbird
public import NIOCore
import NIOHTTP1
public import NIOHTTPTypes
import SesameAWSProtocol
import SesameCore
import SesameHTTP

/// Requests that reach no route get an AWS error document in the protocol their path implies
/// (REST-JSON under `/v2/`, Query XML elsewhere), never an empty 404 an SDK cannot parse.
struct UnroutedRequests: RouterMiddleware {
    typealias Context = SesameRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound || error.status == .methodNotAllowed {
            guard !request.uri.path.hasPrefix("/console") else { throw error }
            return Self.response(method: request.method.rawValue, path: request.uri.path)
        }
    }

    /// What an unrouted request is told: where the APIs are.
    static func message(method: String, path: String) -> String {
        "Sesame serves no operation at \(method) \(path). The AWS APIs are at POST / (IAM, STS, SES v1, SNS: Query protocol; "
            + "SQS: JSON with X-Amz-Target) and under /v2/email/ (SES v2); captured mail is at GET /_aws/ses, the console at /console."
    }

    static func response(method: String, path: String) -> Response {
        let message = self.message(method: method, path: path)
        let requestID = RandomIDs.requestID()
        var headers = HTTPFields()
        headers[HTTPField.Name("x-amzn-RequestId")!] = requestID
        if path.hasPrefix("/v2/") {
            headers[.contentType] = "application/json"
            headers[HTTPField.Name("x-amzn-ErrorType")!] = "UnknownOperationException"
            let body = (try? JSONSerialization.data(withJSONObject: ["message": message])) ?? Data("{}".utf8)
            return Response(status: .notFound, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
        }
        headers[.contentType] = "text/xml"
        let error = AWSError(code: "UnknownOperation", status: 404, message: message)
        let xml = QueryResponse.renderError(error, namespace: "https://iam.amazonaws.com/doc/2010-05-08/", requestID: requestID)
        return Response(status: .notFound, headers: headers, body: .init(byteBuffer: ByteBuffer(string: xml)))
    }
}

/// A request NIO cannot parse (a request line or headers over the decoder's limits, bytes that
/// are not HTTP/1.1) is answered with an AWS error document and the connection closed, instead
/// of an empty 400. Sits in the pipeline right after the HTTP codec.
public final class MalformedRequestResponder: ChannelInboundHandler, RemovableChannelHandler {
    public typealias InboundIn = HTTPRequestPart
    public typealias InboundOut = HTTPRequestPart
    public typealias OutboundOut = HTTPResponsePart

    var answered = false

    public init() {}

    public func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard error is HTTPParserError, !answered else {
            context.fireErrorCaught(error)
            return
        }
        answered = true
        let requestID = RandomIDs.requestID()
        let awsError = AWSError(
            code: "MalformedRequest", status: 400,
            message: "The request is not valid HTTP/1.1 or its request line or headers exceed Sesame's limits (80 KB in all). "
                + "Send large parameters in a POST body.")
        let xml = QueryResponse.renderError(awsError, namespace: "https://iam.amazonaws.com/doc/2010-05-08/", requestID: requestID)
        let body = context.channel.allocator.buffer(string: xml)
        var head = HTTPResponse(status: .badRequest)
        head.headerFields[.contentType] = "text/xml"
        head.headerFields[.contentLength] = "\(body.readableBytes)"
        head.headerFields[.connection] = "close"
        head.headerFields[HTTPField.Name("x-amzn-RequestId")!] = requestID
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.write(wrapOutboundOut(.body(body)), promise: nil)
        let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in bound.value.close(promise: nil) }
    }
}

extension MalformedRequestResponder {
    /// The handlers the HTTP server adds after its codec.
    public static func handlers() -> [any RemovableChannelHandler] { [MalformedRequestResponder()] }
}
