public import Foundation

/// Rewriting the HTML parts of a message in place: every other byte is kept as it was.
extension MIME {
    /// `raw` with each `text/html` part's decoded text passed through `transform` and encoded
    /// again (base64 stays base64, quoted-printable stays quoted-printable; 7bit and 8bit stay as
    /// they are unless a line grows past 998 bytes, then the part becomes base64). Parts in a
    /// charset other than UTF-8, US-ASCII or ISO-8859-1 are left alone.
    public static func rewritingHTML(_ raw: [UInt8], _ transform: (String) -> String) -> [UInt8] {
        rewrite(raw[...], depth: 0, transform)
    }

    static func rewrite(_ part: ArraySlice<UInt8>, depth: Int, _ transform: (String) -> String) -> [UInt8] {
        let bytes = Array(part)
        guard depth < 8 else { return bytes }
        let headers = self.headers(of: bytes)
        func header(_ name: String) -> String? { headers.first { $0.name.lowercased() == name }?.value }
        let contentType = header("content-type") ?? "text/plain"
        let type = contentType.split(separator: ";").first.map { $0.trimmingSpaces.lowercased() } ?? "text/plain"
        let end = headerEnd(bytes)
        var bodyStart = end
        if bodyStart < bytes.count, bytes[bodyStart] == 0x0D { bodyStart += 1 }
        if bodyStart < bytes.count, bytes[bodyStart] == 0x0A { bodyStart += 1 }
        guard bodyStart <= bytes.count else { return bytes }
        if type.hasPrefix("multipart/"), let boundary = parameter("boundary", in: contentType) {
            return Array(bytes[..<bodyStart]) + rewriteMultipart(bytes[bodyStart...], boundary: boundary, depth: depth, transform)
        }
        guard type == "text/html" else { return bytes }
        let encoding = (header("content-transfer-encoding") ?? "7bit").trimmingSpaces.lowercased()
        let charset = (parameter("charset", in: contentType) ?? "utf-8").lowercased()
        let stringEncoding: String.Encoding
        switch charset {
        case "utf-8", "utf8", "us-ascii", "ascii": stringEncoding = .utf8
        case "iso-8859-1", "latin1", "iso_8859-1": stringEncoding = .isoLatin1
        default: return bytes
        }
        // The line break before the next boundary belongs to the boundary: keep it aside.
        var body = Array(bytes[bodyStart...])
        var trailer: [UInt8] = []
        if body.last == 0x0A {
            trailer = body.count > 1 && body[body.count - 2] == 0x0D ? [0x0D, 0x0A] : [0x0A]
            body.removeLast(trailer.count)
        }
        let decoded: [UInt8]
        switch encoding {
        case "base64":
            let compact = String(decoding: body.filter { $0 != 0x0D && $0 != 0x0A && $0 != 0x20 && $0 != 0x09 }, as: UTF8.self)
            guard let data = Data(base64Encoded: compact) else { return bytes }
            decoded = Array(data)
        case "quoted-printable": decoded = decodeQuotedPrintable(body)
        default: decoded = body
        }
        guard let text = String(data: Data(decoded), encoding: stringEncoding) else { return bytes }
        let rewritten = transform(text)
        guard rewritten != text, let out = rewritten.data(using: stringEncoding).map(Array.init) else { return bytes }
        switch encoding {
        case "base64":
            return Array(bytes[..<bodyStart]) + Array(base64Lines(out).utf8) + (trailer.isEmpty ? [0x0D, 0x0A] : trailer)
        case "quoted-printable":
            return Array(bytes[..<bodyStart]) + encodeQuotedPrintable(out) + trailer
        default:
            let longest = out.split(separator: 0x0A, omittingEmptySubsequences: false).map(\.count).max() ?? 0
            if longest <= 998 { return Array(bytes[..<bodyStart]) + out + trailer }
            // Too long for 7bit/8bit: the part becomes base64, its other headers unchanged.
            let kept = removingHeaders(Array(bytes[..<bodyStart])) { $0.lowercased() == "content-transfer-encoding" }
            let headerBytes = Array(kept[..<headerEnd(kept)])
            return headerBytes + Array("Content-Transfer-Encoding: base64\r\n\r\n".utf8) + Array(base64Lines(out).utf8) + [0x0D, 0x0A]
        }
    }

    /// The body of a multipart part with each of its parts rewritten; the delimiter lines, the
    /// preamble and the epilogue are kept byte for byte.
    static func rewriteMultipart(
        _ body: ArraySlice<UInt8>, boundary: String, depth: Int, _ transform: (String) -> String
    ) -> [UInt8] {
        let delimiter = Array(("--" + boundary).utf8)
        var out: [UInt8] = []
        out.reserveCapacity(body.count + 1024)
        var partStart: Int? = nil
        var lineStart = body.startIndex
        while lineStart < body.endIndex {
            let lineEnd = body[lineStart...].firstIndex(of: 0x0A).map { $0 + 1 } ?? body.endIndex
            let line = body[lineStart..<lineEnd]
            if line.starts(with: delimiter) {
                if let start = partStart {
                    out += rewrite(body[start..<lineStart], depth: depth + 1, transform)
                } else {
                    out += body[body.startIndex..<lineStart]  // the preamble
                }
                out += line
                let rest = line.dropFirst(delimiter.count)
                if rest.starts(with: [0x2D, 0x2D]) {
                    out += body[lineEnd...]  // the epilogue
                    return out
                }
                partStart = lineEnd
            }
            lineStart = lineEnd
        }
        // No closing delimiter: the last part runs to the end.
        if let start = partStart {
            out += rewrite(body[start...], depth: depth + 1, transform)
        } else {
            out += body
        }
        return out
    }

    /// Quoted-printable (RFC 2045 §6.7): lines of at most 76 characters, CRLF line breaks.
    static func encodeQuotedPrintable(_ bytes: [UInt8]) -> [UInt8] {
        let hex = Array("0123456789ABCDEF".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + bytes.count / 8)
        let lines = bytes.split(separator: 0x0A, omittingEmptySubsequences: false)
        for (index, rawLine) in lines.enumerated() {
            if index > 0 { out += [0x0D, 0x0A] }
            let line = rawLine.last == 0x0D ? rawLine.dropLast() : rawLine
            var length = 0
            for (offset, byte) in zip(line.indices, line) {
                let last = offset == line.index(before: line.endIndex)
                let literal = (byte >= 33 && byte <= 126 && byte != 0x3D) || ((byte == 0x20 || byte == 0x09) && !last)
                let width = literal ? 1 : 3
                if length + width > 75 {
                    out += [0x3D, 0x0D, 0x0A]
                    length = 0
                }
                if literal {
                    out.append(byte)
                } else {
                    out += [0x3D, hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]]
                }
                length += width
            }
        }
        return out
    }
}
