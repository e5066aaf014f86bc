import Foundation
public import Hummingbird
import Logging
import NIOCore
import SesameBackend
import SesameCore
public import SesameHTTP

/// `/_sesame/unsubscribe?t=TOKEN`: the link of the `List-Unsubscribe` header SES adds to list
/// mail. A `POST` (RFC 8058's one click, `List-Unsubscribe=One-Click`, or the page's button)
/// opts the person out; a `GET` shows a page with that button and changes nothing, so a mail
/// scanner following links unsubscribes nobody. Works without JavaScript; the token is the proof.
public struct UnsubscribeRoutes: Sendable {
    let ses: SESBackend

    public func add(to router: Router<SesameRequestContext>) {
        let ses = self.ses
        router.get("/_sesame/unsubscribe") { request, _ -> Response in
            guard let token = request.uri.queryParameters.get("t"), let target = ses.unsubscribeTarget(token: token) else {
                return IdentityVerificationRoutes.page(.badRequest, "Invalid link", "This unsubscribe link is not valid.")
            }
            let what = target.topic.map { "the topic “\(IdentityVerificationRoutes.escape($0))”" } ?? "every topic"
            let form = """
                Unsubscribe \(IdentityVerificationRoutes.escape(target.email)) from \(what) of \
                “\(IdentityVerificationRoutes.escape(target.list))”?</p>
                <form method="post" action="/_sesame/unsubscribe?t=\(token.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")">
                <input type="hidden" name="List-Unsubscribe" value="One-Click">
                <button type="submit" id="unsubscribe">Unsubscribe</button></form><p>
                """
            return IdentityVerificationRoutes.page(.ok, "Unsubscribe", form)
        }
        router.post("/_sesame/unsubscribe") { request, context -> Response in
            guard let token = request.uri.queryParameters.get("t"), let target = ses.unsubscribeTarget(token: token) else {
                return IdentityVerificationRoutes.page(.badRequest, "Invalid link", "This unsubscribe link is not valid.")
            }
            _ = try? await request.body.collect(upTo: 64 * 1024)
            do {
                try await ses.unsubscribe(target)
            } catch let error as SesameError where error.code == .notFound {
                return IdentityVerificationRoutes.page(.notFound, "List not found", "This list no longer exists.")
            } catch {
                context.logger.error("unsubscribe failed: \(error)")
                return IdentityVerificationRoutes.page(.serviceUnavailable, "Try again", "Sesame could not record this just now.")
            }
            return IdentityVerificationRoutes.page(
                .ok, "Unsubscribed", "\(IdentityVerificationRoutes.escape(target.email)) will not get this mail any more.")
        }
    }
}
