public import Foundation

/// What the workbench's index keeps of one stored message, so that lists and searches never
/// read or parse message bodies: lowercased address and subject keys for `from:`-style filters,
/// the text for full-text search, counts, a snippet, and the addresses with their names.
public struct MailIndexEntry: Sendable, Equatable {
    public var messageID: String
    public var region: String
    public var createdAt: Date
    public var fromKey: String
    /// The To header's addresses and every envelope recipient.
    public var toKey: String
    public var ccKey: String
    public var bccKey: String
    public var replyToKey: String
    public var subject: String
    public var headerMessageID: String
    public var principal: String
    public var via: String
    public var size: Int
    public var attachments: Int
    public var inline: Int
    public var snippet: String
    /// Subject, addresses and body text for the full-text index (at most `maxBodyText` bytes of body).
    public var text: String
    public var addresses: MailAddressBook

    /// Body text beyond this is not searchable (the message itself is kept whole).
    public static let maxBodyText = 64 * 1024

    public init(_ message: StoredMessage) {
        let document = MailDocument(message.raw, textLimit: Self.maxBodyText)
        let book = MailAddressBook(document: document, envelope: message.destinations)
        func key(_ list: [MailAddressBook.Address]) -> String {
            list.map { "\($0.name) <\($0.address)>" }.joined(separator: ", ").lowercased()
        }
        messageID = message.id
        region = message.region
        createdAt = message.createdAt
        fromKey = key(book.from.map { [$0] } ?? []) + (book.from == nil ? message.source.lowercased() : "")
        toKey = key(book.to) + " " + message.destinations.joined(separator: " ").lowercased()
        ccKey = key(book.cc)
        bccKey = key(book.bcc)
        replyToKey = key(book.replyTo)
        subject = document.subject.isEmpty ? (message.subject ?? "") : document.subject
        headerMessageID = document.messageID
        principal = message.principalARN
        via = message.via.rawValue
        size = message.raw.count
        attachments = document.attachments.count
        inline = document.inline.count
        snippet = MailText.snippet(text: document.text, html: document.html)
        var body = document.text ?? document.html.map(MailText.plainText(fromHTML:)) ?? ""
        if body.utf8.count > Self.maxBodyText { body = String(decoding: body.utf8.prefix(Self.maxBodyText), as: UTF8.self) }
        text = [subject, body, document.attachments.map(\.fileName).joined(separator: " ")].joined(separator: "\n")
        addresses = book
    }
}

extension MailIndexEntry {
    /// The entry as lists show it, unread.
    public var summary: MailSummary {
        MailSummary(
            messageID: messageID, region: region, createdAt: createdAt, subject: subject, headerMessageID: headerMessageID,
            principal: principal, via: via, size: size, attachments: attachments, inline: inline, seen: false, snippet: snippet,
            addresses: addresses)
    }
}

/// A message's addresses with their display names, as its headers give them. Bcc lists the
/// envelope recipients that no To or Cc header names.
public struct MailAddressBook: Sendable, Equatable, Codable {
    public struct Address: Sendable, Equatable, Codable {
        public var name: String
        public var address: String

        public init(name: String, address: String) {
            self.name = name
            self.address = address
        }

        init(_ address: EmailAddress) {
            self.init(name: address.displayName ?? "", address: address.address)
        }
    }

    public var from: Address?
    public var to: [Address]
    public var cc: [Address]
    public var bcc: [Address]
    public var replyTo: [Address]
    public var returnPath: String

    public init(from: Address?, to: [Address], cc: [Address], bcc: [Address], replyTo: [Address], returnPath: String) {
        self.from = from
        self.to = to
        self.cc = cc
        self.bcc = bcc
        self.replyTo = replyTo
        self.returnPath = returnPath
    }

    public init(document: MailDocument, envelope: [String]) {
        from = document.from.map(Address.init)
        to = document.to.map(Address.init)
        cc = document.cc.map(Address.init)
        let named = Set((document.to + document.cc + document.bcc).map { $0.address.lowercased() })
        bcc = document.bcc.map(Address.init) + envelope.filter { !named.contains($0.lowercased()) }.map { Address(name: "", address: $0) }
        replyTo = document.replyTo.map(Address.init)
        returnPath = document.returnPath
    }

    public func encoded() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return String(decoding: (try? encoder.encode(self)) ?? Data("{}".utf8), as: UTF8.self)
    }

    public static func decode(_ text: String) -> MailAddressBook? {
        try? JSONDecoder().decode(MailAddressBook.self, from: Data(text.utf8))
    }
}

/// One message as the workbench lists it, read from the index alone.
public struct MailSummary: Sendable, Equatable {
    public var messageID: String
    public var region: String
    public var createdAt: Date
    public var subject: String
    public var headerMessageID: String
    public var principal: String
    public var via: String
    public var size: Int
    public var attachments: Int
    public var inline: Int
    public var seen: Bool
    public var snippet: String
    public var addresses: MailAddressBook

    public init(
        messageID: String, region: String, createdAt: Date, subject: String, headerMessageID: String, principal: String, via: String,
        size: Int, attachments: Int, inline: Int, seen: Bool, snippet: String, addresses: MailAddressBook
    ) {
        self.messageID = messageID
        self.region = region
        self.createdAt = createdAt
        self.subject = subject
        self.headerMessageID = headerMessageID
        self.principal = principal
        self.via = via
        self.size = size
        self.attachments = attachments
        self.inline = inline
        self.seen = seen
        self.snippet = snippet
        self.addresses = addresses
    }
}
