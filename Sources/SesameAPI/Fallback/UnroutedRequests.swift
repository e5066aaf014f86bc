import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
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
