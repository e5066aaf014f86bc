import Foundation
import HTTPTypes
public import Hummingbird
import Logging
import NIOCore
import SesameAWSProtocol
public import SesameBackend
import SesameCore
public import SesameHTTP

/// `GET /_aws/ses`: the captured mail, in the JSON shape LocalStack uses (so tests written for
/// LocalStack move over unchanged), plus each message's raw MIME and the principal that sent it;
/// `CapturedMailListing` says which query parameters page and order it. `DELETE /_aws/ses`
/// clears it (`?id=` clears one). Without a loopback connection that names this listener the
/// caller must sign the request with the root user's credentials.
public struct CapturedMailRoutes: Sendable {
    let mail: CapturedMail
    let ses: SESBackend
    let access: CapturedMailAccess

    public init(ses: SESBackend, access: CapturedMailAccess) {
        self.ses = ses
        self.mail = ses.capturedMail
        self.access = access
    }

    func admit(_ request: Request, body: ByteBuffer, context: SesameRequestContext) async throws {
        try await access.admit(request, body: body, context: context)
    }

    /// Streams the listing: messages are read a page at a time and written as they are read,
    /// so memory stays bounded by `CapturedMailListing.memoryBudget` whatever is stored.
    func list(_ request: Request, context: SesameRequestContext) async throws -> Response {
        let body = try await request.body.collect(upTo: 64 * 1024)
        try await admit(request, body: body, context: context)
        let query = try CapturedMailListing.Query(QueryString(request))
        if let id = query.id {
            let found = try await mail.messages(ids: [id])
            let json = try CapturedMailListing.document(found.map(CapturedMailListing.entry), next: nil)
            return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: json)))
        }
        let mail = self.mail
        let logger = context.logger
        return Response(
            status: .ok, headers: [.contentType: "application/json"],
            body: ResponseBody { writer in
                do {
                    try await CapturedMailListing.stream(query, mail: mail, to: &writer)
                } catch {
                    // The status is sent already: end the connection so the client sees a broken body, not a short one.
                    logger.error("captured-mail listing stopped: \(error)")
                    throw error
                }
            })
    }

    func clear(_ request: Request, context: SesameRequestContext) async throws -> Response {
        let body = try await request.body.collect(upTo: 64 * 1024)
        try await admit(request, body: body, context: context)
        let id = request.uri.queryParameters.get("id")
        try await mail.delete(id: id)
        return Response(status: .noContent)
    }

    /// `GET /_aws/ses/dkim?domain=D&region=R`: the TXT records that publish a domain's DKIM
    /// public key (what a DNS zone needs so receivers can verify Sesame's signatures).
    func dkimRecords(_ request: Request, context: SesameRequestContext) async throws -> Response {
        guard let domain = request.uri.queryParameters.get("domain") else {
            throw AWSError(code: "ValidationError", status: 400, message: "Give ?domain=example.com (and &region=, default us-east-1).")
        }
        let region = request.uri.queryParameters.get("region") ?? "us-east-1"
        guard let key = try await ses.dkimKey(region: region, domain: domain.lowercased()) else {
            throw AWSError(code: "NotFoundException", status: 404, message: "\(domain) has no DKIM key in \(region).")
        }
        let records = key.dnsRecords.map { ["name": $0.name, "type": "TXT", "value": $0.value] }
        let json = try JSONSerialization.data(
            withJSONObject: ["domain": key.domain, "origin": key.origin, "signingEnabled": key.signingEnabled, "records": records],
            options: [.sortedKeys])
        return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: json)))
    }

    func respond(_ work: () async throws -> Response, context: SesameRequestContext) async -> Response {
        do {
            return try await work()
        } catch {
            let mapped = AWSErrorMapping.awsError(for: error, logger: context.logger)
            let json =
                "{\"__type\":\"\(mapped.code)\",\"message\":\(String(decoding: try! JSONEncoder().encode(mapped.message), as: UTF8.self))}"
            return Response(
                status: .init(code: mapped.status), headers: [.contentType: "application/json"],
                body: .init(byteBuffer: ByteBuffer(string: json)))
        }
    }

    /// `GET /_aws/ses/inbound?region=`: mail the inbound listeners took for that region's rule set,
    /// newest first (`?limit`, default 100), with its envelope, state, verdicts, what each action
    /// did, and raw MIME.
    func inbound(_ request: Request, context: SesameRequestContext) async throws -> Response {
        try await admit(request, body: ByteBuffer(), context: context)
        let region = request.uri.queryParameters.get("region") ?? "us-east-1"
        let limit = min(max(request.uri.queryParameters.get("limit").flatMap { Int($0) } ?? 100, 1), 1000)
        let messages = try await ses.receivedMessages(region: region, limit: limit).map { message -> [String: Any] in
            var out: [String: Any] = [
                "id": message.id, "region": message.region, "ruleSet": message.ruleSet, "mailFrom": message.mailFrom,
                "recipients": message.recipients, "remoteAddress": message.remoteAddress, "tls": message.tls, "helo": message.helo,
                "receivedAt": AWSTimestamp.iso8601(message.receivedAt), "state": message.state.rawValue,
                "raw": String(decoding: message.raw, as: UTF8.self),
                "actions": message.outcomes.map { ["rule": $0.rule, "type": $0.action, "status": $0.status, "detail": $0.detail] },
            ]
            if let verdicts = message.verdicts {
                var shown: [String: String] = [
                    "spam": verdicts.spam, "virus": verdicts.virus, "spf": verdicts.spf, "dkim": verdicts.dkim, "dmarc": verdicts.dmarc,
                ]
                if let policy = verdicts.dmarcPolicy { shown["dmarcPolicy"] = policy }
                if let result = verdicts.spfResult { shown["spfResult"] = result }
                out["verdicts"] = shown
            }
            return out
        }
        let json = try JSONSerialization.data(withJSONObject: ["messages": messages], options: [.sortedKeys, .withoutEscapingSlashes])
        return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: json)))
    }

    public func add(to router: Router<SesameRequestContext>) {
        router.get("/_aws/ses") { request, context in await respond({ try await list(request, context: context) }, context: context) }
        router.get("/_aws/ses/inbound") { request, context in
            await respond({ try await inbound(request, context: context) }, context: context)
        }
        router.get("/_aws/ses/dkim") { request, context in
            await respond({ try await dkimRecords(request, context: context) }, context: context)
        }
        router.delete("/_aws/ses") { request, context in await respond({ try await clear(request, context: context) }, context: context) }
    }
}
