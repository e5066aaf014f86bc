import Foundation
import HTTPTypes
public import Hummingbird
import NIOCore
public import SesameAWSProtocol
import SesameBackend
import SesameCore
public import SesameHTTP

/// Serves a REST-JSON API (SES v2 under `/v2/`): verifies the signature, routes the request to
/// its operation by the model's method and URI templates, decodes and validates the input, runs
/// the typed handler, and writes JSON, or the error with `x-amzn-ErrorType`.
public struct RESTJSONFrontDoor: Sendable {
    let handlers: AWSHandlers
    let codec: RESTJSONCodec
    let authenticator: SigV4Authenticator
    let regions: [String]
    let signingNames: Set<String>

    public init(_ handlers: AWSHandlers, signingNames: Set<String>, authenticator: SigV4Authenticator, regions: [String]) {
        self.handlers = handlers
        self.codec = RESTJSONCodec(model: handlers.model)
        self.authenticator = authenticator
        self.regions = regions
        self.signingNames = signingNames
    }

    public func handle(_ request: Request, context: SesameRequestContext) async -> Response {
        let started = ContinuousClock.now
        let requestID = RandomIDs.requestID()
        var observed = APIMetrics.Observed(service: handlers.model.metadata.endpointPrefix)
        let response = await respond(request, context: context, requestID: requestID, observed: &observed)
        APIMetrics.record(observed, status: Int(response.status.code), since: started)
        APIMetrics.log(observed, requestID: requestID, status: Int(response.status.code), logger: context.logger)
        return response
    }

    func respond(
        _ request: Request, context: SesameRequestContext, requestID: String, observed: inout APIMetrics.Observed
    ) async -> Response {
        var bodyRead = false
        do {
            let target = request.head.path ?? "/"
            let path = target.firstIndex(of: "?").map { String(target[..<$0]) } ?? target
            guard let (operation, labels) = codec.route(method: request.method.rawValue, path: path) else {
                throw AWSError(
                    code: "UnknownOperationException", status: 404,
                    message: UnroutedRequests.message(method: request.method.rawValue, path: path))
            }
            observed.operation = operation.name
            let parsed = try await authenticator.precheck(request)
            let body = try await SigV4Authenticator.collectBody(request, maxSize: context.maxUploadSize)
            bodyRead = true
            let signed = SigV4Authenticator.httpRequest(request, body: body)
            let caller = try await authenticator.verify(
                parsed, signed, request, context: context, signingNames: signingNames, regions: regions)
            observed.principal = caller.principal.arn
            guard let handler = handlers.handlers[operation.name] else {
                throw AWSError.notImplemented(operation.name, service: handlers.model)
            }
            let input = try codec.decode(signed.awsRequest(body: body), operation: operation, labels: labels)
            let output = try await handler(input, AWSCall(caller: caller, region: parsed.scope.region, requestID: requestID))
            return codec.encode(output, operation: operation, requestID: requestID).response()
        } catch {
            let mapped = AWSErrorMapping.restJSONError(for: error, logger: context.logger)
            // Refused before its body was read: the connection closes rather than drain it.
            return RESTJSONCodec.encode(mapped, requestID: requestID).response(close: !bodyRead)
        }
    }
}
