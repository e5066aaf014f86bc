import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import SesameAWSProtocol
import SesameBackend
import SesameCore
import SesameStorage

/// `GET /_aws/ses`: the captured mail, in the JSON shape LocalStack uses (so tests written for
/// LocalStack move over unchanged), plus each message's raw MIME and the principal that sent it.
/// `DELETE /_aws/ses` clears it (`?id=` clears one). Outside loopback the caller must sign the
/// request with the root user's credentials.
public struct CapturedMailRoutes: Sendable {
    let store: any Store
    let authenticator: SigV4Authenticator

    struct Entry: Encodable {
        struct Destination: Encodable { var ToAddresses: [String] }
        struct Body: Encodable {
            var text_part: String?
            var html_part: String?
        }
        var Id: String
        var Region: String
        var Source: String
        var Destination: Destination
        var Subject: String?
        var Body: Body
        var RawData: String
        var Timestamp: String
        var Principal: String
        var Via: String
    }

    struct Listing: Encodable { var messages: [Entry] }

    static func isLoopback(_ address: SocketAddress?) -> Bool {
        guard let ip = address?.ipAddress else { return false }
        return ip.hasPrefix("127.") || ip == "::1" || ip.hasPrefix("::ffff:127.")
    }

    /// Loopback callers pass; anyone else must present a valid root signature.
    func admit(_ request: Request, body: ByteBuffer, context: SesameRequestContext) async throws {
        if Self.isLoopback(context.remoteAddress) { return }
        let signed = SigV4Authenticator.httpRequest(request, body: body)
        let caller = try await authenticator.authenticate(try authenticator.parse(signed), signed)
        guard caller.principal.isRoot else {
            throw AWSError(code: "AccessDenied", status: 403, message: "Only the root user may read captured mail from outside this machine.")
        }
    }

    func list(_ request: Request, context: SesameRequestContext) async throws -> Response {
        let body = try await request.body.collect(upTo: 1024 * 1024)
        try await admit(request, body: body, context: context)
        let id = request.uri.queryParameters.get("id")
        let email = request.uri.queryParameters.get("email")
        let messages = try await store.read { session in
            try await session.messages(id: id, source: email, limit: 10_000)
        }
        let entries = messages.map { message -> Entry in
            let parts = MIME.textParts(message.raw)
            return Entry(
                Id: message.id, Region: message.region, Source: message.source,
                Destination: .init(ToAddresses: message.destinations), Subject: message.subject,
                Body: .init(text_part: parts.text, html_part: parts.html),
                RawData: String(decoding: message.raw, as: UTF8.self),
                Timestamp: Timestamp.iso8601(message.createdAt), Principal: message.principalARN, Via: message.via)
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let json = try encoder.encode(Listing(messages: entries))
        return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: json)))
    }

    func clear(_ request: Request, context: SesameRequestContext) async throws -> Response {
        let body = try await request.body.collect(upTo: 1024 * 1024)
        try await admit(request, body: body, context: context)
        let id = request.uri.queryParameters.get("id")
        try await store.write { session in try await session.deleteMessages(id: id) }
        return Response(status: .noContent)
    }

    /// `GET /_aws/ses/dkim?domain=D&region=R`: the TXT records that publish a domain's DKIM
    /// public key (what a DNS zone needs so receivers can verify Sesame's signatures).
    func dkimRecords(_ request: Request, context: SesameRequestContext) async throws -> Response {
        guard let domain = request.uri.queryParameters.get("domain") else {
            throw AWSError(code: "ValidationError", status: 400, message: "Give ?domain=example.com (and &region=, default us-east-1).")
        }
        let region = request.uri.queryParameters.get("region") ?? "us-east-1"
        guard let key = try await store.read({ try await $0.dkimKey(region: region, domain: domain.lowercased()) }) else {
            throw AWSError(code: "NotFoundException", status: 404, message: "\(domain) has no DKIM key in \(region).")
        }
        let records = key.dnsRecords.map { ["name": $0.name, "type": "TXT", "value": $0.value] }
        let json = try JSONSerialization.data(
            withJSONObject: ["domain": key.domain, "origin": key.origin, "signingEnabled": key.signingEnabled, "records": records], options: [.sortedKeys])
        return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: json)))
    }

    func respond(_ work: () async throws -> Response, context: SesameRequestContext) async -> Response {
        do {
            return try await work()
        } catch {
            let mapped = AWSErrorMapping.awsError(for: error, logger: context.logger)
            let json = "{\"__type\":\"\(mapped.code)\",\"message\":\(String(decoding: try! JSONEncoder().encode(mapped.message), as: UTF8.self))}"
            return Response(
                status: .init(code: mapped.status), headers: [.contentType: "application/json"],
                body: .init(byteBuffer: ByteBuffer(string: json)))
        }
    }

    public func add(to router: Router<SesameRequestContext>) {
        router.get("/_aws/ses") { request, context in await respond({ try await list(request, context: context) }, context: context) }
        router.get("/_aws/ses/dkim") { request, context in await respond({ try await dkimRecords(request, context: context) }, context: context) }
        router.delete("/_aws/ses") { request, context in await respond({ try await clear(request, context: context) }, context: context) }
    }
}
