import HTTPTypes
import Hummingbird
import SesameHTTP

/// The headers every console response carries, pages, redirects, downloads and errors alike:
/// no sniffing of content types, no framing, no referrer, a strict content security policy
/// (scripts, event streams and frames only from Sesame itself), and nothing cached. A response
/// that brings its own policy (a captured message's HTML, sandboxed for the message page's
/// frame) keeps it and may be framed by the console alone.
struct ConsoleSecurityHeaders: RouterMiddleware {
    typealias Context = SesameRequestContext

    static let contentSecurityPolicy =
        "default-src 'none'; script-src 'self'; connect-src 'self'; frame-src 'self'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard request.uri.path.hasPrefix("/console") else { return try await next(request, context) }
        var response: Response
        do {
            response = try await next(request, context)
        } catch let error as any HTTPResponseError {
            response = try error.response(from: request, context: context)
        }
        Self.apply(&response.headers)
        return response
    }

    static func apply(_ headers: inout HTTPFields) {
        headers[HTTPField.Name("X-Content-Type-Options")!] = "nosniff"
        headers[HTTPField.Name("Referrer-Policy")!] = "no-referrer"
        if headers[.contentSecurityPolicy] == nil {
            headers[HTTPField.Name("X-Frame-Options")!] = "DENY"
            headers[.contentSecurityPolicy] = contentSecurityPolicy
        } else {
            headers[HTTPField.Name("X-Frame-Options")!] = "SAMEORIGIN"
        }
        if headers[.cacheControl] == nil { headers[.cacheControl] = "no-store" }
    }
}
