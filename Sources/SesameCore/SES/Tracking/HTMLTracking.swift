import Foundation

/// SES's open and click tracking, applied to an HTML body: each `http`/`https` link of an `<a>`
/// tag is replaced by a tracked link (unless the tag carries `ses:no-track`), its `ses:tags`
/// (`key:value;key:value`) become the Click event's `linkTags`, and a one-pixel image that
/// reports the Open is added at the end of the body.
public enum HTMLTracking {
    public struct Link: Sendable, Equatable {
        /// The link as the reader's browser would follow it (character references decoded).
        public var url: String
        public var tags: [String: [String]]
    }

    /// `html` with links passed through `link` (nil: links untouched) and the open pixel
    /// `pixelURL` added (nil: none).
    public static func rewrite(_ html: String, pixelURL: String?, link: ((Link) -> String)?) -> String {
        var out = link.map { rewriteLinks(html, $0) } ?? html
        if let pixelURL {
            let image =
                #"<img alt="" src="\#(escapeAttribute(pixelURL))" width="1" height="1" border="0" style="height:1px !important;width:1px !important;border-width:0 !important;margin:0 !important;padding:0 !important" />"#
            if let close = out.range(of: "</body", options: [.caseInsensitive, .backwards]) {
                out.insert(contentsOf: image, at: close.lowerBound)
            } else {
                out += image
            }
        }
        return out
    }

    static func rewriteLinks(_ html: String, _ link: (Link) -> String) -> String {
        let bytes = Array(html.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + 512)
        var i = 0
        var copied = 0
        while i + 2 < bytes.count {
            // `<a` followed by whitespace: an anchor's start tag.
            guard bytes[i] == 0x3C, bytes[i + 1] | 0x20 == 0x61, isSpace(bytes[i + 2]) else {
                i += 1
                continue
            }
            let attributes = parseAttributes(bytes, from: i + 2)
            defer { i = max(attributes.end, i + 1) }
            guard let href = attributes.list.first(where: { $0.name == "href" }), let valueRange = href.valueRange,
                !attributes.list.contains(where: { $0.name == "ses:no-track" })
            else { continue }
            let url = decodeReferences(String(decoding: bytes[valueRange], as: UTF8.self)).trimmingSpaces
            let lower = url.lowercased()
            guard lower.hasPrefix("http://") || lower.hasPrefix("https://") else { continue }
            let tagsValue = attributes.list.first(where: { $0.name == "ses:tags" })?.valueRange.map {
                decodeReferences(String(decoding: bytes[$0], as: UTF8.self))
            }
            let replacement = link(Link(url: url, tags: parseTags(tagsValue ?? "")))
            // Replace the value, quotes included, with a double-quoted attribute value.
            out += bytes[copied..<href.quotedRange.lowerBound]
            out += Array("\"\(escapeAttribute(replacement))\"".utf8)
            copied = href.quotedRange.upperBound
        }
        out += bytes[copied...]
        return String(decoding: out, as: UTF8.self)
    }

    struct Attribute {
        var name: String
        /// The value without its quotes, and with them (for replacement).
        var valueRange: Range<Int>?
        var quotedRange: Range<Int>
    }

    /// The attributes of a start tag from `start` to its `>`; `end` is just past the `>`.
    static func parseAttributes(_ bytes: [UInt8], from start: Int) -> (list: [Attribute], end: Int) {
        var list: [Attribute] = []
        var i = start
        while i < bytes.count {
            while i < bytes.count, isSpace(bytes[i]) || bytes[i] == 0x2F { i += 1 }
            guard i < bytes.count, bytes[i] != 0x3E else { return (list, min(i + 1, bytes.count)) }
            let nameStart = i
            while i < bytes.count, !isSpace(bytes[i]), bytes[i] != 0x3D, bytes[i] != 0x3E, bytes[i] != 0x2F { i += 1 }
            let name = String(decoding: bytes[nameStart..<i], as: UTF8.self).lowercased()
            while i < bytes.count, isSpace(bytes[i]) { i += 1 }
            guard i < bytes.count, bytes[i] == 0x3D else {
                list.append(Attribute(name: name, valueRange: nil, quotedRange: i..<i))
                continue
            }
            i += 1
            while i < bytes.count, isSpace(bytes[i]) { i += 1 }
            let valueStart = i
            if i < bytes.count, bytes[i] == 0x22 || bytes[i] == 0x27 {
                let quote = bytes[i]
                var j = i + 1
                while j < bytes.count, bytes[j] != quote { j += 1 }
                list.append(Attribute(name: name, valueRange: (i + 1)..<j, quotedRange: valueStart..<min(j + 1, bytes.count)))
                i = min(j + 1, bytes.count)
            } else {
                while i < bytes.count, !isSpace(bytes[i]), bytes[i] != 0x3E { i += 1 }
                list.append(Attribute(name: name, valueRange: valueStart..<i, quotedRange: valueStart..<i))
            }
        }
        return (list, bytes.count)
    }

    /// `ses:tags="product:book;genre:fiction;"` → ["product": ["book"], "genre": ["fiction"]].
    public static func parseTags(_ value: String) -> [String: [String]] {
        var tags: [String: [String]] = [:]
        for pair in value.split(separator: ";") {
            let parts = pair.split(separator: ":", maxSplits: 1)
            guard parts.count == 2 else { continue }
            let key = parts[0].trimmingSpaces, tagValue = parts[1].trimmingSpaces
            guard !key.isEmpty else { continue }
            tags[key, default: []].append(tagValue)
        }
        return tags
    }

    static func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D || byte == 0x0C }

    /// The character references a link commonly carries (`&amp;`, `&#38;`, `&#x26;`, …).
    static func decodeReferences(_ text: String) -> String {
        guard text.contains("&") else { return text }
        var out = ""
        var rest = Substring(text)
        while let amp = rest.firstIndex(of: "&") {
            out += rest[..<amp]
            let tail = rest[amp...]
            guard let semi = tail.prefix(12).firstIndex(of: ";") else {
                out += "&"
                rest = rest[rest.index(after: amp)...]
                continue
            }
            let entity = String(tail[tail.index(after: amp)..<semi])
            let named = ["amp": "&", "lt": "<", "gt": ">", "quot": "\"", "apos": "'"]
            var decoded: String?
            if let value = named[entity.lowercased()] {
                decoded = value
            } else if entity.hasPrefix("#x") || entity.hasPrefix("#X"), let code = UInt32(entity.dropFirst(2), radix: 16) {
                decoded = Unicode.Scalar(code).map { String(Character($0)) }
            } else if entity.hasPrefix("#"), let code = UInt32(entity.dropFirst()) {
                decoded = Unicode.Scalar(code).map { String(Character($0)) }
            }
            if let decoded {
                out += decoded
                rest = rest[rest.index(after: semi)...]
            } else {
                out += "&"
                rest = rest[rest.index(after: amp)...]
            }
        }
        return out + rest
    }

    static func escapeAttribute(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "\"", with: "&quot;")
            .replacingOccurrences(of: "<", with: "&lt;")
    }
}
