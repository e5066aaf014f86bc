import Foundation
public import SesameCore
import SesameStorage

/// SES v1's `SendBounce`: a delivery status notification (RFC 3464) about a message Sesame
/// holds, sent from a verified identity to that message's sender (captured in capture mode).
extension SESBackend {
    public func sendBounce(
        _ caller: Caller, region: String, originalMessageID: String, bounceSender: String, report: BounceReport
    ) async throws -> String {
        let sender = try Self.parseAddress(bounceSender)
        try authorize(caller, "ses:SendBounce", identityARN(caller, region, sender.address))
        try report.validate()
        let state = try await sendingState.state(region)
        guard state.verified.contains(sender.address.lowercased()) || state.verified.contains(sender.domain) else {
            throw SesameError(
                .messageRejected,
                "Email address is not verified. The following identities failed the check in region \(region.uppercased()): \(bounceSender)"
            )
        }
        let original = try await store.read { session in try await session.messages(ids: [originalMessageID]).first }
        guard let original, original.region == region else {
            throw SesameError(.messageRejected, "Could not find the original message \(originalMessageID).")
        }
        let now = clock.now()
        let id = MessageID.make(at: now)
        var filled = report
        filled.from = bounceSender
        filled.to = original.source
        filled.originalHeaders = MIME.headers(of: original.raw)
        let raw = filled.message(
            id: id, date: now, boundary: "=_sesame_bounce_" + RandomIDs.requestID().replacingOccurrences(of: "-", with: ""))
        var message = StoredMessage(
            id: id, region: region, source: sender.address, destinations: [original.source],
            subject: "Delivery Status Notification (Failure)", raw: raw, principalARN: caller.principal.arn, via: .sendBounce,
            createdAt: now)
        Self.plan(&message, mode: configuration.deliveryMode, suppressed: [])
        try await writer.write(message, dailyLimit: configuration.max24HourSend)
        return id
    }
}
