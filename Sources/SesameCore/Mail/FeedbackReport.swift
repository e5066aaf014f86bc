import Foundation

/// Reports that come back about sent mail: delivery status notifications (RFC 3464, a
/// `multipart/report; report-type=delivery-status`) and abuse reports (ARF, RFC 5965,
/// `report-type=feedback-report`).
public enum FeedbackReport: Sendable, Equatable {
    public struct Recipient: Sendable, Equatable {
        public var address: String
        /// `failed`, `delayed`, `delivered`, `relayed` or `expanded`.
        public var action: String
        /// The RFC 3463 status, e.g. `5.1.1`.
        public var status: String
        public var diagnosticCode: String?
    }

    case deliveryStatus(reportingMTA: String?, recipients: [Recipient])
    case complaint(feedbackType: String, userAgent: String?, recipients: [String], arrivalDate: String?)

    /// The report in a message, or nil when it carries none.
    public static func parse(_ raw: [UInt8]) -> FeedbackReport? {
        let parts = MIME.leafParts(raw)
        if let status = parts.first(where: { $0.type == "message/delivery-status" }) {
            let blocks = fieldBlocks(status.body)
            guard let first = blocks.first else { return nil }
            let reportingMTA = first["reporting-mta"]
            var recipients: [Recipient] = []
            for block in blocks {
                guard let final = block["final-recipient"] ?? block["original-recipient"], let action = block["action"],
                    let status = block["status"]
                else { continue }
                recipients.append(
                    Recipient(
                        address: address(final), action: action.lowercased(),
                        status: status.split(separator: " ").first.map(String.init) ?? status,
                        diagnosticCode: block["diagnostic-code"]))
            }
            return recipients.isEmpty ? nil : .deliveryStatus(reportingMTA: reportingMTA, recipients: recipients)
        }
        if let feedback = parts.first(where: { $0.type == "message/feedback-report" }) {
            let fields = fieldBlocks(feedback.body).first ?? [:]
            guard let type = fields["feedback-type"] else { return nil }
            let recipients = fields["original-rcpt-to"].map { [address($0)] } ?? []
            return .complaint(
                feedbackType: type.lowercased(), userAgent: fields["user-agent"], recipients: recipients,
                arrivalDate: fields["arrival-date"])
        }
        return nil
    }

    /// `rfc822; user@example.com` → `user@example.com`.
    static func address(_ value: String) -> String {
        let text = value.split(separator: ";", maxSplits: 1).last.map { $0.trimmingSpaces } ?? value
        return text.trimmingCharacters(in: CharacterSet(charactersIn: "<> "))
    }

    /// Blocks of `Name: value` fields separated by empty lines; names lowercased, folded lines joined.
    static func fieldBlocks(_ body: [UInt8]) -> [[String: String]] {
        var blocks: [[String: String]] = []
        var current: [String: String] = [:]
        var last: String?
        // "\r\n" is one Character in Swift, so both endings are named.
        for rawLine in String(decoding: body, as: UTF8.self).split(
            omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" })
        {
            let line = rawLine.hasSuffix("\r") ? String(rawLine.dropLast()) : String(rawLine)
            if line.trimmingSpaces.isEmpty {
                if !current.isEmpty { blocks.append(current) }
                current = [:]
                last = nil
                continue
            }
            if let first = line.first, first == " " || first == "\t", let key = last {
                current[key, default: ""] += " " + line.trimmingSpaces
                continue
            }
            guard let colon = line.firstIndex(of: ":") else { continue }
            let key = line[..<colon].trimmingSpaces.lowercased()
            current[key] = line[line.index(after: colon)...].trimmingSpaces
            last = key
        }
        if !current.isEmpty { blocks.append(current) }
        return blocks
    }
}
