import Foundation
import SesameConcurrency
public import SesameCore
import SesameStorage

/// SES's open and click tracking. A send through a configuration set whose enabled event
/// destinations ask for `open` or `click` events gets, in each HTML part, a one-pixel image and
/// links rewritten to Sesame's HTTP listener (or the set's custom redirect domain, which the
/// operator points at it). Fetching the image records an Open event; following a link records a
/// Click event and redirects to the original link. The links carry a token sealed with the master
/// key, so nobody can make one up.
extension SESBackend {
    /// What a tracked link or pixel is about.
    public struct TrackingTarget: Sendable, Codable, Equatable {
        /// Region and message ID.
        public var r: String
        public var m: String
        /// Click: the original link and its `ses:tags`.
        public var l: String?
        public var t: [String: [String]]?
    }

    static let trackingContext = "sesame.tracking"
    public static let trackingOpenPath = "/_sesame/track/open"
    public static let trackingClickPath = "/_sesame/track/click"

    /// Adds the pixel and tracked links to `message` when its configuration set tracks opens or clicks.
    func applyTracking(_ message: inout StoredMessage, types: Set<String>, options: ConfigurationSetOptions?) throws {
        guard !types.isEmpty, let secrets else { return }
        let base = Self.trackingBase(configuration.verificationBaseURL, options?.tracking)
        func link(_ target: TrackingTarget, _ path: String, https: Bool) throws -> String {
            let sealed = try secrets.seal(String(decoding: try JSONEncoder().encode(target), as: UTF8.self), boundTo: Self.trackingContext)
            return "\(https ? base.https : base.plain)\(path)?t=\(Self.formEncode(sealed))"
        }
        let region = message.region, id = message.id
        let pixel = types.contains("open") ? try link(TrackingTarget(r: region, m: id), Self.trackingOpenPath, https: base.httpsOpen) : nil
        var failure: (any Error)?
        let clicks: ((HTMLTracking.Link) -> String)? =
            types.contains("click")
            ? { found in
                do {
                    return try link(
                        TrackingTarget(r: region, m: id, l: found.url, t: found.tags.isEmpty ? nil : found.tags), Self.trackingClickPath,
                        https: base.httpsClick)
                } catch {
                    failure = error
                    return found.url
                }
            } : nil
        message.raw = MIME.rewritingHTML(message.raw) { HTMLTracking.rewrite($0, pixelURL: pixel, link: clicks) }
        if let failure { throw failure }
    }

    /// The links' origin: Sesame's own, or `http(s)://` the custom redirect domain as the set's
    /// HTTPS policy says (`REQUIRE`: both https; `REQUIRE_OPEN_ONLY`: the pixel https).
    static func trackingBase(
        _ own: String, _ tracking: ConfigurationSetOptions.Tracking?
    ) -> (plain: String, https: String, httpsOpen: Bool, httpsClick: Bool) {
        guard let tracking, !tracking.customRedirectDomain.isEmpty else { return (own, own, false, false) }
        let domain = tracking.customRedirectDomain
        switch tracking.httpsPolicy {
        case "REQUIRE": return ("https://\(domain)", "https://\(domain)", true, true)
        case "REQUIRE_OPEN_ONLY": return ("http://\(domain)", "https://\(domain)", true, false)
        default: return ("http://\(domain)", "https://\(domain)", false, false)
        }
    }

    /// Opens a tracked link's token; nil for one Sesame did not make.
    public func trackingTarget(token: String) -> TrackingTarget? {
        guard let secrets, let plain = try? secrets.open(token, boundTo: Self.trackingContext) else { return nil }
        return try? JSONDecoder().decode(TrackingTarget.self, from: Data(plain.utf8))
    }

    /// Records an Open (no link) or Click event for the target's message and publishes it to the
    /// message's event destinations. A message no longer stored records nothing.
    public func recordEngagement(_ target: TrackingTarget, ipAddress: String, userAgent: String) async throws {
        let now = clock.now()
        let mailed = try await store.transaction { session -> Bool in
            guard let message = try await session.messages(ids: [target.m]).first, message.region == target.r else { return false }
            var event = DeliveryEvent(
                id: RandomIDs.requestID(), messageID: message.id, region: message.region, kind: target.l == nil ? .open : .click,
                recipients: message.destinations, type: ipAddress, subType: userAgent, detail: target.l, createdAt: now)
            event.tags = target.t ?? [:]
            try await session.insertEvents([event])
            return try await Self.follow([event], messages: [message], sns: sns, configuration: configuration, session: session)
        }
        sns?.posted.signal()
        if mailed { writer.queued.signal() }
    }
}
