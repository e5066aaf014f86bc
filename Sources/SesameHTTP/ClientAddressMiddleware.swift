public import Hummingbird
import SesameCore

/// Behind a reverse proxy every connection comes from the proxy. When the peer is one the operator
/// trusts (`--trusted-proxy`), the client is the right-most address of `X-Forwarded-For` that is
/// not itself a trusted proxy; from any other peer the header is ignored (anyone can write it).
public struct ClientAddressMiddleware: RouterMiddleware {
    public typealias Context = SesameRequestContext
    let trusted: @Sendable (String) -> Bool

    /// `trusted` says whether an address is one of the operator's proxies.
    public init(trusted: @escaping @Sendable (String) -> Bool) { self.trusted = trusted }

    public func handle(
        _ request: Request, context: SesameRequestContext, next: (Request, SesameRequestContext) async throws -> Response
    ) async throws -> Response {
        guard let peer = context.remoteAddress?.ipAddress, trusted(peer),
            let forwarded = request.headers[values: .init("X-Forwarded-For")!].joined(separator: ",").nilIfEmpty
        else { return try await next(request, context) }
        var context = context
        context.clientAddress = ForwardedFor.client(forwarded, trusted: trusted) ?? peer
        return try await next(request, context)
    }
}

extension String {
    var nilIfEmpty: String? { isEmpty ? nil : self }
}
