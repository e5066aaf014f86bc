import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import SesameAWSProtocol
import SesameBackend
import SesameCore

/// One Query-protocol action: reads parameters, calls the backend, writes the `…Result` element.
public typealias QueryAction = @Sendable (QueryCall) async throws -> QueryResult

public struct QueryCall: Sendable {
    public var caller: Caller
    public var parameters: QueryParameters
    public var region: String
}

/// What an action returns: the body of its `…Result` element, or none.
public struct QueryResult: Sendable {
    let write: (@Sendable (inout XMLWriter) -> Void)?
    public init(_ write: (@Sendable (inout XMLWriter) -> Void)?) { self.write = write }
    public static let empty = QueryResult(nil)
}

/// A Query-protocol service (IAM, STS, later SES v1): its namespace, version and action table.
public struct QueryService: Sendable {
    public var signingNames: Set<String>
    public var namespace: String
    public var version: String
    public var actions: [String: QueryAction]
    /// Regions a request may be signed for; nil accepts any region this node serves or us-east-1.
    public var acceptsGlobalRegion: Bool
}

/// Serves `POST /` and `GET /`: verifies the signature, picks the service from the signing
/// scope, and dispatches on `Action`.
public struct QueryFrontDoor: Sendable {
    let services: [QueryService]
    let authenticator: SigV4Authenticator
    let regions: [String]

    public init(services: [QueryService], authenticator: SigV4Authenticator, regions: [String]) {
        self.services = services
        self.authenticator = authenticator
        self.regions = regions
    }

    func service(named name: String) -> QueryService? { services.first { $0.signingNames.contains(name) } }

    /// For errors raised before the signature names a service, guess it from `Version`.
    func service(forVersion version: String?) -> QueryService {
        services.first { $0.version == version } ?? services[0]
    }

    public func handle(_ request: Request, context: SesameRequestContext) async -> Response {
        let requestID = RandomIDs.requestID()
        var service = services[0]
        var bodyRead = false
        do {
            let parsed: ParsedSignature
            do {
                parsed = try await authenticator.precheck(request)
            } catch {
                // Refused before the body is read; a small body (one whose length is declared and
                // under 64 KiB) still names, by its `Version`, the service whose namespace the
                // error is written in. A larger one is never waited for.
                let length = request.headers[.contentLength].flatMap { Int($0) } ?? .max
                if length <= 64 * 1024, let body = try? await request.body.collect(upTo: 64 * 1024) {
                    let target = request.head.path ?? ""
                    let rawQuery = target.firstIndex(of: "?").map { String(target[target.index(after: $0)...]) } ?? ""
                    service = self.service(forVersion: QueryParameters(formBody: Array(body.readableBytesView), rawQuery: rawQuery)["Version"])
                }
                throw error
            }
            let body = try await SigV4Authenticator.collectBody(request, maxSize: context.maxUploadSize)
            bodyRead = true
            let signed = SigV4Authenticator.httpRequest(request, body: body)
            let parameters = QueryParameters(formBody: Array(body.readableBytesView), rawQuery: signed.rawQuery)
            service = self.service(forVersion: parameters["Version"])
            guard let named = self.service(named: parsed.scope.service) else {
                throw AWSError.signatureDoesNotMatch(
                    "Credential should be scoped to correct service: '\(service.signingNames.sorted().first ?? "")'. ")
            }
            service = named
            let region = parsed.scope.region
            if !regions.contains(region) && !(service.acceptsGlobalRegion && region == "us-east-1") {
                throw AWSError.signatureDoesNotMatch("Credential should be scoped to a valid region, not '\(region)'. ")
            }
            var caller = try await authenticator.authenticate(parsed, signed)
            caller.addRequestContext(
                now: Date(), sourceIP: context.remoteAddress?.ipAddress, secureTransport: false,
                userAgent: request.headers[.userAgent], region: region)
            guard let actionName = parameters.action else { throw AWSError.missingAction() }
            guard let action = service.actions[actionName] else {
                throw AWSError.invalidAction(actionName, service: service.version)
            }
            let result = try await action(QueryCall(caller: caller, parameters: parameters, region: region))
            let xml = QueryResponse.render(action: actionName, namespace: service.namespace, requestID: requestID, result: result.write)
            return Self.response(.ok, xml, requestID: requestID)
        } catch {
            let mapped = AWSErrorMapping.awsError(for: error, logger: context.logger)
            let xml = QueryResponse.renderError(mapped, namespace: service.namespace, requestID: requestID)
            var response = Self.response(.init(code: mapped.status), xml, requestID: requestID)
            // Refused before its body was read: the connection closes rather than drain it.
            if !bodyRead { response.headers[.connection] = "close" }
            return response
        }
    }

    static func response(_ status: HTTPResponse.Status, _ xml: String, requestID: String) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "text/xml"
        headers[HTTPField.Name("x-amzn-RequestId")!] = requestID
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: xml)))
    }
}
