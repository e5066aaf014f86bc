import Foundation
import HTTPTypes
public import Hummingbird
import NIOCore
public import SesameAWSProtocol
import SesameBackend
import SesameCore
public import SesameHTTP

/// Serves AWS JSON 1.0 APIs (SQS): `POST /` with `X-Amz-Target: AmazonSQS.<Operation>`.
public struct JSONFrontDoor: Sendable {
    let services: [(handlers: AWSHandlers, codec: JSONProtocolCodec)]
    let authenticator: SigV4Authenticator
    let regions: [String]

    static let targetHeader = HTTPField.Name("X-Amz-Target")!

    public init(_ services: [AWSHandlers], authenticator: SigV4Authenticator, regions: [String]) {
        self.services = services.map { ($0, JSONProtocolCodec(model: $0.model)) }
        self.authenticator = authenticator
        self.regions = regions
    }

    public func handle(_ request: Request, context: SesameRequestContext) async -> Response {
        let started = ContinuousClock.now
        let requestID = RandomIDs.requestID()
        var observed = APIMetrics.Observed(service: services[0].handlers.model.metadata.endpointPrefix)
        let response = await respond(request, context: context, requestID: requestID, observed: &observed)
        APIMetrics.record(observed, status: Int(response.status.code), since: started)
        APIMetrics.log(observed, requestID: requestID, status: Int(response.status.code), logger: context.logger)
        return response
    }

    func respond(
        _ request: Request, context: SesameRequestContext, requestID: String, observed: inout APIMetrics.Observed
    ) async -> Response {
        let target = request.headers[Self.targetHeader] ?? ""
        let found = services.lazy.compactMap { service in service.codec.operationName(target: target).map { (service, $0) } }.first
        let codec = found?.0.codec ?? services[0].codec
        var bodyRead = false
        do {
            guard let (service, operationName) = found, let operation = service.handlers.model.operations[operationName] else {
                throw AWSError(
                    code: "UnknownOperationException", status: 400, message: "Sesame knows no operation named by X-Amz-Target '\(target)'.")
            }
            observed = APIMetrics.Observed(service: service.handlers.model.metadata.endpointPrefix, operation: operation.name)
            let parsed = try await authenticator.precheck(request)
            let body = try await SigV4Authenticator.collectBody(request, maxSize: context.maxUploadSize)
            bodyRead = true
            let signed = SigV4Authenticator.httpRequest(request, body: body)
            let caller = try await authenticator.verify(
                parsed, signed, request, context: context, signingNames: [service.handlers.model.metadata.signingName], regions: regions)
            observed.principal = caller.principal.arn
            guard let handler = service.handlers.handlers[operation.name] else {
                throw AWSError.notImplemented(operation.name, service: service.handlers.model)
            }
            let input = try codec.decode(signed.awsRequest(body: body), operation: operation)
            let output = try await handler(input, AWSCall(caller: caller, region: parsed.scope.region, requestID: requestID))
            return codec.encode(output, operation: operation, requestID: requestID).response()
        } catch {
            var mapped = AWSErrorMapping.awsError(for: error, logger: context.logger)
            if mapped.code == "ValidationError" { mapped.code = "ValidationException" }
            return codec.encode(mapped, requestID: requestID).response(close: !bodyRead)
        }
    }
}
