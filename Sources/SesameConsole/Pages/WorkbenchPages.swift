import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import ServiceLifecycle
import SesameAWSProtocol
import SesameBackend
import SesameCore
import SesameHTTP

/// Captured mail in the console: search and pages, new mail as it arrives (Server-Sent Events,
/// read by Sesame's one script), one message with its bodies, parts, links and checks, and the
/// actions (mark, delete, release, download).
extension Console {
    static let mailPageSize = 100

    func addWorkbenchRoutes(to router: Router<SesameRequestContext>) {
        func route(
            _ method: HTTPRequest.Method, _ path: String,
            _ handler: @escaping @Sendable (Request, SesameRequestContext) async throws -> Response
        ) {
            router.on(RouterPath(path), method: method) { request, context in
                try await Self.answering { try await handler(request, context) }
            }
        }
        route(.get, "/console/mail") { request, _ in try await self.mailList(request) }
        route(.get, "/console/mail/events") { request, _ in try await self.mailEvents(request) }
        route(.get, "/console/assets/mail-live.js") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/javascript; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(string: MailLiveScript.source)))
        }
        route(.post, "/console/mail/read") { request, context in try await self.markMatching(request, context) }
        route(.post, "/console/mail/delete") { request, context in try await self.deleteMatching(request, context) }
        route(.get, "/console/mail/:id") { request, context in try await self.message(request, context) }
        route(.get, "/console/mail/:id/body.html") { request, context in try await self.messageBody(request, context) }
        route(.get, "/console/mail/:id/part/:part") { request, context in try await self.messagePart(request, context) }
        route(.get, "/console/mail/:id/message.eml") { request, context in try await self.messageSource(request, context) }
        route(.post, "/console/mail/:id/read") { request, context in try await self.markOne(request, context) }
        route(.post, "/console/mail/:id/delete") { request, context in try await self.deleteOne(request, context) }
        route(.post, "/console/mail/:id/release") { request, context in try await self.releaseOne(request, context) }
        route(.post, "/console/mail/:id/links") { request, context in try await self.messageLinks(request, context) }
    }

    /// A GET request's query, decoded as browsers encode forms (`+` is a space).
    static func query(_ request: Request) -> [String: String] {
        var out: [String: String] = [:]
        for (key, value) in URIEncoding.parsePairs(Array((request.uri.query ?? "").utf8), plusAsSpace: true) where out[key] == nil {
            out[key] = value
        }
        return out
    }

    /// The signed-in caller allowed to read captured mail; otherwise throws the response that
    /// says so (the sign-in page, or not authorized), which `answering` sends.
    func mailReader(_ request: Request) async throws -> ConsoleSessions.SignedIn {
        guard let signedIn = try await signedIn(request) else { throw ResponseHolder(redirect("/console/signin")) }
        do {
            try authorizeCapturedMail(signedIn.caller)
            return signedIn
        } catch {
            throw ResponseHolder(errorPage(error, signedIn: signedIn, back: "/console"))
        }
    }

    static func answering(_ work: () async throws -> Response) async throws -> Response {
        do {
            return try await work()
        } catch let holder as ResponseHolder {
            return holder.response
        }
    }

    func mailList(_ request: Request) async throws -> Response {
        let signedIn = try await mailReader(request)
        let parameters = Self.query(request)
        let text = parameters["q"] ?? ""
        let pageNumber = max(0, min(Int(parameters["page"] ?? "") ?? 0, 1_000_000))
        var search = MailSearch()
        var problem: String?
        do { search = try MailSearch.parse(text) } catch { problem = error.description }
        do {
            let found = try await ses.workbench.search(search, start: pageNumber * Self.mailPageSize, limit: Self.mailPageSize)
            func link(_ page: Int) -> String {
                "/console/mail?" + (text.isEmpty ? "" : "q=\(URIEncodingForPath.encode(text))&") + "page=\(page)"
            }
            let hasOlder = (pageNumber + 1) * Self.mailPageSize < found.matching
            let model = MailListModel(
                query: text, error: problem, matching: found.matching, total: found.total, unread: found.unread,
                messages: found.messages.map { summary in
                    MailListModel.Row(
                        id: summary.messageID, time: Timestamp.iso8601(summary.createdAt),
                        from: summary.addresses.from?.address ?? "", to: Self.recipients(summary.addresses),
                        subject: summary.subject.isEmpty ? "(no subject)" : summary.subject, via: summary.via, unread: !summary.seen,
                        attachments: summary.attachments > 0)
                },
                newer: pageNumber > 0 ? link(pageNumber - 1) : nil, older: hasOlder ? link(pageNumber + 1) : nil,
                live: pageNumber == 0 && search.isEmpty && problem == nil, notice: parameters["notice"])
            return page("mail", title: "Captured mail", model, signedIn: signedIn, status: problem == nil ? .ok : .badRequest)
        } catch {
            return errorPage(error, signedIn: signedIn, back: "/console")
        }
    }

    static func recipients(_ book: MailAddressBook) -> String {
        let all = (book.to + book.cc).map(\.address)
        return (all.isEmpty ? book.bcc.map(\.address) : all).joined(separator: ", ")
    }

    /// `text/event-stream`: one `data:` line of JSON per new message, and a comment every 5 seconds
    /// so a closed page is noticed: the server keeps a half-closed connection open, so the first
    /// write after a page closes still succeeds and only the next one fails (within 10 s). Each
    /// connection holds at most 1,000 waiting events.
    func mailEvents(_ request: Request) async throws -> Response {
        _ = try await mailReader(request)
        let workbench = ses.workbench
        guard workbench.hasRoomForLiveViewer else {
            // The page still works: it shows new mail on reload.
            return Response(
                status: .serviceUnavailable, headers: [.contentType: "text/plain; charset=utf-8", .retryAfter: "30"],
                body: .init(
                    byteBuffer: ByteBuffer(string: "Too many live views of captured mail are open; reload the page to see new mail.\n")))
        }
        return Response(
            status: .ok, headers: [.contentType: "text/event-stream", .cacheControl: "no-store"],
            body: ResponseBody { writer in
                // Subscribed when the body is written, so a response never sent leaves nothing running.
                let feed = workbench.feed()
                let (lines, continuation) = AsyncStream<String>.makeStream(bufferingPolicy: .bufferingNewest(1000))
                let forward = Task {
                    for await summary in feed { continuation.yield(Self.event(summary)) }
                    continuation.finish()
                }
                let ping = Task {
                    while !Task.isCancelled {
                        try? await Task.sleep(for: .seconds(5))
                        continuation.yield(": ping\n\n")
                    }
                }
                defer {
                    forward.cancel()
                    ping.cancel()
                    continuation.finish()
                }
                try await writer.write(ByteBuffer(string: ": new captured mail\n\n"))
                // The stream ends when Sesame shuts down, so an open page never holds it up.
                try await withGracefulShutdownHandler {
                    for await line in lines { try await writer.write(ByteBuffer(string: line)) }
                } onGracefulShutdown: {
                    continuation.finish()
                }
                try await writer.finish(nil)
            })
    }

    static func event(_ summary: MailSummary) -> String {
        let fields: [String: Any] = [
            "id": summary.messageID, "time": Timestamp.iso8601(summary.createdAt), "from": summary.addresses.from?.address ?? "",
            "to": recipients(summary.addresses), "subject": summary.subject.isEmpty ? "(no subject)" : summary.subject,
            "via": summary.via, "attachments": summary.attachments > 0,
        ]
        let json = (try? JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys])) ?? Data("{}".utf8)
        return "data: \(String(decoding: json, as: UTF8.self))\n\n"
    }

    func markMatching(_ request: Request, _ context: SesameRequestContext) async throws -> Response {
        try await matching(request, context) { search, form in
            let read = form["read"] != "0"
            let count = try await self.ses.workbench.mark(matching: search, seen: read)
            return "\(count) message\(count == 1 ? "" : "s") marked \(read ? "read" : "unread")."
        }
    }

    func deleteMatching(_ request: Request, _ context: SesameRequestContext) async throws -> Response {
        try await matching(request, context) { search, _ in
            let count =
                search.isEmpty ? try await self.ses.workbench.delete(ids: nil) : try await self.ses.workbench.delete(matching: search)
            return "\(count) message\(count == 1 ? "" : "s") deleted."
        }
    }

    /// A POST acting on every message a search matches, then back to the list with a notice.
    func matching(
        _ request: Request, _ context: SesameRequestContext,
        _ act: @Sendable (MailSearch, [String: String]) async throws -> String
    ) async throws -> Response {
        let signedIn = try await mailReader(request)
        guard let form = try await checkedForm(request, context, signedIn) else { return csrfRefused(signedIn) }
        let text = form["q"] ?? ""
        do {
            let notice = try await act(try MailSearch.parse(text), form)
            let query = text.isEmpty ? "" : "q=\(URIEncodingForPath.encode(text))&"
            return redirect("/console/mail?\(query)notice=\(URIEncodingForPath.encode(notice))")
        } catch let error as MailSearch.Invalid {
            return errorPage(SesameError(.invalidParameterValue, error.description), signedIn: signedIn, back: "/console/mail")
        } catch {
            return errorPage(error, signedIn: signedIn, back: "/console/mail")
        }
    }
}

/// Carries a response out of a `Result` (a `Response` is not an `Error`).
struct ResponseHolder: Error {
    let response: Response
    init(_ response: Response) { self.response = response }
}
