import Foundation
public import HTTPTypes
public import Hummingbird
import NIOCore
import SesameAWSProtocol
public import SesameBackend
import SesameCore
public import SesameHTTP

/// Who may read captured mail over HTTP (`/_aws/ses` and the Mailpit-compatible API): a
/// loopback client that names this listener, or anyone presenting the root user's credentials
/// (a Signature V4 signature, or HTTP Basic with the root email and password).
public struct CapturedMailAccess: Sendable {
    let authenticator: SigV4Authenticator
    let sessions: ConsoleSessions?

    /// Host names (without port) by which this machine's own tools reach the listener: only
    /// requests naming one of them may skip credentials from loopback. A web page that
    /// re-points its own domain at 127.0.0.1 (DNS rebinding) sends its own domain instead.
    let localHostNames: Set<String>

    public init(authenticator: SigV4Authenticator, sessions: ConsoleSessions?, localHostNames: Set<String>) {
        self.authenticator = authenticator
        self.sessions = sessions
        self.localHostNames = Set(["127.0.0.1", "localhost", "[::1]", "::1"] + localHostNames.map { $0.lowercased() })
    }

    static func isLoopback(_ ip: String?) -> Bool { ip.map(AddressAllowList.isLoopback) ?? false }

    /// The host a request names (its `Host` header or authority), lower case, without the port.
    static func hostName(_ authority: String?) -> String? {
        guard var host = authority?.lowercased(), !host.isEmpty else { return nil }
        if host.hasPrefix("[") {
            guard let close = host.firstIndex(of: "]") else { return nil }
            return String(host[...close])
        }
        if let colon = host.lastIndex(of: ":") { host = String(host[..<colon]) }
        return host
    }

    /// Whether the request comes from this machine's own tools (no credentials needed).
    func isLocal(_ request: Request, context: SesameRequestContext) -> Bool {
        // The client, not a trusted proxy on this host: mail is not opened to the proxy's clients.
        guard Self.isLoopback(context.clientAddress), let host = Self.hostName(request.head.authority) else { return false }
        return localHostNames.contains(host)
    }

    /// Passes local callers and the root user; throws `AccessDenied` (403) otherwise, and for a
    /// page from another site whoever it is.
    func admit(_ request: Request, body: ByteBuffer, context: SesameRequestContext) async throws {
        guard Self.sameOrigin(request.headers, authority: request.head.authority) else {
            throw AWSError(
                code: "AccessDenied", status: 403,
                message: "A web page from another site may not use captured mail: the request's Origin names another host.")
        }
        if isLocal(request, context: context) { return }
        if let sessions, let basic = Self.basicCredentials(request) {
            if try await sessions.verifyRoot(email: basic.user, password: basic.password, source: context.clientAddress ?? "unknown") {
                return
            }
            throw AWSError(code: "AccessDenied", status: 403, message: "The email address or password is not the root user's.")
        }
        let signed = SigV4Authenticator.httpRequest(request, body: body)
        let caller = try await authenticator.authenticate(try authenticator.parse(signed), signed)
        guard caller.principal.isRoot else {
            throw AWSError(
                code: "AccessDenied", status: 403,
                message: "Only the root user may read captured mail without a loopback connection to this listener.")
        }
    }

    /// The same rule for a request that is not routed (a WebSocket upgrade): a loopback peer
    /// naming this listener, or the root user's HTTP Basic credentials.
    func admits(_ request: HTTPRequest, clientAddress: String?) async -> Bool {
        guard Self.sameOrigin(request.headerFields, authority: request.authority) else { return false }
        if Self.isLoopback(clientAddress), let host = Self.hostName(request.authority),
            localHostNames.contains(host)
        {
            return true
        }
        guard let sessions, let basic = Self.basicCredentials(request.headerFields) else { return false }
        return (try? await sessions.verifyRoot(email: basic.user, password: basic.password, source: clientAddress ?? "unknown")) ?? false
    }

    /// A browser names the page a request comes from in `Origin`, and a page from any site open
    /// in a developer's browser can send requests to the Sesame on their machine (a loopback
    /// client naming this listener, and the browser may add remembered Basic credentials); a
    /// WebSocket is not even bound by CORS. So a request with an `Origin` is taken only when it
    /// names the host the request was sent to; without one (curl, SDKs, test suites' HTTP and
    /// WebSocket clients) the rules above decide alone.
    static func sameOrigin(_ headers: HTTPFields, authority: String?) -> Bool {
        guard let origin = headers[.origin]?.lowercased() else { return true }
        var rest: Substring
        if origin.hasPrefix("http://") {
            rest = origin.dropFirst(7)
        } else if origin.hasPrefix("https://") {
            rest = origin.dropFirst(8)
        } else {
            return false  // "null" (a sandboxed or local file page) and anything else
        }
        if rest.hasSuffix("/") { rest = rest.dropLast() }
        guard let authority = authority?.lowercased(), !rest.isEmpty else { return false }
        return rest == authority
    }

    static func basicCredentials(_ request: Request) -> (user: String, password: String)? {
        basicCredentials(request.headers)
    }

    static func basicCredentials(_ headers: HTTPFields) -> (user: String, password: String)? {
        guard let header = headers[.authorization], header.lowercased().hasPrefix("basic "),
            let decoded = Data(base64Encoded: String(header.dropFirst(6)).trimmingSpaces),
            let text = String(data: decoded, encoding: .utf8), let colon = text.firstIndex(of: ":")
        else { return nil }
        return (String(text[..<colon]), String(text[text.index(after: colon)...]))
    }
}
