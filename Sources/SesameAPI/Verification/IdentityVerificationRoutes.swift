import Foundation
public import Hummingbird
import Logging
import NIOCore
import SesameBackend
import SesameCore
public import SesameHTTP

/// `GET /_sesame/verify-identity?region=…&identity=…&token=…`: the confirmation link mailed by
/// `--identity-verification email`. It needs no credentials; the token is the proof.
public struct IdentityVerificationRoutes: Sendable {
    let ses: SESBackend

    static func page(_ status: HTTPResponse.Status, _ title: String, _ text: String) -> Response {
        let html = """
            <!doctype html><html lang="en"><head><meta charset="utf-8"><title>\(title)</title></head>
            <body><h1>\(title)</h1><p>\(text)</p></body></html>
            """
        return Response(
            status: status, headers: [.contentType: "text/html; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(
            of: ">", with: "&gt;")
    }

    public func add(to router: Router<SesameRequestContext>) {
        let ses = self.ses
        router.get("/_sesame/verify-identity") { request, context -> Response in
            let q = request.uri.queryParameters
            guard let region = q.get("region"), let identity = q.get("identity"), let token = q.get("token") else {
                return Self.page(.badRequest, "Incomplete verification link", "The link is missing its region, identity or token.")
            }
            do {
                let confirmed = try await ses.confirmVerification(region: region, identity: identity, token: token)
                // A link from a custom verification template lands on that template's page.
                if let template = q.get("template"),
                    let target = try await ses.customVerificationRedirect(region: region, templateName: template, confirmed: confirmed)
                {
                    return Response(status: .seeOther, headers: [.location: target])
                }
                if confirmed {
                    return Self.page(
                        .ok, "Congratulations!",
                        "You have successfully verified \(Self.escape(identity)). You can now send email from this address in region \(Self.escape(region))."
                    )
                }
                return Self.page(
                    .badRequest, "Verification failed", "This link is not valid for \(Self.escape(identity)) in \(Self.escape(region)).")
            } catch {
                context.logger.error("identity verification failed: \(error)")
                return Self.page(.serviceUnavailable, "Try again", "Sesame could not record the verification just now.")
            }
        }
    }
}
