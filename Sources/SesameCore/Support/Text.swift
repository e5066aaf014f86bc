extension StringProtocol {
    /// The text without leading and trailing spaces and tabs. Byte-level: Foundation's
    /// `trimmingCharacters(in:)` is slow on Linux and this runs for every header and command.
    // Inlinable, so callers in other modules get a version for their concrete type.
    @inlinable
    public var trimmingSpaces: String {
        var lo = 0, hi = 0, index = 0
        var seenText = false
        for byte in utf8 {
            index += 1
            if byte == 0x20 || byte == 0x09 {
                if !seenText { lo = index }
            } else {
                seenText = true
                hi = index
            }
        }
        if !seenText { return "" }
        if lo == 0 && hi == index, let text = self as? String { return text }
        return String(decoding: utf8.dropFirst(lo).prefix(hi - lo), as: UTF8.self)
    }

    /// Whether the UTF-8 of `needle` occurs in the text (a byte search, without Foundation).
    public func containsBytes(_ needle: String) -> Bool {
        let hay = Array(utf8), pattern = Array(needle.utf8)
        guard !pattern.isEmpty else { return true }
        guard hay.count >= pattern.count else { return false }
        outer: for start in 0...(hay.count - pattern.count) {
            for offset in 0..<pattern.count where hay[start + offset] != pattern[offset] { continue outer }
            return true
        }
        return false
    }
}
