import Crypto
public import Foundation

/// DKIM signing (RFC 6376) with relaxed/relaxed canonicalization and rsa-sha256. Pure: the RSA
/// signature itself is passed in, so this file knows no key formats.
public enum DKIM {
    /// The header fields signed when present (the usual set, as SES and most MTAs sign).
    public static let signedHeaders = [
        "from", "sender", "reply-to", "subject", "date", "message-id", "to", "cc", "mime-version", "content-type",
        "content-transfer-encoding", "content-id", "content-description", "in-reply-to", "references", "list-id",
        "list-unsubscribe", "list-unsubscribe-post", "feedback-id",
    ]

    /// The message with every line ended by CRLF (a bare LF becomes CRLF), as it goes on the wire.
    public static func normalizingLineEndings(_ raw: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(raw.count + raw.count / 50)
        var previous: UInt8 = 0
        for byte in raw {
            if byte == 0x0A && previous != 0x0D { out.append(0x0D) }
            out.append(byte)
            previous = byte
        }
        return out
    }

    /// Splits a CRLF message into its header fields (each with its folded lines, without the
    /// final CRLF) and its body.
    static func split(_ message: [UInt8]) -> (fields: [ArraySlice<UInt8>], body: ArraySlice<UInt8>) {
        var fields: [ArraySlice<UInt8>] = []
        var index = 0
        var fieldStart = 0
        while index + 1 < message.count {
            guard message[index] == 0x0D && message[index + 1] == 0x0A else {
                index += 1
                continue
            }
            if index == fieldStart {
                // The empty line: the body follows.
                return (fields, message[(index + 2)...])
            }
            let next = index + 2
            if next < message.count && (message[next] == 0x20 || message[next] == 0x09) {
                index = next  // a folded continuation line
                continue
            }
            fields.append(message[fieldStart..<index])
            fieldStart = next
            index = next
        }
        if fieldStart < message.count { fields.append(message[fieldStart...]) }
        return (fields, [])
    }

    static func isWSP(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 }

    static func fieldName(_ field: ArraySlice<UInt8>) -> String {
        let colon = field.firstIndex(of: UInt8(ascii: ":")) ?? field.endIndex
        return String(decoding: field[field.startIndex..<colon], as: UTF8.self).trimmingCharacters(in: .whitespaces).lowercased()
    }

    /// Relaxed header canonicalization: lowercase name, unfolded value, whitespace runs made one
    /// space, none around the colon or at the end. No CRLF is appended.
    public static func relaxedHeader<C: Collection>(_ field: C) -> [UInt8] where C.Element == UInt8 {
        let bytes = Array(field)
        let colon = bytes.firstIndex(of: UInt8(ascii: ":")) ?? bytes.count
        var out = Array(String(decoding: bytes[..<colon], as: UTF8.self).trimmingCharacters(in: .whitespaces).lowercased().utf8)
        out.append(UInt8(ascii: ":"))
        var value: [UInt8] = []
        var pendingSpace = false
        for byte in bytes[min(colon + 1, bytes.count)...] where byte != 0x0D && byte != 0x0A {
            if isWSP(byte) {
                pendingSpace = true
                continue
            }
            if pendingSpace && !value.isEmpty { value.append(0x20) }
            pendingSpace = false
            value.append(byte)
        }
        return out + value
    }

    /// Relaxed body canonicalization: whitespace runs made one space, none at line ends, no
    /// empty lines at the end, and a final CRLF when the body is not empty.
    public static func relaxedBody<C: Collection>(_ body: C) -> [UInt8] where C.Element == UInt8 {
        var lines: [[UInt8]] = []
        var line: [UInt8] = []
        var pendingSpace = false
        var bytes = Array(body)
        if !bytes.isEmpty && !(bytes.count >= 2 && bytes[bytes.count - 2] == 0x0D && bytes[bytes.count - 1] == 0x0A) {
            bytes += [0x0D, 0x0A]
        }
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == 0x0D && index + 1 < bytes.count && bytes[index + 1] == 0x0A {
                lines.append(line)
                line = []
                pendingSpace = false
                index += 2
                continue
            }
            if isWSP(byte) {
                pendingSpace = true
            } else {
                if pendingSpace { line.append(0x20) }
                pendingSpace = false
                line.append(byte)
            }
            index += 1
        }
        while let last = lines.last, last.isEmpty { lines.removeLast() }
        var out: [UInt8] = []
        for line in lines { out += line + [0x0D, 0x0A] }
        return out
    }

    /// Signs `message` (CRLF line endings) for `domain` with `selector`; returns the message with
    /// its `DKIM-Signature` field first. `sign` makes the RSA PKCS#1 v1.5 SHA-256 signature of
    /// the bytes it is given.
    public static func sign(
        _ message: [UInt8], domain: String, selector: String, time: Date, sign: ([UInt8]) throws -> [UInt8]
    ) rethrows -> [UInt8] {
        let (fields, body) = split(message)
        let bodyHash = Data(SHA256.hash(data: relaxedBody(body))).base64EncodedString()
        // Each signed name once per occurrence; occurrences are hashed from the bottom up.
        var byName: [String: [ArraySlice<UInt8>]] = [:]
        for field in fields { byName[fieldName(field), default: []].append(field) }
        var names: [String] = []
        var data: [UInt8] = []
        for name in signedHeaders {
            for field in (byName[name] ?? []).reversed() {
                names.append(name)
                data += relaxedHeader(field) + [0x0D, 0x0A]
            }
        }
        let value =
            "v=1; a=rsa-sha256; c=relaxed/relaxed; d=\(domain); s=\(selector);\r\n\tt=\(Int(time.timeIntervalSince1970)); "
            + "h=\(names.joined(separator: ":"));\r\n\tbh=\(bodyHash);\r\n\tb="
        data += relaxedHeader(Array("DKIM-Signature: \(value)".utf8))
        let signature = Data(try sign(data)).base64EncodedString()
        return Array("DKIM-Signature: \(value)\(signature)\r\n".utf8) + message
    }
}
