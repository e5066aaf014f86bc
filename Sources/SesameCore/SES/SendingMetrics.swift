public import Foundation

/// SES v2's sending metrics (`BatchGetMetricData`, the `VDM` namespace) and ISP names, computed
/// from what Sesame recorded: accepted messages and the events of their recipients.
public enum SendingMetrics {
    /// One thing that happened to some recipients of a message.
    public struct Row: Sendable, Equatable {
        /// `Send` for an accepted message, else an event kind's raw value (`Delivery`, `Bounce`, …).
        public var kind: String
        /// A bounce's type (`Permanent`, `Transient`).
        public var type: String?
        public var recipients: [String]
        public var createdAt: Date
        public var messageID: String
        public var source: String
        public var configurationSet: String?
        /// A `Send` row's subject.
        public var subject: String?

        public init(
            kind: String, type: String?, recipients: [String], createdAt: Date, messageID: String, source: String,
            configurationSet: String?, subject: String? = nil
        ) {
            self.subject = subject
            self.kind = kind
            self.type = type
            self.recipients = recipients
            self.createdAt = createdAt
            self.messageID = messageID
            self.source = source
            self.configurationSet = configurationSet
        }
    }

    public static let metrics = [
        "SEND", "COMPLAINT", "PERMANENT_BOUNCE", "TRANSIENT_BOUNCE", "OPEN", "CLICK", "DELIVERY", "DELIVERY_OPEN", "DELIVERY_CLICK",
        "DELIVERY_COMPLAINT",
    ]

    /// The mailbox provider of an address, by its domain: a small table of the large providers
    /// (Gmail, Hotmail, Yahoo, iCloud, AOL); every other domain is `Other`.
    public static func isp(of address: String) -> String {
        let domain = address.split(separator: "@").last.map { $0.lowercased() } ?? ""
        switch domain {
        case "gmail.com", "googlemail.com": return "Gmail"
        case "outlook.com", "hotmail.com", "live.com", "msn.com": return "Hotmail"
        case "icloud.com", "me.com", "mac.com": return "iCloud"
        case "aol.com": return "AOL"
        default: return domain.hasPrefix("yahoo.") || domain == "ymail.com" ? "Yahoo" : "Other"
        }
    }

    /// Daily values (UTC days from `start`'s day up to `end`) of `metric` over `rows`, counted
    /// per recipient, kept to the rows the `dimensions` name (`EMAIL_IDENTITY`: the sending
    /// address or its domain; `CONFIGURATION_SET`; `ISP`: the recipient's provider).
    public static func series(
        _ metric: String, dimensions: [String: String], rows: [Row], start: Date, end: Date
    ) -> (timestamps: [Date], values: [Int]) {
        let day = 86_400.0
        let first = (start.timeIntervalSince1970 / day).rounded(.down)
        let last = max(first, ((end.timeIntervalSince1970 - 0.001) / day).rounded(.down))
        let days = Int(min(last - first, 400)) + 1
        var values = [Int](repeating: 0, count: days)
        func matches(_ row: Row) -> Bool {
            if let identity = dimensions["EMAIL_IDENTITY"]?.lowercased() {
                let source = row.source.lowercased()
                guard source == identity || source.split(separator: "@").last.map(String.init) == identity else { return false }
            }
            if let set = dimensions["CONFIGURATION_SET"], row.configurationSet != set { return false }
            return true
        }
        let isp = dimensions["ISP"]
        func recipients(_ row: Row) -> Int {
            isp.map { name in row.recipients.filter { Self.isp(of: $0) == name }.count } ?? row.recipients.count
        }
        // Messages with an open, click or complaint, for the DELIVERY_* metrics.
        let engaged: Set<String> =
            switch metric {
            case "DELIVERY_OPEN": Set(rows.filter { $0.kind == "Open" }.map(\.messageID))
            case "DELIVERY_CLICK": Set(rows.filter { $0.kind == "Click" }.map(\.messageID))
            case "DELIVERY_COMPLAINT": Set(rows.filter { $0.kind == "Complaint" }.map(\.messageID))
            default: []
            }
        for row in rows where row.createdAt >= start && row.createdAt < end && matches(row) {
            let counted: Bool =
                switch metric {
                case "SEND": row.kind == "Send"
                case "DELIVERY": row.kind == "Delivery"
                case "COMPLAINT": row.kind == "Complaint"
                case "OPEN": row.kind == "Open"
                case "CLICK": row.kind == "Click"
                case "PERMANENT_BOUNCE": row.kind == "Bounce" && row.type == "Permanent"
                case "TRANSIENT_BOUNCE": row.kind == "Bounce" && row.type == "Transient"
                case "DELIVERY_OPEN", "DELIVERY_CLICK", "DELIVERY_COMPLAINT": row.kind == "Delivery" && engaged.contains(row.messageID)
                default: false
                }
            guard counted else { continue }
            let index = Int((row.createdAt.timeIntervalSince1970 / day).rounded(.down) - first)
            if index >= 0 && index < days { values[index] += recipients(row) }
        }
        return ((0..<days).map { Date(timeIntervalSince1970: (first + Double($0)) * day) }, values)
    }
}
