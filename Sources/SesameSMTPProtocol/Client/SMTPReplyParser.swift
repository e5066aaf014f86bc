/// Splits a server's bytes into replies (`250-first` … `250 last`). Pure: the client's NIO
/// handler feeds it whatever arrives and takes out whole replies.
public struct SMTPReplyParser: Sendable {
    public struct Malformed: Error, CustomStringConvertible {
        public var line: String
        public var description: String { "malformed SMTP reply line: \(line.prefix(80))" }
    }

    var buffer: [UInt8] = []
    var pendingLines: [String] = []
    var pendingLength = 0
    var pendingCode: Int?
    /// A reply line longer than this is refused (RFC 5321 allows 512 octets).
    public var maxLineLength = 4096
    /// A reply (all its lines) longer than this is refused: a server cannot grow a reply without
    /// end with `250-` lines. The longest EHLO replies are well under 2 KB.
    public var maxReplyLength = 16 * 1024

    public init() {}

    /// Whether bytes or lines of an unfinished reply are held.
    public var hasBufferedInput: Bool { !buffer.isEmpty || !pendingLines.isEmpty }

    public mutating func append<C: Collection>(_ bytes: C) where C.Element == UInt8 { buffer.append(contentsOf: bytes) }

    /// The next whole reply, nil if more bytes are needed.
    public mutating func next() throws(Malformed) -> SMTPReply? {
        // Lines are read from `start` on and the bytes read are dropped once, on the way out: a
        // read full of short lines costs linear time, not a shift of the buffer per line.
        var start = 0
        defer { if start > 0 { buffer.removeFirst(start) } }
        while let newline = buffer[start...].firstIndex(of: UInt8(ascii: "\n")) {
            var end = newline
            if end > start && buffer[end - 1] == UInt8(ascii: "\r") { end -= 1 }
            let bytes = Array(buffer[start..<end])
            start = newline + 1
            let line = String(decoding: bytes, as: UTF8.self)
            guard bytes.count >= 3, bytes.count <= maxLineLength, bytes[0...2].allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
                let code = Int(String(line.prefix(3))),
                bytes.count == 3 || bytes[3] == UInt8(ascii: " ") || bytes[3] == UInt8(ascii: "-")
            else { throw Malformed(line: line) }
            if let pendingCode, pendingCode != code { throw Malformed(line: line) }
            pendingLength += bytes.count
            guard pendingLength <= maxReplyLength else { throw Malformed(line: "a reply longer than \(maxReplyLength) bytes: " + line) }
            let text = bytes.count > 4 ? String(line.dropFirst(4)) : ""
            pendingLines.append(text)
            pendingCode = code
            if bytes.count == 3 || bytes[3] == UInt8(ascii: " ") {
                defer {
                    pendingLines = []
                    pendingLength = 0
                    pendingCode = nil
                }
                return SMTPReply(code: code, lines: pendingLines)
            }
        }
        if buffer.count - start > maxLineLength {
            throw Malformed(line: String(decoding: buffer[start...].prefix(80), as: UTF8.self))
        }
        return nil
    }
}

/// Prepares a stored message for DATA: every line ended by CRLF (a bare LF becomes CRLF), a
/// leading dot doubled (RFC 5321 4.5.2), and the terminating `.` line appended.
public enum SMTPDotStuffing {
    public static func encode(_ raw: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(raw.count + raw.count / 64 + 8)
        var atLineStart = true
        var previous: UInt8 = 0
        for byte in raw {
            if byte == UInt8(ascii: "\n") && previous != UInt8(ascii: "\r") { out.append(UInt8(ascii: "\r")) }
            if atLineStart && byte == UInt8(ascii: ".") { out.append(UInt8(ascii: ".")) }
            out.append(byte)
            atLineStart = byte == UInt8(ascii: "\n")
            previous = byte
        }
        if !atLineStart {
            if previous == UInt8(ascii: "\r") { out.append(UInt8(ascii: "\n")) } else { out.append(contentsOf: [13, 10]) }
        }
        out.append(contentsOf: Array(".\r\n".utf8))
        return out
    }
}
