import Foundation
import SesameCore
import Testing

/// The workbench's reading of messages and of searches, without a store.
@Suite struct WorkbenchTests {
    static let mixed = """
        From: =?UTF-8?Q?Caf=C3=A9?= <cafe@example.com>\r
        To: "Ann, A." <ann@example.net>, bob@example.net\r
        Cc: carol@example.net\r
        Reply-To: help@example.com\r
        Subject: Your order\r
        Message-ID: <abc@example.com>\r
        Date: Mon, 30 Nov 2026 10:00:00 +0000\r
        MIME-Version: 1.0\r
        Content-Type: multipart/mixed; boundary="outer"\r
        \r
        --outer\r
        Content-Type: multipart/related; boundary="rel"\r
        \r
        --rel\r
        Content-Type: multipart/alternative; boundary="alt"\r
        \r
        --alt\r
        Content-Type: text/plain; charset=utf-8\r
        Content-Transfer-Encoding: quoted-printable\r
        \r
        Caf=C3=A9 order: see https://shop.test/o/1.\r
        --alt\r
        Content-Type: text/html; charset=utf-8\r
        \r
        <html><head><style>p{color:red}</style></head><body><p>Order &amp; more</p><a href="https://shop.test/o/1">open</a><img src="cid:logo"></body></html>\r
        --alt--\r
        --rel\r
        Content-Type: image/png\r
        Content-ID: <logo>\r
        Content-Transfer-Encoding: base64\r
        \r
        iVBORw0KGgo=\r
        --rel--\r
        --outer\r
        Content-Type: application/pdf; name="invoice.pdf"\r
        Content-Disposition: attachment; filename="invoice.pdf"\r
        Content-Transfer-Encoding: base64\r
        \r
        JVBERi0xLjQK\r
        --outer--\r

        """

    @Test func readsAddressesBodiesAndParts() throws {
        let raw = Array(Self.mixed.utf8)
        let document = MailDocument(raw)
        #expect(document.from == EmailAddress(displayName: "Café", address: "cafe@example.com"))
        #expect(document.to.map(\.address) == ["ann@example.net", "bob@example.net"] && document.to.first?.displayName == "Ann, A.")
        #expect(document.cc.map(\.address) == ["carol@example.net"] && document.replyTo.map(\.address) == ["help@example.com"])
        #expect(document.subject == "Your order" && document.messageID == "abc@example.com")
        #expect(document.date == Date(timeIntervalSince1970: 1_796_032_800))
        #expect(document.text == "Café order: see https://shop.test/o/1.")
        #expect(document.html?.hasPrefix("<html>") == true)
        #expect(document.inline.map(\.id) == ["1.2"] && document.inline.first?.contentID == "logo")
        #expect(document.attachments.map(\.id) == ["2"] && document.attachments.first?.fileName == "invoice.pdf")
        #expect(document.attachments.first?.size == 9)
        #expect(MailDocument.content(of: raw, partID: "2") == Array("%PDF-1.4\n".utf8))
        #expect(MailDocument.content(of: raw, partID: "1.2")?.prefix(4) == [0x89, 0x50, 0x4E, 0x47])
        for missing in ["3", "0", "1.9", "2.1", "x", "", "1..2"] { #expect(MailDocument.content(of: raw, partID: missing) == nil) }
        // A message that is one part has the part "1".
        #expect(MailDocument.content(of: Array("Subject: x\r\n\r\nbody\r\n".utf8), partID: "1") == Array("body\r\n".utf8))
    }

    @Test func textSnippetAndLinks() {
        let html = "<style>x{}</style><p>Hello&nbsp;<b>you</b></p><script>evil()</script><a href='https://a.test/x?y=1&amp;z=2'>a</a>"
        #expect(MailText.plainText(fromHTML: html) == "Hello you a")
        #expect(MailText.snippet(text: nil, html: html) == "Hello you a")
        #expect(MailText.snippet(text: String(repeating: "word ", count: 100), html: nil).count == 250)
        #expect(
            MailText.links(text: "See https://b.test/1, and (http://c.test/2). Again https://a.test/x?y=1&z=2", html: html)
                == ["https://a.test/x?y=1&z=2", "https://b.test/1", "http://c.test/2"])
        #expect(MailText.links(text: "mailto:x@y.test javascript:alert(1) http://", html: "<a href=\"javascript:x\">") == [])
    }

    @Test func parsesSearches() throws {
        let search = try MailSearch.parse("from:Shop -to:ann \"big order\" is:unread has:attachment via:api !larger:1.5kb subject:\"a b\"")
        #expect(
            search.clauses == [
                .init(condition: .contains(.from, "shop"), negated: false), .init(condition: .contains(.to, "ann"), negated: true),
                .init(condition: .words(["big", "order"]), negated: false), .init(condition: .read(false), negated: false),
                .init(condition: .hasAttachments, negated: false),
                .init(condition: .via(["SendEmail", "SendRawEmail", "SendTemplatedEmail", "SendEmail (v2, Raw)"]), negated: false),
                .init(condition: .larger(1536), negated: true), .init(condition: .contains(.subject, "a b"), negated: false),
            ])
        #expect(try MailSearch.parse("after:2026-11-30").clauses == [.init(condition: .after(Self.day("2026-11-30")), negated: false)])
        #expect(
            try MailSearch.parse("before:2026-11-30T10:00:00+02:00").clauses.first?.condition
                == .before(Date(timeIntervalSince1970: 1_796_025_600)))
        #expect(try MailSearch.parse("  ---  ...  ").isEmpty)
        for bad in ["before:yesterday", "larger:big", "via:fax", "is:starred", "tag:x", String(repeating: "a", count: 3000)] {
            #expect(throws: MailSearch.Invalid.self) { try MailSearch.parse(bad) }
        }
        #expect(MailSearch.words("Héllo, wörld-42!") == ["héllo", "wörld", "42"])
    }

    static func day(_ text: String) -> Date {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd"
        return formatter.date(from: text)!
    }

    @Test func indexEntryFromAMessage() {
        let message = StoredMessage(
            id: "id1", region: "us-east-1", source: "bounce@example.com", destinations: ["ann@example.net", "hidden@example.net"],
            subject: "Your order", raw: Array(Self.mixed.utf8), principalARN: "arn:aws:iam::123456789012:root", via: .smtp,
            createdAt: Date(timeIntervalSince1970: 1))
        let entry = MailIndexEntry(message)
        #expect(entry.fromKey == "café <cafe@example.com>")
        #expect(entry.toKey.contains("ann, a. <ann@example.net>") && entry.toKey.contains("hidden@example.net"))
        #expect(entry.addresses.bcc == [MailAddressBook.Address(name: "", address: "hidden@example.net")])
        #expect(entry.attachments == 1 && entry.inline == 1 && entry.text.contains("invoice.pdf"))
        #expect(MailAddressBook.decode(entry.addresses.encoded()) == entry.addresses)
    }
}
