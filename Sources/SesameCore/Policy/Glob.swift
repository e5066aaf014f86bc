/// A pattern with `*` (any run of characters, `:` and `/` included) and `?` (one character),
/// compiled once and matched many times.
public struct Glob: Sendable, Equatable {
    let pattern: [UInt8]
    let caseInsensitive: Bool
    let isLiteral: Bool
    let isMatchAll: Bool

    public init(_ text: String, caseInsensitive: Bool) {
        let source = caseInsensitive ? text.lowercased() : text
        self.pattern = Array(source.utf8)
        self.caseInsensitive = caseInsensitive
        self.isLiteral = !pattern.contains(UInt8(ascii: "*")) && !pattern.contains(UInt8(ascii: "?"))
        self.isMatchAll = source == "*"
    }

    public func matches(_ text: String) -> Bool {
        if isMatchAll { return true }
        let subject = caseInsensitive ? text.lowercased() : text
        if isLiteral { return subject.utf8.elementsEqual(pattern) }
        return Self.match(pattern: pattern, subject: Array(subject.utf8))
    }

    /// Iterative wildcard matching with a single backtrack point: linear in practice.
    /// Works on UTF-8 bytes; `?` matches one byte, which is exact for the ASCII of ARNs and actions.
    static func match(pattern: [UInt8], subject: [UInt8]) -> Bool {
        var p = 0, s = 0
        var starP = -1, starS = 0
        let star = UInt8(ascii: "*"), question = UInt8(ascii: "?")
        while s < subject.count {
            if p < pattern.count, pattern[p] == question || pattern[p] == subject[s] {
                p += 1
                s += 1
            } else if p < pattern.count, pattern[p] == star {
                starP = p
                starS = s
                p += 1
            } else if starP >= 0 {
                p = starP + 1
                starS += 1
                s = starS
            } else {
                return false
            }
        }
        while p < pattern.count, pattern[p] == star { p += 1 }
        return p == pattern.count
    }
}
