import Foundation

/// What the workbench derives from a message's bodies: readable text from HTML, a short
/// snippet, and the links a reader could follow.
public enum MailText {
    /// The text an HTML body shows: scripts and styles dropped, tags removed, the common
    /// entities decoded, whitespace collapsed.
    public static func plainText(fromHTML html: String) -> String {
        var out = ""
        out.reserveCapacity(html.utf8.count / 2)
        var rest = Substring(html)
        while let open = rest.firstIndex(of: "<") {
            out += rest[..<open]
            let tail = rest[open...]
            let lower = tail.prefix(8).lowercased()
            var skipTo: String?
            if lower.hasPrefix("<script") { skipTo = "</script>" }
            if lower.hasPrefix("<style") { skipTo = "</style>" }
            if lower.hasPrefix("<!--") { skipTo = "-->" }
            if let skipTo, let end = tail.range(of: skipTo, options: .caseInsensitive) {
                rest = tail[end.upperBound...]
                out += " "
                continue
            }
            guard let close = tail.firstIndex(of: ">") else { break }
            // Block elements end a word.
            out += " "
            rest = tail[tail.index(after: close)...]
        }
        if rest.firstIndex(of: "<") == nil { out += rest }
        return collapsed(decodeEntities(out))
    }

    static func decodeEntities(_ text: String) -> String {
        guard text.contains("&") else { return text }
        var out = text
        for (entity, value) in [("&nbsp;", " "), ("&lt;", "<"), ("&gt;", ">"), ("&quot;", "\""), ("&#39;", "'"), ("&apos;", "'")] {
            out = out.replacingOccurrences(of: entity, with: value)
        }
        return out.replacingOccurrences(of: "&amp;", with: "&")
    }

    /// Runs of whitespace become one space; leading and trailing whitespace goes.
    public static func collapsed(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        var pendingSpace = false
        for scalar in text.unicodeScalars {
            if scalar.properties.isWhitespace {
                pendingSpace = !out.isEmpty
            } else {
                if pendingSpace { out.unicodeScalars.append(" ") }
                pendingSpace = false
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// Up to 250 characters of the text body (or of the HTML body's text), on one line.
    public static func snippet(text: String?, html: String?) -> String {
        let source = text.map(collapsed) ?? html.map(plainText(fromHTML:)) ?? ""
        return String(source.prefix(250))
    }

    /// Every http and https link, in order of appearance, each once: the `href`s of the HTML
    /// body, then those written out in the text body.
    public static func links(text: String?, html: String?) -> [String] {
        var seen = Set<String>()
        var out: [String] = []
        func add(_ link: String) {
            let trimmed = link.trimmingSpaces
            let lower = trimmed.lowercased()
            guard lower.hasPrefix("http://") || lower.hasPrefix("https://"), trimmed.count > 8, seen.insert(trimmed).inserted else {
                return
            }
            out.append(trimmed)
        }
        if let html {
            var rest = Substring(html)
            while let found = rest.range(of: "href", options: .caseInsensitive) {
                rest = rest[found.upperBound...].drop { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
                guard rest.first == "=" else { continue }
                rest = rest.dropFirst().drop { $0 == " " || $0 == "\t" }
                if let quote = rest.first, quote == "\"" || quote == "'" {
                    rest = rest.dropFirst()
                    guard let end = rest.firstIndex(of: quote) else { break }
                    add(decodeEntities(String(rest[..<end])))
                    rest = rest[end...]
                } else {
                    let end = rest.firstIndex { $0 == " " || $0 == ">" || $0 == "\t" || $0 == "\n" } ?? rest.endIndex
                    add(decodeEntities(String(rest[..<end])))
                    rest = rest[end...]
                }
            }
        }
        if let text {
            var rest = Substring(text)
            while let found = rest.range(of: "http", options: .caseInsensitive) {
                let candidate = rest[found.lowerBound...]
                let end =
                    candidate.firstIndex { $0.isWhitespace || $0 == "<" || $0 == ">" || $0 == "\"" || $0 == ")" || $0 == "]" }
                    ?? candidate.endIndex
                var link = String(candidate[..<end])
                while let last = link.last, ".,;:!?'".contains(last) { link.removeLast() }
                add(link)
                rest = candidate[end...]
            }
        }
        return out
    }
}
