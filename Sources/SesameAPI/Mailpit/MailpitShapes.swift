import Crypto
import Foundation
import SesameBackend
import SesameCore

/// The JSON Mailpit's API v1 answers with, field for field (names and types from Mailpit's
/// published OpenAPI description), plus a `Sesame` object with what only Sesame knows.
enum MailpitShapes {
    struct Address: Encodable {
        var Name: String
        var Address: String

        init(_ address: MailAddressBook.Address) {
            Name = address.name
            self.Address = address.address
        }
    }

    /// What Sesame adds to each message: who sent it, how, and in which region.
    struct SesameFields: Encodable {
        var Principal: String
        var Via: String
        var Region: String
    }

    struct MessageSummary: Encodable {
        var ID: String
        var MessageID: String
        var Read: Bool
        var From: Address?
        var To: [Address]
        var Cc: [Address]
        var Bcc: [Address]
        var ReplyTo: [Address]
        var Subject: String
        var Created: String
        var Tags: [String]
        var Size: Int
        var Attachments: Int
        var Snippet: String
        var Sesame: SesameFields

        init(_ summary: MailSummary) {
            let book = summary.addresses
            ID = summary.messageID
            MessageID = summary.headerMessageID
            Read = summary.seen
            From = book.from.map(Address.init)
            To = book.to.map(Address.init)
            Cc = book.cc.map(Address.init)
            Bcc = book.bcc.map(Address.init)
            ReplyTo = book.replyTo.map(Address.init)
            Subject = summary.subject
            Created = MailpitShapes.time(summary.createdAt)
            Tags = []
            Size = summary.size
            Attachments = summary.attachments
            Snippet = summary.snippet
            Sesame = SesameFields(Principal: summary.principal, Via: summary.via, Region: summary.region)
        }
    }

    struct MessagesSummary: Encodable {
        var total: Int
        var unread: Int
        var count: Int
        var messages_count: Int
        var messages_unread: Int
        var start: Int
        var tags: [String]
        var messages: [MessageSummary]
    }

    struct Checksums: Encodable {
        var MD5: String
        var SHA1: String
        var SHA256: String
    }

    struct Attachment: Encodable {
        var PartID: String
        var FileName: String
        var ContentType: String
        var ContentID: String
        var Size: Int
        var Checksums: Checksums
    }

    struct Message: Encodable {
        var ID: String
        var MessageID: String
        var From: Address?
        var To: [Address]
        var Cc: [Address]
        var Bcc: [Address]
        var ReplyTo: [Address]
        var ReturnPath: String
        var Subject: String
        var Date: String
        var Tags: [String]
        var Text: String
        var HTML: String
        var Size: Int
        var Inline: [Attachment]
        var Attachments: [Attachment]
        var Sesame: SesameFields
    }

    static func message(_ stored: StoredMessage, summary: MailSummary) -> Message {
        let document = MailDocument(stored.raw)
        let book = summary.addresses
        func attachment(_ part: MailDocument.Part) -> Attachment {
            let bytes = MailDocument.content(of: stored.raw, partID: part.id) ?? []
            return Attachment(
                PartID: part.id, FileName: part.fileName, ContentType: part.contentType, ContentID: part.contentID, Size: part.size,
                Checksums: Checksums(
                    MD5: hex(Insecure.MD5.hash(data: bytes)), SHA1: hex(Insecure.SHA1.hash(data: bytes)),
                    SHA256: hex(SHA256.hash(data: bytes))))
        }
        return Message(
            ID: summary.messageID, MessageID: summary.headerMessageID, From: book.from.map(Address.init), To: book.to.map(Address.init),
            Cc: book.cc.map(Address.init), Bcc: book.bcc.map(Address.init), ReplyTo: book.replyTo.map(Address.init),
            ReturnPath: book.returnPath.isEmpty ? stored.source : book.returnPath, Subject: summary.subject,
            Date: time(document.date ?? summary.createdAt), Tags: [], Text: document.text ?? "", HTML: document.html ?? "",
            Size: summary.size, Inline: document.inline.map(attachment), Attachments: document.attachments.map(attachment),
            Sesame: SesameFields(Principal: summary.principal, Via: summary.via, Region: summary.region))
    }

    struct Link: Encodable {
        var URL: String
        var StatusCode: Int
        var Status: String
    }

    struct LinkCheck: Encodable {
        var Errors: Int
        var Links: [Link]
    }

    struct Info: Encodable {
        struct RuntimeStats: Encodable {
            var Uptime: Int
            var Memory: Int
            var MessagesDeleted: Int
            var SMTPAccepted: Int
            var SMTPAcceptedSize: Int
            var SMTPRejected: Int
            var SMTPIgnored: Int
        }
        var Version: String
        var LatestVersion: String
        var Database: String
        var DatabaseSize: Int
        var Messages: Int
        var Unread: Int
        var Tags: [String: Int]
        var RuntimeStats: RuntimeStats
    }

    static func hex<D: Sequence>(_ digest: D) -> String where D.Element == UInt8 {
        digest.map { String(format: "%02x", $0) }.joined()
    }

    /// RFC 3339 with milliseconds, in UTC.
    static func time(_ date: Date) -> String {
        date.formatted(
            .iso8601.year().month().day().dateSeparator(.dash).time(includingFractionalSeconds: true).timeSeparator(.colon)
                .timeZone(separator: .omitted))
    }

    static func json<T: Encodable>(_ value: T) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(value)
    }
}
