import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import SesameBackend
import SesameCore
import SesameHTTP

/// One captured message in the console, and what can be done with it.
extension Console {
    func message(_ request: Request, _ context: SesameRequestContext) async throws -> Response {
        let signedIn = try await mailReader(request)
        return try await message(request, context, signedIn: signedIn, checked: nil)
    }

    /// `POST …/links`: the message page with each link's status.
    func messageLinks(_ request: Request, _ context: SesameRequestContext) async throws -> Response {
        let signedIn = try await mailReader(request)
        guard try await checkedForm(request, context, signedIn) != nil else { return csrfRefused(signedIn) }
        let id = try context.parameters.require("id")
        do {
            let statuses = try await ses.workbench.checkLinks(id: id, followRedirects: true) ?? []
            return try await message(request, context, signedIn: signedIn, checked: statuses)
        } catch {
            return errorPage(error, signedIn: signedIn, back: "/console/mail/\(URIEncodingForPath.encode(id))")
        }
    }

    func message(
        _ request: Request, _ context: SesameRequestContext, signedIn: ConsoleSessions.SignedIn, checked: [LinkStatus]?
    ) async throws -> Response {
        let id = try context.parameters.require("id")
        let parameters = Self.query(request)
        do {
            guard let found = try await ses.workbench.message(id) else {
                throw SesameError(.noSuchEntity, "No captured message has the ID \(id).")
            }
            let (_, deliveries, events) = try await mail.detail(id: found.summary.messageID)
            // Opening a message marks it read, as mail clients (and Mailpit) do.
            if !found.summary.seen { try await ses.workbench.mark(ids: [found.summary.messageID], seen: true) }
            let message = found.message
            let document = MailDocument(message.raw)
            let model = MessageModel(
                id: message.id, messageRegion: message.region, principal: message.principalARN, via: message.via.rawValue,
                source: message.source, to: message.destinations.joined(separator: ", "),
                subject: found.summary.subject.isEmpty ? "(no subject)" : found.summary.subject,
                from: document.from?.description ?? message.source, configurationSet: message.configurationSet,
                seen: true,
                headers: document.headers.map { .init(name: $0.name, value: MIME.decodeHeaderText($0.value)) },
                raw: String(decoding: message.raw, as: UTF8.self), hasEvents: !events.isEmpty,
                deliveries: deliveries.map {
                    .init(recipient: $0.recipient, state: $0.state.rawValue, attempts: $0.attempts, reply: $0.lastReply ?? "")
                },
                events: events.map { event in
                    .init(
                        time: Timestamp.iso8601(event.createdAt), kind: event.kind.rawValue,
                        recipients: event.recipients.joined(separator: ", "),
                        type: [event.type, event.subType].compactMap { $0 }.joined(separator: " / "), detail: event.detail ?? "")
                },
                text: document.text, hasHTML: document.html != nil, remoteImages: parameters["images"] == "1",
                parts: document.parts.map {
                    .init(
                        id: $0.id, name: $0.fileName.isEmpty ? "part-\($0.id)" : $0.fileName, type: $0.contentType,
                        size: Self.size($0.size), inline: $0.isInline)
                },
                links: MailText.links(text: document.text, html: document.html).map { url in
                    let status = checked?.first { $0.url == url }
                    return .init(
                        url: url, status: status.map { $0.code == 0 ? "unreachable: \($0.text)" : "\($0.code) \($0.text)" },
                        broken: status?.isError ?? false)
                },
                linksChecked: checked != nil, hasLinks: !MailText.links(text: document.text, html: document.html).isEmpty,
                compatibility: HTMLCompatibility.findings(document.html ?? "").map { .init(feature: $0.feature, clients: $0.clients) },
                dkim: await ses.ownDKIMVerdict(message), canRelease: ses.workbench.canRelease, notice: parameters["notice"])
            return page("message", title: model.subject, model, signedIn: signedIn)
        } catch {
            return errorPage(error, signedIn: signedIn, back: "/console/mail")
        }
    }

    static func size(_ bytes: Int) -> String {
        bytes < 1024
            ? "\(bytes) bytes" : bytes < 1024 * 1024 ? "\(bytes / 1024) KiB" : String(format: "%.1f MiB", Double(bytes) / 1_048_576)
    }

    /// The message's HTML alone, for the page's frame: sandboxed (no scripts, no forms, its own
    /// origin), inline images from Sesame, remote images only when asked (`?images=1`).
    func messageBody(_ request: Request, _ context: SesameRequestContext) async throws -> Response {
        _ = try await mailReader(request)
        let id = try context.parameters.require("id")
        guard let found = try await ses.workbench.message(id), var html = MailDocument(found.message.raw).html else {
            return Response(status: .notFound)
        }
        // Inline images go in as data: URLs: the sandboxed frame has an origin of its own, so
        // it sends no session cookie to fetch them from the console.
        for part in MailDocument(found.message.raw).inline where !part.contentID.isEmpty && part.contentType.hasPrefix("image/") {
            guard part.size <= 2 * 1024 * 1024, let bytes = MailDocument.content(of: found.message.raw, partID: part.id) else { continue }
            html = html.replacingOccurrences(
                of: "cid:" + part.contentID, with: "data:\(part.contentType);base64,\(Data(bytes).base64EncodedString())")
        }
        let images = Self.query(request)["images"] == "1" ? "'self' data: http: https:" : "'self' data:"
        var response = Response(
            status: .ok, headers: [.contentType: "text/html; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: html)))
        response.headers[.contentSecurityPolicy] =
            "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src \(images); font-src data:; frame-ancestors 'self'"
        return response
    }

    func messagePart(_ request: Request, _ context: SesameRequestContext) async throws -> Response {
        _ = try await mailReader(request)
        let id = try context.parameters.require("id"), partID = try context.parameters.require("part")
        guard let found = try await ses.workbench.message(id),
            let part = MailDocument(found.message.raw).parts.first(where: { $0.id == partID }),
            let bytes = MailDocument.content(of: found.message.raw, partID: partID)
        else { return Response(status: .notFound) }
        let name = part.fileName.isEmpty ? "part-\(partID)" : part.fileName
        // Inline images show in the message's frame; anything else is downloaded, never rendered here.
        let disposition = part.isInline && part.contentType.hasPrefix("image/") ? "inline" : "attachment"
        return Response(
            status: .ok,
            headers: [.contentType: part.contentType, .contentDisposition: "\(disposition); filename=\"\(Self.quotedSafe(name))\""],
            body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    func messageSource(_ request: Request, _ context: SesameRequestContext) async throws -> Response {
        _ = try await mailReader(request)
        let id = try context.parameters.require("id")
        guard let found = try await ses.workbench.message(id) else { return Response(status: .notFound) }
        return Response(
            status: .ok,
            headers: [
                .contentType: "message/rfc822",
                .contentDisposition: "attachment; filename=\"\(Self.quotedSafe(found.summary.messageID)).eml\"",
            ],
            body: .init(byteBuffer: ByteBuffer(bytes: found.message.raw)))
    }

    static func quotedSafe(_ text: String) -> String {
        String(text.unicodeScalars.filter { $0.value >= 0x20 && $0.value < 0x7F && $0 != "\"" && $0 != "\\" }.map(Character.init))
    }

    func markOne(_ request: Request, _ context: SesameRequestContext) async throws -> Response {
        try await onOne(request, context) { id, form in
            let read = form["read"] != "0"
            try await self.ses.workbench.mark(ids: [id], seen: read)
            // Marked unread: back to the list (opening the message again would mark it read).
            return read ? "/console/mail/\(id)" : "/console/mail?notice=\(URIEncodingForPath.encode("Marked unread."))"
        }
    }

    func deleteOne(_ request: Request, _ context: SesameRequestContext) async throws -> Response {
        try await onOne(request, context) { id, _ in
            try await self.ses.workbench.delete(ids: [id])
            return "/console/mail?notice=\(URIEncodingForPath.encode("Message \(id) deleted."))"
        }
    }

    func releaseOne(_ request: Request, _ context: SesameRequestContext) async throws -> Response {
        try await onOne(request, context) { id, form in
            let recipients = (form["to"] ?? "").split(whereSeparator: { $0 == "," || $0 == " " || $0 == ";" }).map(String.init)
            try await self.ses.workbench.release(id: id, to: recipients)
            let notice = "Released to \(recipients.joined(separator: ", "))."
            return "/console/mail/\(id)?notice=\(URIEncodingForPath.encode(notice))"
        }
    }

    /// A POST on one message: checked, done, then redirected where `act` says.
    func onOne(
        _ request: Request, _ context: SesameRequestContext, _ act: @Sendable (String, [String: String]) async throws -> String
    ) async throws -> Response {
        let signedIn = try await mailReader(request)
        guard let form = try await checkedForm(request, context, signedIn) else { return csrfRefused(signedIn) }
        let id = try context.parameters.require("id")
        do {
            return redirect(try await act(id, form))
        } catch {
            return errorPage(error, signedIn: signedIn, back: "/console/mail/\(URIEncodingForPath.encode(id))")
        }
    }
}
