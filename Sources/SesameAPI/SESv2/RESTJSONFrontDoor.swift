import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import SesameAWSProtocol
import SesameBackend
import SesameCore

/// One SES v2 call after authentication: the caller, the signed region, the path parameters
/// (percent-decoded), the query and the JSON body.
public struct RESTCall: Sendable {
    public var caller: Caller
    public var region: String
    public var pathParameters: [String: String]
    public var query: [String: String]
    public var body: [UInt8]

    /// The JSON body as an object (`{}` when empty); `BadRequestException` when it is not JSON.
    public func json() throws -> [String: Any] {
        if body.isEmpty { return [:] }
        guard let object = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any] else {
            throw SesameError(.validation, "The request body is not a JSON object.")
        }
        return object
    }
}

/// Serves REST-JSON operations: verifies the signature (service `ses`), checks the region,
/// runs the operation and writes JSON, or SES v2's error shape with `x-amzn-ErrorType`.
public struct RESTJSONFrontDoor: Sendable {
    let authenticator: SigV4Authenticator
    let regions: [String]
    let signingNames: Set<String> = ["ses", "email"]

    public typealias Operation = @Sendable (RESTCall) async throws -> Data

    public func handle(_ request: Request, context: SesameRequestContext, parameters: [String], _ operation: Operation) async -> Response {
        let requestID = RandomIDs.requestID()
        var bodyRead = false
        do {
            let parsed = try await authenticator.precheck(request)
            let body = try await SigV4Authenticator.collectBody(request, maxSize: context.maxUploadSize)
            bodyRead = true
            let signed = SigV4Authenticator.httpRequest(request, body: body)
            guard signingNames.contains(parsed.scope.service) else {
                throw AWSError.signatureDoesNotMatch("Credential should be scoped to correct service: 'ses'. ")
            }
            guard regions.contains(parsed.scope.region) else {
                throw AWSError.signatureDoesNotMatch("Credential should be scoped to a valid region, not '\(parsed.scope.region)'. ")
            }
            var caller = try await authenticator.authenticate(parsed, signed)
            caller.addRequestContext(
                now: Date(), sourceIP: context.remoteAddress?.ipAddress, secureTransport: false, userAgent: request.headers[.userAgent],
                region: parsed.scope.region)
            var pathParameters: [String: String] = [:]
            for name in parameters {
                if let raw = context.parameters.get(name) { pathParameters[name] = URIEncoding.decode(raw, plusAsSpace: false) }
            }
            var query: [String: String] = [:]
            for (key, value) in URIEncoding.parsePairs(Array(signed.rawQuery.utf8), plusAsSpace: false) { query[key] = value }
            let json = try await operation(
                RESTCall(caller: caller, region: parsed.scope.region, pathParameters: pathParameters, query: query, body: Array(body.readableBytesView)))
            var headers = HTTPFields()
            headers[.contentType] = "application/json"
            headers[HTTPField.Name("x-amzn-RequestId")!] = requestID
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: json)))
        } catch {
            let mapped = AWSErrorMapping.restJSONError(for: error, logger: context.logger)
            var headers = HTTPFields()
            headers[.contentType] = "application/json"
            headers[HTTPField.Name("x-amzn-RequestId")!] = requestID
            headers[HTTPField.Name("x-amzn-ErrorType")!] = mapped.code
            // Refused before its body was read: the connection closes rather than drain it.
            if !bodyRead { headers[.connection] = "close" }
            let body = (try? JSONSerialization.data(withJSONObject: ["message": mapped.message])) ?? Data("{}".utf8)
            return Response(status: .init(code: mapped.status), headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
        }
    }

    /// Serializes a JSON object for a response.
    public static func json(_ object: [String: Any]) throws -> Data {
        try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
    }
}
