public import Foundation

/// An SES email template: a name and Handlebars-style parts.
public struct EmailTemplate: Sendable, Equatable {
    public var name: String
    public var subject: String?
    public var text: String?
    public var html: String?
    public var createdAt: Date

    public init(name: String, subject: String?, text: String?, html: String?, createdAt: Date) {
        self.name = name
        self.subject = subject
        self.text = text
        self.html = html
        self.createdAt = createdAt
    }
}

/// Renders SES template syntax: `{{name}}`, `{{user.name}}`, `{{{raw}}}`, `{{#if x}}…{{else}}…{{/if}}`,
/// `{{#unless x}}…{{/unless}}` and `{{#each list}}…{{this}}…{{/each}}`. A referenced attribute that
/// is missing from the data is an error, as in SES's TestRenderTemplate.
public enum TemplateRenderer {
    public struct Failure: Error, Equatable, Sendable {
        public enum Kind: Sendable { case missingAttribute, invalidData, invalidTemplate }
        public var kind: Kind
        public var message: String
    }

    /// Parses the template data (a JSON object).
    public static func parseData(_ json: String) throws(Failure) -> [String: Any] {
        guard let data = json.data(using: .utf8),
            let object = try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]) as? [String: Any]
        else {
            throw Failure(kind: .invalidData, message: "Template data must be a JSON object.")
        }
        return object
    }

    public static func render(_ template: String, data: [String: Any], escapeHTML: Bool) throws(Failure) -> String {
        var out = ""
        let scalars = Array(template.unicodeScalars)
        var index = 0
        try renderBlock(scalars, &index, context: [data], escapeHTML: escapeHTML, out: &out, until: nil)
        return out
    }

    enum Tag {
        case variable(String, raw: Bool)
        case open(String, String)  // helper, argument
        case elseTag
        case close(String)
    }

    static func readTag(_ s: [Unicode.Scalar], _ index: inout Int) throws(Failure) -> Tag? {
        guard index + 1 < s.count, s[index] == "{", s[index + 1] == "{" else { return nil }
        let triple = index + 2 < s.count && s[index + 2] == "{"
        let start = index + (triple ? 3 : 2)
        var end = start
        let closer: [Unicode.Scalar] = triple ? ["}", "}", "}"] : ["}", "}"]
        while end + closer.count <= s.count, Array(s[end..<(end + closer.count)]) != closer { end += 1 }
        guard end + closer.count <= s.count else { throw Failure(kind: .invalidTemplate, message: "Unclosed tag in template.") }
        var body = String(String.UnicodeScalarView(s[start..<end])).trimmingCharacters(in: .whitespaces)
        index = end + closer.count
        if triple { return .variable(body, raw: true) }
        if body.hasPrefix("#") {
            body.removeFirst()
            let parts = body.split(separator: " ", maxSplits: 1).map(String.init)
            guard let name = parts.first else { throw Failure(kind: .invalidTemplate, message: "A section tag has no name.") }
            return .open(name, parts.count > 1 ? parts[1].trimmingCharacters(in: .whitespaces) : "")
        }
        if body.hasPrefix("/") { return .close(String(body.dropFirst()).trimmingCharacters(in: .whitespaces)) }
        if body == "else" { return .elseTag }
        if body.hasPrefix("&") { return .variable(String(body.dropFirst()).trimmingCharacters(in: .whitespaces), raw: true) }
        return .variable(body, raw: false)
    }

    /// Renders until the closing tag of `until` (or the end); returns whether it stopped at `{{else}}`.
    @discardableResult
    static func renderBlock(
        _ s: [Unicode.Scalar], _ index: inout Int, context: [Any], escapeHTML: Bool, out: inout String, until: String?,
        skipping: Bool = false
    ) throws(Failure) -> Bool {
        while index < s.count {
            let save = index
            if let tag = try readTag(s, &index) {
                switch tag {
                case .variable(let name, let raw):
                    if skipping { continue }
                    let value = try lookup(name, context)
                    let text = stringify(value)
                    out += (escapeHTML && !raw) ? escape(text) : text
                case .open(let helper, let argument):
                    try renderHelper(helper, argument, s, &index, context: context, escapeHTML: escapeHTML, out: &out, skipping: skipping)
                case .elseTag:
                    if until != nil { return true }
                    throw Failure(kind: .invalidTemplate, message: "{{else}} outside a block.")
                case .close(let name):
                    if name == until { return false }
                    throw Failure(kind: .invalidTemplate, message: "Unexpected {{/\(name)}}.")
                }
            } else {
                index = save + 1
                if !skipping { out.unicodeScalars.append(s[save]) }
            }
        }
        if let until { throw Failure(kind: .invalidTemplate, message: "Missing {{/\(until)}}.") }
        return false
    }

    static func renderHelper(
        _ helper: String, _ argument: String, _ s: [Unicode.Scalar], _ index: inout Int, context: [Any], escapeHTML: Bool,
        out: inout String, skipping: Bool
    ) throws(Failure) {
        switch helper {
        case "if", "unless":
            let value = skipping ? nil : optionalLookup(argument, context)
            var truthy = isTruthy(value)
            if helper == "unless" { truthy.toggle() }
            var scratch = ""
            let sawElse = try renderBlock(
                s, &index, context: context, escapeHTML: escapeHTML, out: &scratch, until: helper, skipping: skipping || !truthy)
            if !skipping && truthy { out += scratch }
            if sawElse {
                var elseOut = ""
                try renderBlock(
                    s, &index, context: context, escapeHTML: escapeHTML, out: &elseOut, until: helper, skipping: skipping || truthy)
                if !skipping && !truthy { out += elseOut }
            }
        case "each":
            let items = skipping ? [] : ((optionalLookup(argument, context) as? [Any]) ?? [])
            let start = index
            if items.isEmpty {
                var scratch = ""
                let sawElse = try renderBlock(
                    s, &index, context: context, escapeHTML: escapeHTML, out: &scratch, until: "each", skipping: true)
                if sawElse {
                    try renderBlock(s, &index, context: context, escapeHTML: escapeHTML, out: &out, until: "each", skipping: skipping)
                }
                return
            }
            var end = start
            for item in items {
                end = start
                var piece = ""
                let sawElse = try renderBlock(s, &end, context: [item] + context, escapeHTML: escapeHTML, out: &piece, until: "each")
                out += piece
                if sawElse {
                    var ignored = ""
                    try renderBlock(s, &end, context: context, escapeHTML: escapeHTML, out: &ignored, until: "each", skipping: true)
                }
            }
            index = end
        default:
            throw Failure(kind: .invalidTemplate, message: "Unknown helper {{#\(helper)}}.")
        }
    }

    static func optionalLookup(_ path: String, _ context: [Any]) -> Any? {
        if path == "this" || path == "." { return context.first }
        let parts = path.split(separator: ".").map(String.init)
        for scope in context {
            var current: Any? = scope
            for part in parts {
                current = (current as? [String: Any])?[part]
                if current == nil { break }
            }
            if let current { return current }
        }
        return nil
    }

    static func lookup(_ path: String, _ context: [Any]) throws(Failure) -> Any {
        guard let value = optionalLookup(path, context) else {
            throw Failure(kind: .missingAttribute, message: "Attribute '\(path)' is not present in the rendering data.")
        }
        return value
    }

    static func isTruthy(_ value: Any?) -> Bool {
        switch value {
        case nil: return false
        case let b as Bool: return b
        case let n as NSNumber: return n.doubleValue != 0
        case let s as String: return !s.isEmpty
        case let a as [Any]: return !a.isEmpty
        case is NSNull: return false
        default: return true
        }
    }

    static func stringify(_ value: Any) -> String {
        switch value {
        case let s as String: return s
        case let n as NSNumber:
            if isBoolean(n) { return n.boolValue ? "true" : "false" }
            return n.stringValue
        case is NSNull: return ""
        default:
            if let data = try? JSONSerialization.data(withJSONObject: value), let text = String(data: data, encoding: .utf8) { return text }
            return "\(value)"
        }
    }

    /// JSON booleans arrive as NSNumbers of type `c` (char); JSON numbers never do.
    static func isBoolean(_ n: NSNumber) -> Bool {
        String(cString: n.objCType) == "c"
    }

    static func escape(_ text: String) -> String {
        var out = ""
        for c in text.unicodeScalars {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#x27;"
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }
}
