import Foundation
import HTTPTypes
import Hummingbird
import SesameAWSProtocol
public import SesameBackend
public import SesameCore
import SesameHTTP

/// The web console: server-rendered pages (no script, no outside asset) that act with the
/// signed-in principal's permissions through the same backends and policy engine as the APIs.
public struct Console: Sendable {
    public struct Settings: Sendable {
        /// The SMTP endpoint's host name, as clients should use it.
        public var hostname: String
        public var regions: [String]
        public var startTLSPorts: [Int]
        public var tlsPorts: [Int]
        /// Set the cookie's `Secure` flag (when the console is served over TLS).
        public var secureCookies = false
        /// This node's name (`--node-name`), shown on every page.
        public var nodeName = ""

        public init(hostname: String, regions: [String], startTLSPorts: [Int], tlsPorts: [Int]) {
            self.hostname = hostname
            self.regions = regions
            self.startTLSPorts = startTLSPorts
            self.tlsPorts = tlsPorts
        }
    }

    static let cookieName = "sesame_console"
    /// The sign-in form's double-submit token.
    static let signInCookieName = "sesame_signin"
    let iam: IAMBackend
    let ses: SESBackend
    let sqs: SQSBackend?
    let mail: CapturedMail
    let queue: QueueAdministration
    let sessions: ConsoleSessions
    let settings: Settings
    let clock: any WallClock
    let renderer: PageRenderer

    public init(
        iam: IAMBackend, ses: SESBackend, sqs: SQSBackend? = nil, sessions: ConsoleSessions, settings: Settings, clock: any WallClock
    ) throws {
        self.iam = iam
        self.ses = ses
        self.sqs = sqs
        self.mail = ses.capturedMail
        self.queue = ses.queueAdministration
        self.sessions = sessions
        self.settings = settings
        self.clock = clock
        var renderer = try PageRenderer()
        renderer.node = settings.nodeName
        self.renderer = renderer
    }

    // MARK: Rendering

    /// Renders `template` with `model` inside the layout (see `PageRenderer`).
    func page<Model: Sendable>(
        _ template: String, title: String, _ model: Model, signedIn: ConsoleSessions.SignedIn?, region: String? = nil,
        status: HTTPResponse.Status = .ok
    ) -> Response {
        let viewer = signedIn.map { PageRenderer.Viewer(csrf: $0.csrf, displayName: $0.displayName, accountID: $0.caller.accountID) }
        return renderer.page(template, title: title, model, viewer: viewer, region: region ?? settings.regions[0], status: status)
    }

    func redirect(_ location: String, cookie: String? = nil) -> Response {
        var headers = HTTPFields()
        headers[.location] = location
        if let cookie { headers[.setCookie] = cookie }
        return Response(status: .seeOther, headers: headers)
    }

    /// The session cookie; `Secure` when the console is reached over TLS (Sesame's HTTP listener
    /// is plain, so that means a TLS proxy in front that says `X-Forwarded-Proto: https`).
    func sessionCookie(_ token: String, maxAge: Int, request: Request) -> String {
        let forwarded = request.headers[HTTPField.Name("X-Forwarded-Proto")!]?.lowercased() == "https"
        let secure = settings.secureCookies || forwarded
        return "\(Self.cookieName)=\(token); Path=/console; HttpOnly; SameSite=Strict; Max-Age=\(maxAge)\(secure ? "; Secure" : "")"
    }

    func errorPage(_ error: any Error, signedIn: ConsoleSessions.SignedIn?, back: String, heading: String = "Not authorized") -> Response {
        let message: String
        var status = HTTPResponse.Status.badRequest
        if let error = error as? SesameError {
            message = error.message
            if error.code == .accessDenied { status = .forbidden }
            if error.code == .noSuchEntity { status = .notFound }
        } else {
            message = "Something went wrong: \(error)"
            status = .internalServerError
        }
        let title = (error as? SesameError)?.code == .accessDenied ? heading : "Error"
        // A refusal comes with its encoded details, for `aws sts decode-authorization-message`.
        let encoded = (error as? SesameError).flatMap { AuthorizationMessages(secrets: iam.secrets).encode($0) }
        return page(
            "error", title: title, ErrorModel(heading: title, message: message, back: back, encodedMessage: encoded), signedIn: signedIn,
            status: status)
    }

    // MARK: Requests

    static func form(_ request: Request, context: SesameRequestContext) async throws -> [String: String] {
        let body = try await request.body.collect(upTo: 64 * 1024)
        var out: [String: String] = [:]
        for (key, value) in URIEncoding.parsePairs(body.readableBytesView, plusAsSpace: true) where out[key] == nil {
            out[key] = value
        }
        return out
    }

    func signedIn(_ request: Request) async throws -> ConsoleSessions.SignedIn? {
        guard let token = request.cookies[Self.cookieName]?.value, !token.isEmpty else { return nil }
        return try await sessions.resolve(token: token)
    }

    func region(_ request: Request) -> String {
        if let asked = request.uri.queryParameters["region"].map(String.init), settings.regions.contains(asked) { return asked }
        return settings.regions[0]
    }

    /// The proposed name for new SMTP credentials, as the SES console makes it (UTC).
    func proposedUserName() -> String {
        var t = time_t(clock.now().timeIntervalSince1970.rounded(.down))
        var parts = tm()
        gmtime_r(&t, &parts)
        func two(_ v: Int32) -> String { v < 10 ? "0\(v)" : "\(v)" }
        return
            "ses-smtp-user.\(parts.tm_year + 1900)\(two(parts.tm_mon + 1))\(two(parts.tm_mday))-\(two(parts.tm_hour))\(two(parts.tm_min))\(two(parts.tm_sec))"
    }
}
