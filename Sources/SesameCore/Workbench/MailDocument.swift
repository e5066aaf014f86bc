public import Foundation

/// A captured message read as a mail client reads it: its addresses, subject, text and HTML
/// bodies, and every other part (attachments and inline images) with a part ID that names it
/// by its place in the MIME tree (`1`, `2`, `2.1`, …). Pure: parsing never fails, a damaged
/// message gives what could be read.
public struct MailDocument: Sendable {
    /// One non-multipart part.
    public struct Part: Sendable, Equatable {
        /// Its place in the MIME tree: child numbers from 1, joined by dots.
        public var id: String
        public var contentType: String
        public var fileName: String
        /// `Content-ID` without its angle brackets, or empty.
        public var contentID: String
        public var disposition: String
        /// Decoded size in bytes.
        public var size: Int
        /// Shown in the HTML body (an inline part with a Content-ID) rather than attached.
        public var isInline: Bool
    }

    public var headers: [(name: String, value: String)]
    public var from: EmailAddress?
    public var to: [EmailAddress]
    public var cc: [EmailAddress]
    public var bcc: [EmailAddress]
    public var replyTo: [EmailAddress]
    public var subject: String
    /// The `Message-ID` header without angle brackets.
    public var messageID: String
    public var returnPath: String
    public var date: Date?
    public var text: String?
    public var html: String?
    /// Parts that are neither the text nor the HTML body.
    public var parts: [Part]

    public var attachments: [Part] { parts.filter { !$0.isInline } }
    public var inline: [Part] { parts.filter(\.isInline) }

    /// Message parts deeper than this are not opened (a crafted message cannot recurse forever).
    static let maxDepth = 8

    /// Decoded body text beyond `textLimit` bytes is left out (the index needs only so much);
    /// nil reads it all.
    let textLimit: Int?

    public init(_ raw: [UInt8], textLimit: Int? = nil) {
        self.textLimit = textLimit
        let headers = MIME.headers(of: raw)
        self.headers = headers
        func header(_ name: String) -> String? { headers.first { $0.name.lowercased() == name }?.value }
        func addresses(_ name: String) -> [EmailAddress] {
            headers.filter { $0.name.lowercased() == name }.flatMap { MIME.addressList($0.value) }
        }
        from = addresses("from").first
        to = addresses("to")
        cc = addresses("cc")
        bcc = addresses("bcc")
        replyTo = addresses("reply-to")
        subject = header("subject").map(MIME.decodeHeaderText) ?? ""
        messageID = Self.unbracketed(header("message-id") ?? "")
        returnPath = Self.unbracketed(header("return-path") ?? "")
        date = header("date").flatMap(Self.parseDate)
        text = nil
        html = nil
        parts = []
        walk(raw, id: [], depth: 0)
    }

    static func unbracketed(_ value: String) -> String {
        var value = value.trimmingSpaces
        if value.hasPrefix("<"), value.hasSuffix(">"), value.count >= 2 { value = String(value.dropFirst().dropLast()) }
        return value
    }

    /// RFC 5322 dates (`Mon, 2 Jan 2006 15:04:05 -0700`, day name and seconds optional).
    static func parseDate(_ text: String) -> Date? {
        var value = text
        if let comment = value.firstIndex(of: "(") { value = String(value[..<comment]) }
        value = value.trimmingSpaces
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        for format in ["EEE, d MMM yyyy HH:mm:ss Z", "d MMM yyyy HH:mm:ss Z", "EEE, d MMM yyyy HH:mm Z", "d MMM yyyy HH:mm Z"] {
            formatter.dateFormat = format
            if let date = formatter.date(from: value) { return date }
        }
        return nil
    }

    mutating func walk(_ raw: [UInt8], id: [Int], depth: Int) {
        let headers = depth == 0 ? self.headers : MIME.headers(of: raw)
        func header(_ name: String) -> String? { headers.first { $0.name.lowercased() == name }?.value }
        let contentType = header("content-type") ?? "text/plain"
        let type = contentType.split(separator: ";").first.map { $0.trimmingSpaces.lowercased() } ?? "text/plain"
        let body = Self.body(raw)
        if type.hasPrefix("multipart/"), depth < Self.maxDepth, let boundary = MIME.parameter("boundary", in: contentType) {
            for (index, child) in Self.split(body, boundary: boundary).enumerated() {
                walk(child, id: id + [index + 1], depth: depth + 1)
            }
            return
        }
        let disposition = header("content-disposition") ?? ""
        let dispositionType = disposition.split(separator: ";").first.map { $0.trimmingSpaces.lowercased() } ?? ""
        let fileName = MIME.decodeHeaderText(MIME.parameter("filename", in: disposition) ?? MIME.parameter("name", in: contentType) ?? "")
        let encoding = header("content-transfer-encoding")
        // The first text/plain and text/html parts that are not attachments are the bodies.
        if dispositionType != "attachment" && fileName.isEmpty
            && (type == "text/plain" && text == nil || type == "text/html" && html == nil)
        {
            var encoded = body
            // Twice the limit of encoded bytes holds the limit decoded (base64 and
            // quoted-printable only grow text), so a huge body is never decoded whole.
            if let textLimit, encoded.count > textLimit * 2 { encoded = Array(encoded.prefix(textLimit * 2)) }
            if encoding?.trimmingSpaces.lowercased() == "base64" {
                encoded = encoded.filter { $0 > 0x20 }
                encoded.removeLast(encoded.count % 4)
            }
            let string = Self.string(Self.decode(encoded, encoding: encoding), contentType: contentType)
            if type == "text/plain" { text = string } else { html = string }
            return
        }
        let contentID = Self.unbracketed(header("content-id") ?? "")
        parts.append(
            Part(
                id: id.isEmpty ? "1" : id.map(String.init).joined(separator: "."), contentType: type, fileName: fileName,
                contentID: contentID, disposition: dispositionType, size: Self.decodedSize(body, encoding: encoding),
                isInline: dispositionType != "attachment" && !contentID.isEmpty))
    }

    /// The decoded bytes of the part with this ID (attachments and inline parts).
    public static func content(of raw: [UInt8], partID: String) -> [UInt8]? {
        let pieces = partID.split(separator: ".", omittingEmptySubsequences: false)
        let path = pieces.compactMap { Int($0) }
        guard !path.isEmpty, path.count == pieces.count, path.count <= maxDepth else { return nil }
        var current = raw
        var headers = MIME.headers(of: current)
        for (depth, number) in path.enumerated() {
            let contentType = headers.first { $0.name.lowercased() == "content-type" }?.value ?? "text/plain"
            let isMultipart = contentType.trimmingSpaces.lowercased().hasPrefix("multipart/")
            if !isMultipart {
                // A single-part message has one part, "1".
                guard depth == 0, path == [1] else { return nil }
                break
            }
            guard let boundary = MIME.parameter("boundary", in: contentType) else { return nil }
            let children = split(body(current), boundary: boundary)
            guard number >= 1, number <= children.count else { return nil }
            current = children[number - 1]
            headers = MIME.headers(of: current)
        }
        let encoding = headers.first { $0.name.lowercased() == "content-transfer-encoding" }?.value
        return decode(body(current), encoding: encoding)
    }

    /// The bytes after the header section.
    static func body(_ raw: [UInt8]) -> [UInt8] {
        var start = MIME.headerEnd(raw)
        if start < raw.count, raw[start] == 0x0D { start += 1 }
        if start < raw.count, raw[start] == 0x0A { start += 1 }
        return Array(raw[min(start, raw.count)...])
    }

    static func split(_ body: [UInt8], boundary: String) -> [[UInt8]] {
        MIME.multipartBodies(body, boundary: boundary, keepingLastLineBreak: false)
    }

    /// A part's decoded size, without decoding base64 (four characters are three bytes, less the padding).
    static func decodedSize(_ body: [UInt8], encoding: String?) -> Int {
        switch encoding?.trimmingSpaces.lowercased() ?? "7bit" {
        case "base64":
            var characters = 0, padding = 0
            for byte in body where byte > 0x20 {
                characters += 1
                padding = byte == UInt8(ascii: "=") ? padding + 1 : 0
            }
            return max(0, characters / 4 * 3 - min(padding, 2))
        case "quoted-printable": return MIME.decodeQuotedPrintable(body).count
        default: return body.count
        }
    }

    static func decode(_ body: [UInt8], encoding: String?) -> [UInt8] {
        switch encoding?.trimmingSpaces.lowercased() ?? "7bit" {
        case "base64":
            let compact = String(decoding: body.filter { $0 > 0x20 }, as: UTF8.self)
            return Data(base64Encoded: compact, options: .ignoreUnknownCharacters).map(Array.init) ?? body
        case "quoted-printable": return MIME.decodeQuotedPrintable(body)
        default: return body
        }
    }

    /// Text in its declared charset: UTF-8 (and ASCII), or ISO-8859-1 and Windows-1252 read as Latin-1.
    static func string(_ bytes: [UInt8], contentType: String) -> String {
        let charset = MIME.parameter("charset", in: contentType)?.lowercased() ?? "utf-8"
        var string =
            ["iso-8859-1", "latin1", "windows-1252", "cp1252"].contains(charset)
            ? String(bytes.map { Character(Unicode.Scalar($0)) }) : String(decoding: bytes, as: UTF8.self)
        if string.hasSuffix("\r\n") { string.removeLast() } else if string.hasSuffix("\n") { string.removeLast() }
        return string
    }
}
