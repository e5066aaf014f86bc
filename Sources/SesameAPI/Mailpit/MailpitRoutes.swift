import Foundation
public import HTTPTypes
public import Hummingbird
import Logging
import NIOCore
import SesameAWSProtocol
public import SesameBackend
import SesameCore
public import SesameHTTP

/// The parts of Mailpit's REST API (v1) that test suites use, over captured mail, at Mailpit's
/// paths below `root` (its `--webroot`): list, search, read one message (summary, headers, raw
/// source, parts, its HTML and text views), mark read, delete. A suite written against Mailpit
/// runs against Sesame by changing its base URL. Who may call it: `CapturedMailAccess`.
public struct MailpitRoutes: Sendable {
    let workbench: MailWorkbench
    let access: CapturedMailAccess
    let root: String

    /// Pages hold at most this many messages (Mailpit's default is 50).
    static let maxLimit = 1000

    public init(workbench: MailWorkbench, access: CapturedMailAccess, root: String) {
        self.workbench = workbench
        self.access = access
        self.root = root
    }

    public func add(to router: Router<SesameRequestContext>) {
        let api = root + "api/v1/"
        func route(
            _ method: HTTPRequest.Method, _ path: String,
            _ handler: @escaping @Sendable (Request, ByteBuffer, SesameRequestContext) async throws -> Response
        ) {
            router.on(RouterPath(path), method: method) { request, context in
                await respond(context: context) {
                    let body = try await request.body.collect(upTo: 1 << 20)
                    try await access.admit(request, body: body, context: context)
                    return try await handler(request, body, context)
                }
            }
        }
        route(.get, api + "info") { _, _, _ in try await info() }
        route(.get, api + "messages") { request, _, _ in try await list(request, search: MailSearch()) }
        route(.put, api + "messages") { _, body, _ in try await setRead(body) }
        route(.delete, api + "messages") { _, body, _ in try await delete(body) }
        route(.get, api + "search") { request, _, _ in try await list(request, search: try search(request)) }
        route(.delete, api + "search") { request, _, _ in
            try await workbench.delete(matching: try search(request))
            return Self.ok()
        }
        route(.get, api + "message/{id}") { _, _, context in try await message(context) }
        route(.get, api + "message/{id}/headers") { _, _, context in try await headers(context) }
        route(.get, api + "message/{id}/raw") { _, _, context in
            let found = try await find(context)
            return Self.bytes(found.message.raw, type: "text/plain; charset=utf-8")
        }
        route(.get, api + "message/{id}/part/{part}") { _, _, context in try await part(context) }
        route(.get, api + "message/{id}/link-check") { request, _, context in
            let found = try await find(context)
            let follow = ["true", "1"].contains(Self.parameter(request, "follow")?.lowercased() ?? "")
            let links = try await workbench.checkLinks(id: found.summary.messageID, followRedirects: follow) ?? []
            return try Self.json(
                MailpitShapes.LinkCheck(
                    Errors: links.filter(\.isError).count,
                    Links: links.map { MailpitShapes.Link(URL: $0.url, StatusCode: $0.code, Status: $0.text) }))
        }
        route(.post, api + "message/{id}/release") { _, body, context in
            struct Release: Decodable { var To: [String] }
            guard body.readableBytes > 0, let release = try? JSONDecoder().decode(Release.self, from: Data(body.readableBytesView)) else {
                throw MailpitFailure(status: .badRequest, "the body must be JSON such as {\"To\": [\"someone@example.com\"]}")
            }
            let found = try await find(context)
            try await workbench.release(id: found.summary.messageID, to: release.To)
            return Self.ok()
        }
        route(.get, root + "view/{file}") { _, _, context in try await view(context) }
    }

    // MARK: Lists

    static func parameter(_ request: Request, _ name: String) -> String? { QueryString(request).get(name) }

    func search(_ request: Request) throws -> MailSearch {
        guard let query = Self.parameter(request, "query"), !query.trimmingSpaces.isEmpty else {
            throw MailpitFailure(status: .badRequest, "no search query: give ?query=, such as ?query=to:someone@example.com")
        }
        var zone = TimeZone(identifier: "UTC")!
        if let name = Self.parameter(request, "tz"), !name.isEmpty {
            guard let named = TimeZone(identifier: name) else {
                throw MailpitFailure(status: .badRequest, "tz must be a time zone name such as Europe/Paris (got '\(name)')")
            }
            zone = named
        }
        do {
            return try MailSearch.parse(query, timeZone: zone)
        } catch {
            throw MailpitFailure(status: .badRequest, error.description)
        }
    }

    func list(_ request: Request, search: MailSearch) async throws -> Response {
        let start = try Self.number(request, "start", default: 0, range: 0...Int(Int32.max))
        let limit = try Self.number(request, "limit", default: 50, range: 1...Self.maxLimit)
        let page = try await workbench.search(search, start: start, limit: limit)
        return try Self.json(
            MailpitShapes.MessagesSummary(
                total: page.total, unread: page.unread, count: page.messages.count, messages_count: page.matching,
                messages_unread: page.matchingUnread, start: start, tags: [], messages: page.messages.map(MailpitShapes.MessageSummary.init)
            ))
    }

    static func number(_ request: Request, _ name: String, default value: Int, range: ClosedRange<Int>) throws -> Int {
        guard let text = Self.parameter(request, name), !text.isEmpty else { return value }
        guard let number = Int(text), range.contains(number) else {
            throw MailpitFailure(
                status: .badRequest, "\(name) must be a whole number from \(range.lowerBound) to \(range.upperBound) (got '\(text)')")
        }
        return number
    }

    /// The body of `PUT /messages` and `DELETE /messages`.
    struct Selection: Decodable {
        var IDs: [String]?
        var Read: Bool?
        var Search: String?
    }

    static func selection(_ body: ByteBuffer) throws -> Selection {
        guard body.readableBytes > 0 else { return Selection() }
        do {
            return try JSONDecoder().decode(Selection.self, from: Data(body.readableBytesView))
        } catch {
            throw MailpitFailure(status: .badRequest, "the body must be JSON such as {\"IDs\": [\"…\"], \"Read\": true}")
        }
    }

    func setRead(_ body: ByteBuffer) async throws -> Response {
        let selection = try Self.selection(body)
        let seen = selection.Read ?? false
        if let text = selection.Search, !text.isEmpty {
            do {
                try await workbench.mark(matching: try MailSearch.parse(text), seen: seen)
            } catch let error as MailSearch.Invalid {
                throw MailpitFailure(status: .badRequest, error.description)
            }
        } else {
            let ids = selection.IDs ?? []
            try await workbench.mark(ids: ids.isEmpty ? nil : ids, seen: seen)
        }
        return Self.ok()
    }

    func delete(_ body: ByteBuffer) async throws -> Response {
        let ids = try Self.selection(body).IDs ?? []
        try await workbench.delete(ids: ids.isEmpty ? nil : ids)
        return Self.ok()
    }

    func info() async throws -> Response {
        let page = try await workbench.search(MailSearch(), start: 0, limit: 1)
        return try Self.json(
            MailpitShapes.Info(
                Version: "Sesame \(SesameVersion.current)", LatestVersion: "", Database: "", DatabaseSize: 0, Messages: page.total,
                Unread: page.unread, Tags: [:],
                RuntimeStats: .init(
                    Uptime: 0, Memory: 0, MessagesDeleted: 0, SMTPAccepted: 0, SMTPAcceptedSize: 0, SMTPRejected: 0, SMTPIgnored: 0)))
    }

    // MARK: One message

    func find(_ context: SesameRequestContext) async throws -> (message: StoredMessage, summary: MailSummary) {
        let id = context.parameters.get("id") ?? ""
        guard let found = try await workbench.message(id) else { throw MailpitFailure(status: .notFound, "Not found") }
        return found
    }

    func message(_ context: SesameRequestContext) async throws -> Response {
        var found = try await find(context)
        // Reading a message marks it read, as in Mailpit.
        if !found.summary.seen {
            try await workbench.mark(ids: [found.summary.messageID], seen: true)
            found.summary.seen = true
        }
        return try Self.json(MailpitShapes.message(found.message, summary: found.summary))
    }

    func headers(_ context: SesameRequestContext) async throws -> Response {
        let found = try await find(context)
        var headers: [String: [String]] = [:]
        for header in MIME.headers(of: found.message.raw) { headers[header.name, default: []].append(header.value) }
        return try Self.json(headers)
    }

    func part(_ context: SesameRequestContext) async throws -> Response {
        let found = try await find(context)
        let id = context.parameters.get("part") ?? ""
        let document = MailDocument(found.message.raw)
        guard let part = document.parts.first(where: { $0.id == id }), let bytes = MailDocument.content(of: found.message.raw, partID: id)
        else { throw MailpitFailure(status: .notFound, "Not found") }
        var response = Self.bytes(bytes, type: part.contentType)
        let name = part.fileName.isEmpty ? "part-\(id)" : part.fileName
        response.headers[.contentDisposition] = "inline; filename=\"\(Self.headerSafe(name))\""
        return response
    }

    /// `view/ID.html` and `view/ID.txt`: the message's HTML or text body alone.
    func view(_ context: SesameRequestContext) async throws -> Response {
        let file = context.parameters.get("file") ?? ""
        guard let dot = file.lastIndex(of: ".") else { throw MailpitFailure(status: .notFound, "Not found") }
        let id = String(file[..<dot]), kind = file[file.index(after: dot)...]
        guard let found = try await workbench.message(id) else { throw MailpitFailure(status: .notFound, "Not found") }
        let document = MailDocument(found.message.raw)
        switch kind {
        case "html":
            guard var html = document.html else { throw MailpitFailure(status: .notFound, "Not found") }
            for part in document.inline where !part.contentID.isEmpty {
                html = html.replacingOccurrences(
                    of: "cid:" + part.contentID, with: "\(root)api/v1/message/\(found.summary.messageID)/part/\(part.id)")
            }
            var response = Self.bytes(Array(html.utf8), type: "text/html; charset=utf-8")
            response.headers[.contentSecurityPolicy] = Self.messageHTMLPolicy
            return response
        case "txt":
            guard let text = document.text else { throw MailpitFailure(status: .notFound, "Not found") }
            return Self.bytes(Array(text.utf8), type: "text/plain; charset=utf-8")
        default: throw MailpitFailure(status: .notFound, "Not found")
        }
    }

    /// A captured message's HTML is untrusted: it runs in a sandbox (its own origin, no
    /// scripts, no forms), loads nothing from elsewhere but Sesame's own parts, and its links
    /// still open.
    static let messageHTMLPolicy =
        "sandbox allow-popups allow-popups-to-escape-sandbox allow-top-navigation-by-user-activation; default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; font-src data:"

    // MARK: Responses and errors (mapped here, for every route)

    static func headerSafe(_ text: String) -> String {
        String(text.unicodeScalars.filter { $0.value >= 0x20 && $0.value < 0x7F && $0 != "\"" && $0 != "\\" }.map(Character.init))
    }

    static func ok() -> Response {
        Response(status: .ok, headers: [.contentType: "text/plain; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: "ok")))
    }

    static func bytes(_ bytes: [UInt8], type: String) -> Response {
        Response(status: .ok, headers: [.contentType: type], body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    static func json<T: Encodable>(_ value: T) throws -> Response {
        Response(
            status: .ok, headers: [.contentType: "application/json; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(bytes: try MailpitShapes.json(value))))
    }

    func respond(context: SesameRequestContext, _ work: () async throws -> Response) async -> Response {
        let status: HTTPResponse.Status
        let message: String
        do {
            return try await work()
        } catch let failure as MailpitFailure {
            (status, message) = (failure.status, failure.message)
        } catch {
            // Access and throttling errors keep their status; anything else is logged.
            let mapped = AWSErrorMapping.awsError(for: error, logger: context.logger)
            (status, message) = (HTTPResponse.Status(code: mapped.status), mapped.message)
        }
        return Response(
            status: status, headers: [.contentType: "text/plain; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: message)))
    }
}

/// A Mailpit API error: a status and a plain-text message, as Mailpit answers.
struct MailpitFailure: Error {
    var status: HTTPResponse.Status
    var message: String

    init(status: HTTPResponse.Status, _ message: String) {
        self.status = status
        self.message = message
    }
}
