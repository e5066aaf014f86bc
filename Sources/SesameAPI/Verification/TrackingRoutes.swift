import Foundation
public import Hummingbird
import Logging
import NIOCore
import SesameBackend
public import SesameHTTP

/// Open and click tracking's endpoints: `/_sesame/track/open?t=TOKEN` answers a transparent
/// one-pixel GIF and records an Open event; `/_sesame/track/click?t=TOKEN` records a Click event
/// and redirects to the original link. The token, sealed by Sesame, is the only input trusted.
/// A failure to record never keeps the reader from the image or the link.
public struct TrackingRoutes: Sendable {
    let ses: SESBackend

    /// GIF89a, 1×1, one transparent pixel.
    static let pixel: [UInt8] = [
        0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 0x01, 0x00, 0x01, 0x00, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0xFF, 0xFF, 0xFF, 0x21, 0xF9,
        0x04, 0x01, 0x00, 0x00, 0x00, 0x00, 0x2C, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x02, 0x02, 0x44, 0x01, 0x00,
        0x3B,
    ]

    public func add(to router: Router<SesameRequestContext>) {
        let ses = self.ses
        router.get(.init(SESBackend.trackingOpenPath)) { request, context -> Response in
            if let token = request.uri.queryParameters.get("t"), let target = ses.trackingTarget(token: token), target.l == nil {
                await record(ses, target, request, context)
            }
            var headers = HTTPFields()
            headers[.contentType] = "image/gif"
            headers[.cacheControl] = "no-cache, no-store, must-revalidate"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: Self.pixel)))
        }
        router.get(.init(SESBackend.trackingClickPath)) { request, context -> Response in
            guard let token = request.uri.queryParameters.get("t"), let target = ses.trackingTarget(token: token),
                let link = target.l
            else {
                return IdentityVerificationRoutes.page(.badRequest, "Invalid link", "This link is not valid.")
            }
            await record(ses, target, request, context)
            var headers = HTTPFields()
            headers[.location] = link
            headers[.cacheControl] = "no-cache, no-store, must-revalidate"
            return Response(status: .found, headers: headers)
        }
    }

    func record(_ ses: SESBackend, _ target: SESBackend.TrackingTarget, _ request: Request, _ context: SesameRequestContext) async {
        do {
            try await ses.recordEngagement(
                target, ipAddress: context.clientAddress ?? "", userAgent: request.headers[.userAgent] ?? "")
        } catch {
            context.logger.error("tracking event not recorded: \(error)")
        }
    }
}
