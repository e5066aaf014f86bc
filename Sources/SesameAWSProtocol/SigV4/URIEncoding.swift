/// Percent-encoding and decoding as AWS Signature V4 defines them (RFC 3986 unreserved set kept).
public enum URIEncoding {
    static let hex: [UInt8] = Array("0123456789ABCDEF".utf8)

    @inline(__always)
    static func isUnreserved(_ c: UInt8) -> Bool {
        (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || (c >= 0x30 && c <= 0x39)
            || c == 0x2D || c == 0x2E || c == 0x5F || c == 0x7E
    }

    /// Encodes every byte outside `A-Za-z0-9-._~` (and `/` when `keepSlash`).
    public static func encode(_ text: some Sequence<UInt8>, keepSlash: Bool = false) -> String {
        var out: [UInt8] = []
        for c in text {
            if isUnreserved(c) || (keepSlash && c == 0x2F) {
                out.append(c)
            } else {
                out.append(0x25)
                out.append(hex[Int(c >> 4)])
                out.append(hex[Int(c & 0x0F)])
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    public static func encode(_ text: String, keepSlash: Bool = false) -> String {
        encode(text.utf8, keepSlash: keepSlash)
    }

    static func hexValue(_ c: UInt8) -> UInt8? {
        switch c {
        case 0x30...0x39: c - 0x30
        case 0x41...0x46: c - 0x41 + 10
        case 0x61...0x66: c - 0x61 + 10
        default: nil
        }
    }

    /// Decodes `%XX` escapes; with `plusAsSpace` (HTML forms) `+` becomes a space.
    /// Malformed escapes are kept as they are.
    public static func decode(_ text: some Collection<UInt8>, plusAsSpace: Bool) -> String {
        // Most names and values have no escape at all: one scan, one copy.
        if !text.contains(where: { $0 == 0x25 || ($0 == 0x2B && plusAsSpace) }) {
            return text.withContiguousStorageIfAvailable { String(decoding: $0, as: UTF8.self) }
                ?? String(decoding: Array(text), as: UTF8.self)
        }
        var out: [UInt8] = []
        out.reserveCapacity(text.count)
        var index = text.startIndex
        while index != text.endIndex {
            let c = text[index]
            if c == 0x25 {
                let i1 = text.index(after: index)
                if i1 != text.endIndex {
                    let i2 = text.index(after: i1)
                    if i2 != text.endIndex, let h = hexValue(text[i1]), let l = hexValue(text[i2]) {
                        out.append(h << 4 | l)
                        index = text.index(after: i2)
                        continue
                    }
                }
                out.append(c)
            } else if c == 0x2B && plusAsSpace {
                out.append(0x20)
            } else {
                out.append(c)
            }
            index = text.index(after: index)
        }
        return String(decoding: out, as: UTF8.self)
    }

    public static func decode(_ text: String, plusAsSpace: Bool) -> String {
        decode(Array(text.utf8), plusAsSpace: plusAsSpace)
    }

    /// Splits `a=1&b=2` into decoded pairs, in order. A key without `=` has an empty value.
    public static func parsePairs(_ text: [UInt8], plusAsSpace: Bool) -> [(String, String)] {
        text.withUnsafeBufferPointer { parsePairs($0, plusAsSpace: plusAsSpace) }
    }

    public static func parsePairs(_ text: some Collection<UInt8>, plusAsSpace: Bool) -> [(String, String)] {
        var pairs: [(String, String)] = []
        for part in text.split(separator: 0x26, omittingEmptySubsequences: true) {
            if let eq = part.firstIndex(of: 0x3D) {
                pairs.append(
                    (
                        decode(part[part.startIndex..<eq], plusAsSpace: plusAsSpace),
                        decode(part[part.index(after: eq)...], plusAsSpace: plusAsSpace)
                    ))
            } else {
                pairs.append((decode(part, plusAsSpace: plusAsSpace), ""))
            }
        }
        return pairs
    }
}
