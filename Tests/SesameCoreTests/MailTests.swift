import Foundation
import Testing

@testable import SesameCore

@Suite struct EmailAddressTests {
    @Test func parsesForms() {
        #expect(EmailAddress.parse("a@example.com") == EmailAddress(address: "a@example.com"))
        #expect(EmailAddress.parse("Ann <a@example.com>") == EmailAddress(displayName: "Ann", address: "a@example.com"))
        #expect(EmailAddress.parse("\"Smith, Ann\" <a@example.com>") == EmailAddress(displayName: "Smith, Ann", address: "a@example.com"))
        #expect(EmailAddress.parse("<a@example.com>") == EmailAddress(address: "a@example.com"))
        #expect(EmailAddress.parse("a@Example.COM")?.domain == "example.com")
    }

    @Test(arguments: ["", "plain", "@example.com", "a@", "a b@example.com", "a@exa mple.com", "a@-bad.com", "a@b..com"])
    func rejects(_ text: String) {
        #expect(EmailAddress.parse(text) == nil)
    }
}

@Suite struct MessageIDTests {
    @Test func sesShape() {
        let id = MessageID.make(at: Date(timeIntervalSince1970: 1_539_950_000.123))
        #expect(id.count == 60)
        #expect(id.hasPrefix("0100") && id.hasSuffix("-000000"))
        // 12 hex digits of milliseconds follow the prefix.
        #expect(UInt64(id.dropFirst(4).prefix(12), radix: 16) == 1_539_950_000_123)
    }
}

@Suite struct MIMETests {
    @Test func simpleTextAndHTMLIsMultipartAlternative() {
        let raw = MIME.simpleMessage(
            from: EmailAddress(displayName: "Ann", address: "a@example.com"), to: [EmailAddress(address: "b@example.net")], cc: [],
            replyTo: [], subject: "Hello", text: "plain body", html: "<p>html</p>", messageID: "ID1", date: Date(timeIntervalSince1970: 0))
        let text = String(decoding: raw, as: UTF8.self)
        #expect(text.contains("From: Ann <a@example.com>\r\n"))
        #expect(text.contains("Message-ID: <ID1@email.amazonses.com>\r\n"))
        #expect(text.contains("Date: Thu, 01 Jan 1970 00:00:00 +0000\r\n"))
        #expect(text.contains("Content-Type: multipart/alternative; boundary="))
        #expect(!text.replacingOccurrences(of: "\r\n", with: "").contains("\n"))
        let parts = MIME.textParts(raw)
        #expect(parts.text == "plain body")
        #expect(parts.html == "<p>html</p>")
    }

    @Test func nonASCIIHeadersAreEncodedWords() {
        #expect(MIME.encodeHeaderText("plain") == "plain")
        let encoded = MIME.encodeHeaderText("Grüße aus Köln")
        #expect(encoded.hasPrefix("=?UTF-8?B?"))
        #expect(MIME.decodeHeaderText(encoded) == "Grüße aus Köln")
        #expect(MIME.decodeHeaderText("=?ISO-8859-1?Q?Caf=E9_au_lait?=") == "Café au lait")
        #expect(MIME.encodeMailbox(EmailAddress(displayName: "Smith, Ann", address: "a@x.org")) == "\"Smith, Ann\" <a@x.org>")
        let long = MIME.encodeHeaderText(String(repeating: "ü", count: 60))
        #expect(long.components(separatedBy: "\r\n ").allSatisfy { $0.count <= 75 })
        #expect(MIME.decodeHeaderText(long) == String(repeating: "ü", count: 60))
    }

    @Test func headersAndRemoval() {
        let raw = Array(
            "From: a@x.org\r\nX-SES-CONFIGURATION-SET: cs\r\nSubject: one\r\n two\r\nX-SES-MESSAGE-TAGS: a=b,\r\n c=d\r\n\r\nX-SES-CONFIGURATION-SET: body stays\r\n"
                .utf8)
        let headers = MIME.headers(of: raw)
        #expect(headers.map(\.name) == ["From", "X-SES-CONFIGURATION-SET", "Subject", "X-SES-MESSAGE-TAGS"])
        #expect(headers[2].value == "one two")
        #expect(headers[3].value == "a=b, c=d")
        // LF-only lines, tabs around values, a line without a colon, 8-bit text, a folded first line.
        let loose = MIME.headers(of: Array("\tstray\nTo:\t b@y.org \nnot a header\nSubject: Grüße\n\tmehr\n\nBody: no\n".utf8))
        #expect(loose.map(\.name) == ["To", "Subject"])
        #expect(loose.map(\.value) == ["b@y.org", "Grüße mehr"])
        #expect(MIME.headers(of: []).isEmpty)
        #expect(MIME.headers(of: Array("X: 1".utf8)).map(\.value) == ["1"])
        let stripped = MIME.removingHeaders(raw) { $0.lowercased().hasPrefix("x-ses-") }
        #expect(
            String(decoding: stripped, as: UTF8.self)
                == "From: a@x.org\r\nSubject: one\r\n two\r\n\r\nX-SES-CONFIGURATION-SET: body stays\r\n")
    }

    @Test func addressLists() {
        let list = MIME.addressList("a@x.org, \"Doe, John\" <j@y.org>, =?UTF-8?B?SsO8cmdlbg==?= <g@z.org>")
        #expect(list.map(\.address) == ["a@x.org", "j@y.org", "g@z.org"])
        #expect(list[1].displayName == "Doe, John")
        #expect(list[2].displayName == "Jürgen")
    }

    @Test func quotedPrintableBodies() {
        let raw = Array(
            "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nCaf=C3=A9 =\r\nau lait\r\n".utf8)
        #expect(MIME.textParts(raw).text == "Café au lait")
    }
}

@Suite("MIME base64 bodies")
struct MIMEBase64Tests {
    @Test("base64 bodies come in CRLF-separated lines of at most 76 characters and decode back", arguments: [0, 1, 56, 57, 58, 300, 1024])
    func lines(size: Int) {
        let bytes = (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ 3) }
        let text = MIME.base64Lines(bytes)
        let lines = text.components(separatedBy: "\r\n")
        #expect(lines.allSatisfy { $0.utf8.count <= 76 })
        #expect(lines.dropLast().allSatisfy { $0.utf8.count == 76 })
        #expect(Data(base64Encoded: lines.joined()) == Data(bytes))
    }
}
