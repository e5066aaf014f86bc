public import Foundation

/// Builds and reads the parts of RFC 5322/2045 messages that SES cares about.
public enum MIME {
    static let crlf = "\r\n"

    /// `Tue, 03 Nov 2026 10:00:00 +0000`.
    public static func date(_ date: Date) -> String {
        var t = time_t(date.timeIntervalSince1970.rounded(.down))
        var parts = tm()
        gmtime_r(&t, &parts)
        let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        func two(_ v: Int32) -> String { v < 10 ? "0\(v)" : "\(v)" }
        return "\(days[Int(parts.tm_wday)]), \(two(parts.tm_mday)) \(months[Int(parts.tm_mon)]) \(parts.tm_year + 1900) "
            + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)) +0000"
    }

    /// An RFC 2047 encoded word when the text is not plain ASCII, else the text itself.
    public static func encodeHeaderText(_ text: String) -> String {
        if text.unicodeScalars.allSatisfy({ $0.isASCII && $0.value >= 0x20 && $0.value != 0x7F }) { return text }
        // Split into encoded words of at most 45 input bytes so each line stays short (RFC 2047: 75 chars).
        var words: [String] = []
        var chunk: [UInt8] = []
        for character in text {
            let bytes = Array(String(character).utf8)
            if chunk.count + bytes.count > 45 {
                words.append("=?UTF-8?B?" + Data(chunk).base64EncodedString() + "?=")
                chunk = []
            }
            chunk += bytes
        }
        if !chunk.isEmpty { words.append("=?UTF-8?B?" + Data(chunk).base64EncodedString() + "?=") }
        return words.joined(separator: "\r\n ")
    }

    /// A mailbox for a header: the display name encoded or quoted as needed.
    public static func encodeMailbox(_ address: EmailAddress) -> String {
        guard let name = address.displayName, !name.isEmpty else { return address.address }
        let encoded = encodeHeaderText(name)
        if encoded != name { return "\(encoded) <\(address.address)>" }
        let needsQuotes = name.contains { "()<>[]:;@\\,.\"".contains($0) }
        let quoted =
            needsQuotes
            ? "\"" + name.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\"" : name
        return "\(quoted) <\(address.address)>"
    }

    /// Base64 body lines of 76 characters.
    static func base64Lines(_ bytes: [UInt8]) -> String {
        // Cut at byte offsets: stepping a String by Character is slow, and base64 is ASCII.
        let encoded = Array(Data(bytes).base64EncodedString().utf8)
        var out: [UInt8] = []
        out.reserveCapacity(encoded.count + encoded.count / 38 + 2)
        var index = 0
        while index < encoded.count {
            if index > 0 { out += [0x0D, 0x0A] }
            let end = min(index + 76, encoded.count)
            out += encoded[index..<end]
            index = end
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// A text part: 7bit when it is short-lined ASCII (line ends normalized to CRLF), else base64.
    /// Byte loops rather than Foundation string calls: this runs for every message sent.
    static func part(contentType: String, body: String) -> String {
        var normalized: [UInt8] = []
        normalized.reserveCapacity(body.utf8.count + 64)
        var ascii = true, lineLength = 0, longLine = false
        var previous: UInt8 = 0
        for c in body.utf8 {
            if c >= 0x80 || (c < 0x20 && c != 0x0A && c != 0x0D && c != 0x09) { ascii = false }
            if c == 0x0A {
                if previous != 0x0D { normalized.append(0x0D) }
                lineLength = 0
            } else {
                lineLength += 1
                if lineLength > 900 { longLine = true }
            }
            normalized.append(c)
            previous = c
        }
        if ascii && !longLine {
            return "Content-Type: \(contentType); charset=UTF-8" + crlf + "Content-Transfer-Encoding: 7bit" + crlf + crlf
                + String(decoding: normalized, as: UTF8.self)
        }
        return "Content-Type: \(contentType); charset=UTF-8" + crlf + "Content-Transfer-Encoding: base64" + crlf + crlf
            + base64Lines(Array(body.utf8))
    }

    /// The message SES builds for `SendEmail`: headers, then the text, the HTML, or both as
    /// `multipart/alternative`.
    public static func simpleMessage(
        from: EmailAddress, to: [EmailAddress], cc: [EmailAddress], replyTo: [EmailAddress], subject: String,
        text: String?, html: String?, messageID: String, date: Date, extraHeaders: [(String, String)] = []
    ) -> [UInt8] {
        var headers: [String] = []
        headers.append("From: " + encodeMailbox(from))
        if !to.isEmpty { headers.append("To: " + to.map(encodeMailbox).joined(separator: ", ")) }
        if !cc.isEmpty { headers.append("Cc: " + cc.map(encodeMailbox).joined(separator: ", ")) }
        if !replyTo.isEmpty { headers.append("Reply-To: " + replyTo.map(encodeMailbox).joined(separator: ", ")) }
        headers.append("Subject: " + encodeHeaderText(subject))
        headers.append("Message-ID: <\(messageID)@email.amazonses.com>")
        headers.append("Date: " + self.date(date))
        for (name, value) in extraHeaders { headers.append("\(name): \(encodeHeaderText(value))") }
        headers.append("MIME-Version: 1.0")
        var message = headers.joined(separator: crlf) + crlf
        switch (text, html) {
        case (let text?, let html?):
            let boundary = "=_sesame_" + RandomIDs.requestID().replacingOccurrences(of: "-", with: "")
            message += "Content-Type: multipart/alternative; boundary=\"\(boundary)\"" + crlf + crlf
            message += "--\(boundary)" + crlf + part(contentType: "text/plain", body: text) + crlf
            message += "--\(boundary)" + crlf + part(contentType: "text/html", body: html) + crlf
            message += "--\(boundary)--" + crlf
        case (nil, let html?):
            message += part(contentType: "text/html", body: html) + crlf
        default:
            message += part(contentType: "text/plain", body: text ?? "") + crlf
        }
        return Array(message.utf8)
    }

    // MARK: Reading

    /// The header section of a raw message, unfolded: (name, value) in order.
    public static func headers(of raw: [UInt8]) -> [(name: String, value: String)] {
        // On bytes: this runs for every message sent, and cutting a String into Characters
        // (where CR LF is one) cost more than the rest of the checks together.
        let end = headerEnd(raw)
        var out: [(name: String, value: String)] = []
        raw.withUnsafeBufferPointer { bytes in
            func text(_ from: Int, _ to: Int) -> String {
                var lo = from, hi = to
                while lo < hi, bytes[lo] == 0x20 || bytes[lo] == 0x09 { lo += 1 }
                while hi > lo, bytes[hi - 1] == 0x20 || bytes[hi - 1] == 0x09 { hi -= 1 }
                return String(decoding: UnsafeBufferPointer(rebasing: bytes[lo..<hi]), as: UTF8.self)
            }
            var lineStart = 0
            while lineStart < end {
                var lineEnd = lineStart
                while lineEnd < end, bytes[lineEnd] != 0x0A { lineEnd += 1 }
                let next = lineEnd + 1
                // A line ends with LF or CR LF; an empty line is skipped.
                while lineEnd > lineStart, bytes[lineEnd - 1] == 0x0D { lineEnd -= 1 }
                defer { lineStart = next }
                guard lineEnd > lineStart else { continue }
                if bytes[lineStart] == 0x20 || bytes[lineStart] == 0x09 {
                    // A folded line continues the header before it.
                    if !out.isEmpty { out[out.count - 1].value += " " + text(lineStart, lineEnd) }
                    continue
                }
                var colon = lineStart
                while colon < lineEnd, bytes[colon] != 0x3A { colon += 1 }
                guard colon < lineEnd else { continue }
                out.append((text(lineStart, colon), text(colon + 1, lineEnd)))
            }
        }
        return out
    }

    /// Offset of the blank line that ends the headers (or the end of the message).
    static func headerEnd(_ raw: [UInt8]) -> Int {
        var i = 0
        while i < raw.count {
            if raw[i] == 0x0A {
                if i + 1 < raw.count, raw[i + 1] == 0x0A { return i + 1 }
                if i + 2 < raw.count, raw[i + 1] == 0x0D, raw[i + 2] == 0x0A { return i + 1 }
            }
            i += 1
        }
        return raw.count
    }

    /// Removes every header whose name satisfies `drop`, keeping all other bytes exactly.
    public static func removingHeaders(_ raw: [UInt8], where drop: (String) -> Bool) -> [UInt8] {
        let end = headerEnd(raw)
        var out: [UInt8] = []
        out.reserveCapacity(raw.count)
        var lineStart = 0
        var dropping = false
        while lineStart < end {
            var lineEnd = lineStart
            while lineEnd < end, raw[lineEnd] != 0x0A { lineEnd += 1 }
            let next = min(lineEnd + 1, end)
            let line = raw[lineStart..<next]
            let isContinuation = line.first == 0x20 || line.first == 0x09
            if !isContinuation {
                let name = line.firstIndex(of: 0x3A).map { String(decoding: raw[lineStart..<$0], as: UTF8.self) } ?? ""
                dropping = drop(name.trimmingSpaces)
            }
            if !dropping { out += line }
            lineStart = next
        }
        out += raw[end...]
        return out
    }

    /// Decodes RFC 2047 encoded words (B and Q, UTF-8 and Latin-1) in a header value.
    public static func decodeHeaderText(_ value: String) -> String {
        guard value.containsBytes("=?") else { return value }
        var out = ""
        var rest = Substring(value)
        var lastWasEncoded = false
        while let start = rest.range(of: "=?") {
            let before = rest[..<start.lowerBound]
            if !(lastWasEncoded && before.unicodeScalars.allSatisfy({ $0 == " " || $0 == "\t" || $0 == "\r" || $0 == "\n" })) {
                out += before
            }
            let body = rest[start.upperBound...]
            let parts = body.split(separator: "?", maxSplits: 3, omittingEmptySubsequences: false)
            guard parts.count == 4, parts[3].hasPrefix("=") else {
                out += "=?"
                rest = body
                lastWasEncoded = false
                continue
            }
            let charset = parts[0].lowercased(), encoding = parts[1].uppercased(), text = String(parts[2])
            var bytes: [UInt8]?
            if encoding == "B" {
                bytes = Data(base64Encoded: text).map(Array.init)
            } else if encoding == "Q" {
                bytes = Array(URIEncodingLite.decodeQ(text))
            }
            if let bytes {
                out +=
                    charset == "iso-8859-1" || charset == "latin1"
                    ? String(bytes.map { Character(Unicode.Scalar($0)) }) : String(decoding: bytes, as: UTF8.self)
            } else {
                out += "=?" + parts.joined(separator: "?")
            }
            rest = parts[3].dropFirst()
            lastWasEncoded = true
        }
        out += rest
        return out
    }

    /// Splits an address-list header (`a@b, "Name, Jr" <c@d>`) into mailboxes.
    public static func addressList(_ value: String) -> [EmailAddress] {
        var items: [String] = []
        var current = ""
        var inQuotes = false, inAngle = false
        for c in value {
            switch c {
            case "\"": inQuotes.toggle(); current.append(c)
            case "<": inAngle = true; current.append(c)
            case ">": inAngle = false; current.append(c)
            case "," where !inQuotes && !inAngle:
                items.append(current)
                current = ""
            default: current.append(c)
            }
        }
        items.append(current)
        return items.compactMap { item in
            let trimmed = item.trimmingSpaces
            return trimmed.isEmpty ? nil : EmailAddress.parse(decodeHeaderText(trimmed))
        }
    }
}

enum URIEncodingLite {
    /// RFC 2047 "Q" decoding: `_` is a space, `=XX` a byte.
    static func decodeQ(_ text: String) -> [UInt8] {
        var out: [UInt8] = []
        let bytes = Array(text.utf8)
        var i = 0
        while i < bytes.count {
            if bytes[i] == UInt8(ascii: "_") {
                out.append(0x20)
            } else if bytes[i] == UInt8(ascii: "="), i + 2 < bytes.count,
                let value = UInt8(String(decoding: bytes[(i + 1)...(i + 2)], as: UTF8.self), radix: 16)
            {
                out.append(value)
                i += 2
            } else {
                out.append(bytes[i])
            }
            i += 1
        }
        return out
    }
}

extension MIME {
    /// The first text/plain and text/html bodies of a message, decoded (for inspection of captured mail).
    public static func textParts(_ raw: [UInt8]) -> (text: String?, html: String?) {
        var text: String?, html: String?
        for part in leafParts(raw) where part.type == "text/plain" || part.type == "text/html" {
            let encoding = part.headers.first { $0.name.lowercased() == "content-transfer-encoding" }?.value.lowercased() ?? "7bit"
            var decoded: [UInt8]
            switch encoding {
            case "base64":
                let compact = String(decoding: part.body.filter { $0 != 0x0D && $0 != 0x0A && $0 != 0x20 }, as: UTF8.self)
                decoded = Data(base64Encoded: compact).map(Array.init) ?? part.body
            case "quoted-printable":
                decoded = decodeQuotedPrintable(part.body)
            default:
                decoded = part.body
            }
            var string = String(decoding: decoded, as: UTF8.self)
            if string.hasSuffix("\r\n") { string.removeLast() } else if string.hasSuffix("\n") { string.removeLast() }
            if part.type == "text/plain", text == nil { text = string }
            if part.type == "text/html", html == nil { html = string }
        }
        return (text, html)
    }

    static func parameter(_ name: String, in headerValue: String) -> String? {
        for piece in headerValue.split(separator: ";").dropFirst() {
            let pair = piece.split(separator: "=", maxSplits: 1)
            guard pair.count == 2, pair[0].trimmingSpaces.lowercased() == name else { continue }
            var value = pair[1].trimmingSpaces
            if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 { value = String(value.dropFirst().dropLast()) }
            return value
        }
        return nil
    }

    /// A part that is not multipart: its lowercased type, its headers and its (undecoded) body.
    public struct LeafPart: Sendable {
        public var type: String
        public var headers: [(name: String, value: String)]
        public var body: [UInt8]
    }

    /// Every non-multipart part, depth first (a message/rfc822 part is a leaf: not opened).
    public static func leafParts(_ raw: [UInt8]) -> [LeafPart] {
        var out: [LeafPart] = []
        collect(raw, depth: 0, into: &out)
        return out
    }

    static func collect(_ raw: [UInt8], depth: Int, into out: inout [LeafPart]) {
        guard depth < 8 else { return }
        let headers = self.headers(of: raw)
        let contentType = headers.first { $0.name.lowercased() == "content-type" }?.value ?? "text/plain"
        let type = contentType.split(separator: ";").first.map { $0.trimmingSpaces.lowercased() } ?? "text/plain"
        var bodyStart = headerEnd(raw)
        if bodyStart < raw.count, raw[bodyStart] == 0x0D { bodyStart += 1 }
        if bodyStart < raw.count, raw[bodyStart] == 0x0A { bodyStart += 1 }
        let body = Array(raw[min(bodyStart, raw.count)...])
        guard type.hasPrefix("multipart/"), let boundary = parameter("boundary", in: contentType) else {
            out.append(LeafPart(type: type, headers: headers, body: body))
            return
        }
        for part in multipartBodies(body, boundary: boundary, keepingLastLineBreak: true) { collect(part, depth: depth + 1, into: &out) }
    }

    static func decodeQuotedPrintable(_ body: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        var i = 0
        while i < body.count {
            let c = body[i]
            if c == UInt8(ascii: "=") {
                if i + 1 < body.count, body[i + 1] == 0x0A {
                    i += 2
                    continue
                }
                if i + 2 < body.count, body[i + 1] == 0x0D, body[i + 2] == 0x0A {
                    i += 3
                    continue
                }
                if i + 2 < body.count, let v = UInt8(String(decoding: body[(i + 1)...(i + 2)], as: UTF8.self), radix: 16) {
                    out.append(v)
                    i += 3
                    continue
                }
            }
            out.append(c)
            i += 1
        }
        return out
    }
}

extension MIME {
    /// The parts of a multipart body between its boundary lines. The line break before a
    /// boundary belongs to the boundary (RFC 2046); `keepingLastLineBreak` leaves it on the part,
    /// as the text-part reading before the workbench expected.
    static func multipartBodies(_ body: [UInt8], boundary: String, keepingLastLineBreak: Bool) -> [[UInt8]] {
        let delimiter = Array(("--" + boundary).utf8)
        var parts: [[UInt8]] = []
        var current: [UInt8]?
        func close(_ part: [UInt8]) {
            var part = part
            if !keepingLastLineBreak {
                if part.last == 0x0A { part.removeLast() }
                if part.last == 0x0D { part.removeLast() }
            }
            parts.append(part)
        }
        for line in body.split(separator: 0x0A, omittingEmptySubsequences: false) {
            let trimmed = line.last == 0x0D ? line.dropLast() : line
            if trimmed.starts(with: delimiter) {
                if let part = current { close(part) }
                if trimmed.count >= delimiter.count + 2, trimmed.dropFirst(delimiter.count).starts(with: [0x2D, 0x2D]) {
                    current = nil
                    break
                }
                current = []
            } else if current != nil {
                current! += line + [0x0A]
            }
        }
        if let part = current { close(part) }
        return parts
    }
}
