import HTTPTypes
import Hummingbird
import SesameHTTP

/// The headers every console response carries, pages, redirects, downloads and errors alike:
/// no sniffing of content types, no framing, no referrer, a strict content security policy, and
/// nothing cached.
struct ConsoleSecurityHeaders: RouterMiddleware {
    typealias Context = SesameRequestContext

    static let contentSecurityPolicy =
        "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

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
        headers[HTTPField.Name("X-Frame-Options")!] = "DENY"
        headers[HTTPField.Name("Referrer-Policy")!] = "no-referrer"
        headers[.contentSecurityPolicy] = contentSecurityPolicy
        if headers[.cacheControl] == nil { headers[.cacheControl] = "no-store" }
    }
}
