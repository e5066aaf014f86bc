import Foundation
import Testing

@testable import SesameCore

@Suite struct TrackingTests {
    func tracked(_ html: String, pixel: String? = nil) -> (String, [HTMLTracking.Link]) {
        var seen: [HTMLTracking.Link] = []
        let out = HTMLTracking.rewrite(html, pixelURL: pixel) { link in
            seen.append(link)
            return "https://t.example/\(seen.count)"
        }
        return (out, seen)
    }

    @Test func httpLinksAreReplacedAndTheirTagsRead() {
        let (out, links) = tracked(
            #"<p><A class=x HREF='https://a.example/p?x=1&amp;y=2' ses:tags="product:book;genre:fiction;genre:poetry;">a</A> "#
                + #"<a href=http://b.example/>b</a> <a href="mailto:x@example.com">m</a> <a name="top">t</a></p>"#)
        #expect(
            out
                == #"<p><A class=x HREF="https://t.example/1" ses:tags="product:book;genre:fiction;genre:poetry;">a</A> "#
                + #"<a href="https://t.example/2">b</a> <a href="mailto:x@example.com">m</a> <a name="top">t</a></p>"#)
        #expect(links.map(\.url) == ["https://a.example/p?x=1&y=2", "http://b.example/"])
        #expect(links[0].tags == ["product": ["book"], "genre": ["fiction", "poetry"]])
        #expect(links[1].tags == [:])
    }

    @Test func noTrackLinksAndOtherTagsAreLeftAlone() {
        let html = #"<a ses:no-track href="https://keep.example/">k</a><abbr href="https://x.example/">x</abbr><area href="https://y/">"#
        let (out, links) = tracked(html)
        #expect(out == html && links.isEmpty)
    }

    @Test func thePixelGoesBeforeTheClosingBodyTagOrAtTheEnd() {
        let (withBody, _) = tracked("<html><body><p>hi</p></BODY></html>", pixel: "https://t.example/o?t=a&b")
        #expect(withBody.hasPrefix(#"<html><body><p>hi</p><img alt="" src="https://t.example/o?t=a&amp;b" width="1""#))
        #expect(withBody.hasSuffix("</BODY></html>"))
        let (bare, _) = tracked("<p>hi</p>", pixel: "https://t.example/o")
        #expect(bare.hasPrefix("<p>hi</p><img ") && bare.hasSuffix("/>"))
    }

    @Test func unterminatedMarkupDoesNotTrapTheRewriter() {
        for html in ["<a ", "<a href=", "<a href=\"https://x", "<a href='https://x' ses:tags=\"k", "<a\thref=https://x", "<a b c d"] {
            _ = tracked(html, pixel: "p")
        }
    }

    @Test func onlyTheHTMLPartsOfAMessageChangeAndEveryOtherByteIsKept() {
        let text = "Visit https://a.example/ now"
        let raw = Array(
            ("From: a@example.com\r\nContent-Type: multipart/alternative; boundary=\"b1\"\r\n\r\npreamble\r\n"
                + "--b1\r\nContent-Type: text/plain\r\n\r\n\(text)\r\n"
                + "--b1\r\nContent-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
                + "<a href=3D\"https://a.example/\">caf=C3=A9</a>\r\n"
                + "--b1\r\nContent-Type: text/html\r\nContent-Transfer-Encoding: base64\r\n\r\n"
                + Data("<a href=\"https://b.example/\">b</a>".utf8).base64EncodedString() + "\r\n"
                + "--b1--\r\nepilogue\r\n").utf8)
        let out = MIME.rewritingHTML(raw) { HTMLTracking.rewrite($0, pixelURL: nil) { _ in "https://t.example/x" } }
        let string = String(decoding: out, as: UTF8.self)
        #expect(string.hasPrefix("From: a@example.com\r\nContent-Type: multipart/alternative; boundary=\"b1\"\r\n\r\npreamble\r\n--b1\r\n"))
        #expect(string.contains("Content-Type: text/plain\r\n\r\n\(text)\r\n--b1\r\n"))
        #expect(string.hasSuffix("--b1--\r\nepilogue\r\n"))
        let html = MIME.leafParts(out).filter { $0.type == "text/html" }
        #expect(html.count == 2)
        #expect(
            String(decoding: MIME.decodeQuotedPrintable(html[0].body), as: UTF8.self).hasPrefix("<a href=\"https://t.example/x\">café</a>"))
        let decoded = Data(base64Encoded: String(decoding: html[1].body.filter { $0 > 0x20 }, as: UTF8.self)).map {
            String(decoding: $0, as: UTF8.self)
        }
        #expect(decoded == "<a href=\"https://t.example/x\">b</a>")
    }

    @Test func aSevenBitPartWhoseLineGrowsTooLongBecomesBase64() {
        let raw = Array("Content-Type: text/html\r\nContent-Transfer-Encoding: 7bit\r\n\r\n<a href=\"https://a.example/\">a</a>\r\n".utf8)
        let long = "https://t.example/" + String(repeating: "x", count: 1200)
        let out = MIME.rewritingHTML(raw) { HTMLTracking.rewrite($0, pixelURL: nil) { _ in long } }
        let part = MIME.leafParts(out)[0]
        #expect(part.headers.map(\.value).contains("base64") && !part.headers.map(\.value).contains("7bit"))
        let decoded = Data(base64Encoded: String(decoding: part.body.filter { $0 > 0x20 }, as: UTF8.self)).map {
            String(decoding: $0, as: UTF8.self)
        }
        #expect(decoded == "<a href=\"\(long)\">a</a>")
    }

    @Test func quotedPrintableRoundTripsWithShortLines() {
        let text = String(repeating: "é = x\t", count: 40) + "end \nline2"
        let encoded = MIME.encodeQuotedPrintable(Array(text.utf8))
        #expect(encoded.split(separator: 0x0A).allSatisfy { $0.count <= 77 })
        #expect(String(decoding: MIME.decodeQuotedPrintable(encoded), as: UTF8.self) == text.replacingOccurrences(of: "\n", with: "\r\n"))
    }

    @Test func destinationsNameExactlyOneTarget() throws {
        #expect(throws: SesameError.self) {
            try EventDestinationTarget.one(sns: nil, cloudWatch: nil, firehose: nil, eventBridge: nil, pinpoint: nil, v2: true)
        }
        #expect(throws: SesameError.self) {
            try EventDestinationTarget.one(sns: "arn:t", cloudWatch: nil, firehose: nil, eventBridge: "arn:b", pinpoint: nil, v2: true)
        }
        #expect(throws: SesameError.self) {
            try EventDestinationTarget.one(
                sns: nil, cloudWatch: [CloudWatchDimension(name: "d", valueSource: "nope", defaultValue: "x")], firehose: nil,
                eventBridge: nil, pinpoint: nil, v2: false)
        }
        let pinpoint = try EventDestinationTarget.one(
            sns: nil, cloudWatch: nil, firehose: nil, eventBridge: nil, pinpoint: .some(nil), v2: true)
        #expect(pinpoint == .pinpoint(applicationARN: nil) && !pinpoint.isDeliveredBySesame)
        #expect(EventDestinationTarget.stored(json: pinpoint.storedJSON, topicARN: "") == pinpoint)
        #expect(EventDestinationTarget.stored(json: nil, topicARN: "arn:t") == .sns(topicARN: "arn:t"))
    }
}
