/// A mailbox as SES reads it: an optional display name and an `local@domain` address.
public struct EmailAddress: Sendable, Equatable, CustomStringConvertible {
    public var displayName: String?
    public var address: String

    public init(displayName: String? = nil, address: String) {
        self.displayName = displayName
        self.address = address
    }

    /// The part after `@`, lowercased (domains compare case-insensitively).
    public var domain: String {
        guard let at = address.lastIndex(of: "@") else { return "" }
        return address[address.index(after: at)...].lowercased()
    }

    public var description: String {
        if let displayName, !displayName.isEmpty { return "\(displayName) <\(address)>" }
        return address
    }

    /// Parses `a@b.example`, `<a@b.example>` or `Name <a@b.example>` (quotes around the name allowed).
    public static func parse(_ text: String) -> EmailAddress? {
        let trimmed = text.trimmingSpaces
        var name: String?
        var address = trimmed
        if trimmed.hasSuffix(">"), let open = trimmed.lastIndex(of: "<") {
            address = String(trimmed[trimmed.index(after: open)..<trimmed.index(before: trimmed.endIndex)])
            var displayName = trimmed[..<open].trimmingSpaces
            if displayName.hasPrefix("\""), displayName.hasSuffix("\""), displayName.count >= 2 {
                displayName = String(displayName.dropFirst().dropLast())
            }
            name = displayName.isEmpty ? nil : displayName
        }
        guard isValidAddress(address) else { return nil }
        return EmailAddress(displayName: name, address: address)
    }

    /// One `@`, a non-empty local part, a domain with a dot-free or dotted label set, no spaces or controls.
    public static func isValidAddress(_ address: String) -> Bool {
        // Byte-level and without copying: this runs several times for every message.
        var address = address
        return address.withUTF8 { bytes in
            guard bytes.count <= 320, let at = bytes.lastIndex(of: 0x40) else { return false }
            let localCount = at, domainCount = bytes.count - at - 1
            guard localCount > 0, localCount <= 64, domainCount > 0, domainCount <= 255 else { return false }
            for byte in bytes where byte <= 0x20 || byte == 0x3C || byte == 0x3E || byte == 0x2C || byte == 0x3B || byte == 0x7F {
                return false
            }
            if bytes[..<at].contains(0x40) && !(bytes[0] == 0x22 && bytes[at - 1] == 0x22) { return false }
            return isValidDomain(bytes: UnsafeBufferPointer(rebasing: bytes[(at + 1)...]))
        }
    }

    public static func isValidDomain(_ domain: String) -> Bool {
        var domain = domain
        return domain.withUTF8 { isValidDomain(bytes: $0) }
    }

    /// Labels of 1–63 letters, digits, `-` (not first or last), `_` or non-ASCII bytes, joined by dots; at most 127.
    static func isValidDomain(bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var labels = 0, length = 0
        var previous: UInt8 = 0
        for c in bytes {
            if c == 0x2E {
                guard length > 0, previous != 0x2D else { return false }
                labels += 1
                length = 0
            } else {
                let allowed =
                    c >= 0x80 || (c >= 0x61 && c <= 0x7A) || (c >= 0x41 && c <= 0x5A) || (c >= 0x30 && c <= 0x39) || c == 0x2D || c == 0x5F
                guard allowed, !(length == 0 && c == 0x2D) else { return false }
                length += 1
                guard length <= 63 else { return false }
            }
            previous = c
        }
        guard length > 0, previous != 0x2D else { return false }
        return labels + 1 <= 127
    }
}
