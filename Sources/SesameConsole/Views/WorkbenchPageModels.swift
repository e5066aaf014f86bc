/// The captured-mail list: a search, one page of results, the pager and the live-update switch.
struct MailListModel: Sendable {
    struct Row: Sendable {
        var id: String
        var time: String
        var from: String
        var to: String
        var subject: String
        var via: String
        var unread: Bool
        var attachments: Bool
    }
    var query: String
    var error: String?
    var matching: Int
    var total: Int
    var unread: Int
    var messages: [Row]
    var newer: String?
    var older: String?
    /// New mail is added to the table as it arrives (the first page of everything).
    var live: Bool
    var notice: String?
}

/// One captured message: what it is, its bodies, parts, links, checks and delivery.
struct MessageModel: Sendable {
    struct Header: Sendable {
        var name: String
        var value: String
    }
    struct Delivery: Sendable {
        var recipient: String
        var state: String
        var attempts: Int
        var reply: String
    }
    struct Event: Sendable {
        var time: String
        var kind: String
        var recipients: String
        var type: String
        var detail: String
    }
    struct Part: Sendable {
        var id: String
        var name: String
        var type: String
        var size: String
        var inline: Bool
    }
    struct Link: Sendable {
        var url: String
        /// The check's answer, once asked for.
        var status: String?
        var broken: Bool
    }
    struct Finding: Sendable {
        var feature: String
        var clients: String
    }
    var id: String
    var messageRegion: String
    var principal: String
    var via: String
    var source: String
    var to: String
    var subject: String
    var from: String
    var configurationSet: String?
    var seen: Bool
    var headers: [Header]
    var raw: String
    var hasEvents: Bool
    var deliveries: [Delivery]
    var events: [Event]
    var text: String?
    var hasHTML: Bool
    var remoteImages: Bool
    var parts: [Part]
    var links: [Link]
    var linksChecked: Bool
    var hasLinks: Bool
    var compatibility: [Finding]
    var dkim: String
    var canRelease: Bool
    var notice: String?
}
