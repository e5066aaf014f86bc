import Foundation
import HTTPTypes
public import Hummingbird
import Logging
import NIOCore
public import SesameAWSProtocol
import SesameBackend
import SesameCore
public import SesameHTTP

/// One Query-protocol API (IAM, STS, SES v1, SNS, and SQS for older SDKs) as the front door
/// serves it: the generated model, the typed handlers, and which signing names and regions reach it.
public struct QueryEndpoint: Sendable {
    let handlers: AWSHandlers
    let signingNames: Set<String>
    /// IAM and STS are global: a request signed for us-east-1 reaches them from any node.
    let acceptsGlobalRegion: Bool
    let codec: QueryCodec
    /// The HTTP status the model gives each error code (IAM's `NoSuchEntity` is 404).
    let statuses: [String: Int]

    let model: ServiceModel
    /// Errors are written with their Query-protocol codes (`AWSError.queryCode`): SQS's.
    let queryErrorCodes: Bool

    /// `model` replaces the handlers' own when the API's current model is of another protocol
    /// (SQS: AWS JSON, with a Query variant of the same shapes, whose errors keep their old codes).
    public init(_ handlers: AWSHandlers, model: ServiceModel? = nil, signingNames: Set<String>? = nil, acceptsGlobalRegion: Bool = false) {
        self.queryErrorCodes = model != nil
        let model = model ?? handlers.model
        self.handlers = handlers
        self.model = model
        self.signingNames = signingNames ?? [model.metadata.signingName]
        self.acceptsGlobalRegion = acceptsGlobalRegion
        self.codec = QueryCodec(model: model)
        self.statuses = model.errorsByCode.compactMapValues(\.httpStatus)
    }
}

/// Serves `POST /` and `GET /`: verifies the signature, picks the API from the signing scope,
/// decodes and validates the input from the model, runs the typed handler and writes its output
/// as the model says. A request with `X-Amz-Target` is an AWS JSON 1.0 call (SQS) and goes to
/// the JSON front door.
public struct QueryFrontDoor: Sendable {
    let endpoints: [QueryEndpoint]
    let json: JSONFrontDoor
    let authenticator: SigV4Authenticator
    let regions: [String]

    public init(endpoints: [QueryEndpoint], json: JSONFrontDoor, authenticator: SigV4Authenticator, regions: [String]) {
        self.endpoints = endpoints
        self.json = json
        self.authenticator = authenticator
        self.regions = regions
    }

    func endpoint(signedFor name: String) -> QueryEndpoint? { endpoints.first { $0.signingNames.contains(name) } }

    /// For errors raised before the signature names an API, guess it from `Version`.
    func endpoint(forVersion version: String?) -> QueryEndpoint {
        endpoints.first { $0.model.metadata.apiVersion == version } ?? endpoints[0]
    }

    /// `queueURL`: the request was posted to an SQS queue's URL (as some SDKs do), which stands
    /// for the `QueueUrl` parameter.
    public func handle(_ request: Request, context: SesameRequestContext, queueURL: String? = nil) async -> Response {
        if request.headers[JSONFrontDoor.targetHeader] != nil { return await json.handle(request, context: context) }
        let started = ContinuousClock.now
        let requestID = RandomIDs.requestID()
        var observed = APIMetrics.Observed(service: "unknown")
        let response = await respond(request, context: context, queueURL: queueURL, requestID: requestID, observed: &observed)
        APIMetrics.record(observed, status: Int(response.status.code), since: started)
        APIMetrics.log(observed, requestID: requestID, status: Int(response.status.code), logger: context.logger)
        return response
    }

    func respond(
        _ request: Request, context: SesameRequestContext, queueURL: String?, requestID: String, observed: inout APIMetrics.Observed
    ) async -> Response {
        var endpoint = endpoints[0]
        var bodyRead = false
        do {
            let parsed: ParsedSignature
            do {
                parsed = try await authenticator.precheck(request)
            } catch {
                // Refused before the body is read; a small body (one whose length is declared and
                // under 64 KiB) still names, by its `Version`, the API whose namespace the error
                // is written in. A larger one is never waited for.
                let length = request.headers[.contentLength].flatMap { Int($0) } ?? .max
                if length <= 64 * 1024, let body = try? await request.body.collect(upTo: 64 * 1024) {
                    let signed = SigV4Authenticator.httpRequest(request, body: body)
                    let parameters = QueryParameters(formBody: Array(body.readableBytesView), rawQuery: signed.rawQuery)
                    endpoint = self.endpoint(forVersion: parameters["Version"])
                    // An operation the model calls without a signature (STS's
                    // AssumeRoleWithWebIdentity) runs unsigned, for nobody; one Sesame does not
                    // implement yet says so rather than asking for a signature.
                    if let action = parameters.action, let operation = endpoint.model.operations[action], operation.anonymous {
                        observed = APIMetrics.Observed(service: endpoint.model.metadata.endpointPrefix, operation: operation.name)
                        guard let handler = endpoint.handlers.handlers[action] else {
                            throw AWSError.notImplemented(action, service: endpoint.model)
                        }
                        if request.headers[.authorization] == nil && !signed.rawQuery.contains("X-Amz-Signature=") {
                            bodyRead = true
                            let input = try endpoint.codec.decode(parameters, operation: operation)
                            let call = AWSCall(
                                caller: Caller(principal: .anonymous, policies: []), region: regions[0], requestID: requestID)
                            let output = try await handler(input, call)
                            return endpoint.codec.encode(output, operation: operation, requestID: requestID).response()
                        }
                    }
                }
                throw error
            }
            let body = try await SigV4Authenticator.collectBody(request, maxSize: context.maxUploadSize)
            bodyRead = true
            let signed = SigV4Authenticator.httpRequest(request, body: body)
            var parameters = QueryParameters(formBody: Array(body.readableBytesView), rawQuery: signed.rawQuery)
            if let queueURL, parameters["QueueUrl"] == nil {
                parameters = QueryParameters(pairs: parameters.pairs + [("QueueUrl", queueURL)])
            }
            endpoint = self.endpoint(forVersion: parameters["Version"])
            guard let named = self.endpoint(signedFor: parsed.scope.service) else {
                throw AWSError.signatureDoesNotMatch(
                    "Credential should be scoped to correct service: '\(endpoint.signingNames.sorted().first ?? "")'. ")
            }
            endpoint = named
            observed.service = named.model.metadata.endpointPrefix
            let region = parsed.scope.region
            let caller = try await authenticator.verify(
                parsed, signed, request, context: context, signingNames: named.signingNames, regions: regions,
                acceptsGlobalRegion: named.acceptsGlobalRegion)
            observed.principal = caller.principal.arn
            guard let actionName = parameters.action else { throw AWSError.missingAction() }
            guard let operation = endpoint.model.operations[actionName] else {
                throw AWSError.invalidAction(actionName, service: endpoint.model.metadata.apiVersion)
            }
            observed.operation = operation.name
            guard let handler = endpoint.handlers.handlers[actionName] else {
                throw AWSError.notImplemented(actionName, service: endpoint.model)
            }
            let input = try endpoint.codec.decode(parameters, operation: operation)
            let output = try await handler(input, AWSCall(caller: caller, region: region, requestID: requestID))
            return endpoint.codec.encode(output, operation: operation, requestID: requestID).response()
        } catch {
            var mapped = AWSErrorMapping.awsError(for: error, logger: context.logger)
            // SQS's Query errors have their own codes (`AWS.SimpleQueueService.NonExistentQueue`).
            if endpoint.queryErrorCodes, let queryCode = mapped.queryCode { mapped.code = queryCode }
            if let status = endpoint.statuses[mapped.code] { mapped.status = status }
            // Refused before its body was read: the connection closes rather than drain it.
            return endpoint.codec.encode(mapped, requestID: requestID).response(close: !bodyRead)
        }
    }
}
