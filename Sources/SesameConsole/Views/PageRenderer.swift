import Foundation
import HTTPTypes
import Hummingbird
import Mustache

/// Renders console pages: a page's template with its model, inside the layout. A template that
/// is missing is a defect: it is answered as one (500 and a plain explanation), never as an
/// empty page with status 200.
struct PageRenderer: Sendable {
    /// Who is signed in, as the layout and forms show it.
    struct Viewer: Sendable {
        var csrf: String
        var displayName: String
        var accountID: String
    }

    let library: MustacheLibrary
    /// The node's name, shown in every page's header.
    var node = ""

    /// Compiles every embedded template; a template that does not compile fails here, at start-up.
    init() throws {
        var library = MustacheLibrary()
        for (name, bytes) in Templates.all { try library.register(String(decoding: bytes, as: UTF8.self), named: name) }
        self.library = library
    }

    func page<Model: Sendable>(
        _ template: String, title: String, _ model: Model, viewer: Viewer?, region: String, status: HTTPResponse.Status = .ok
    ) -> Response {
        guard let html = document(template, title: title, model, viewer: viewer, region: region) else {
            return Self.renderingFailed(template)
        }
        var headers = HTTPFields()
        headers[.contentType] = "text/html; charset=utf-8"
        headers[.cacheControl] = "no-store"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    /// The whole HTML document; nil when the page's template (or the layout) is missing.
    func document<Model: Sendable>(_ template: String, title: String, _ model: Model, viewer: Viewer?, region: String) -> String? {
        let context = PageContext(
            page: model, csrf: viewer?.csrf, displayName: viewer?.displayName, accountID: viewer?.accountID, region: region)
        guard let body = library.render(context, withTemplate: template) else { return nil }
        let layout = LayoutModel(
            title: title, body: body, signedIn: viewer != nil, csrf: viewer?.csrf, displayName: viewer?.displayName,
            accountID: viewer?.accountID, region: region, node: node)
        return library.render(layout, withTemplate: "layout")
    }

    static func renderingFailed(_ template: String) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "text/plain; charset=utf-8"
        return Response(
            status: .internalServerError, headers: headers,
            body: .init(
                byteBuffer: ByteBuffer(
                    string: "The console page '\(template)' could not be rendered: its template is missing. This is a defect in Sesame.\n"))
        )
    }
}
