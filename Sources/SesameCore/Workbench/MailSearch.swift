public import Foundation

/// The workbench's search language, parsed. Words are ANDed; a word is a filter (`from:`,
/// `to:`, `cc:`, `bcc:`, `reply-to:`, `addressed:`, `subject:`, `message-id:`, `principal:`,
/// `via:smtp|api|OPERATION`, `is:read`, `is:unread`, `has:attachment`, `has:inline`,
/// `before:DATE`, `after:DATE`, `larger:SIZE`, `smaller:SIZE`) or free text, matched against
/// the subject and body by word prefix. `"quoted words"` stay together; a leading `-` or `!`
/// negates. The same words Mailpit's search understands mean the same here.
public struct MailSearch: Sendable, Equatable {
    public enum Field: String, Sendable, CaseIterable {
        case from, to, cc, bcc, replyTo = "reply-to", addressed, subject, messageID = "message-id", principal
    }

    public enum Condition: Sendable, Equatable {
        /// The field contains the text, ignoring case.
        case contains(Field, String)
        /// Sent by one of these ways (`MessageOrigin` raw values).
        case via([String])
        case read(Bool)
        case hasAttachments
        case hasInline
        /// Captured before (not at) this instant.
        case before(Date)
        /// Captured at or after this instant.
        case after(Date)
        case larger(Int)
        case smaller(Int)
        /// Every word appears in the subject or body (as a word or a word's beginning).
        case words([String])
        /// The messages with these Sesame message IDs (not a search word: for looking them up).
        case ids([String])
    }

    public struct Clause: Sendable, Equatable {
        public var condition: Condition
        public var negated: Bool

        public init(condition: Condition, negated: Bool) {
            self.condition = condition
            self.negated = negated
        }
    }

    public struct Invalid: Error, Sendable, Equatable, CustomStringConvertible {
        public var description: String
    }

    public var clauses: [Clause]

    public var isEmpty: Bool { clauses.isEmpty }

    public init(clauses: [Clause] = []) { self.clauses = clauses }

    /// Parses a search. Dates without a zone are read in `timeZone`.
    public static func parse(_ text: String, timeZone: TimeZone = TimeZone(identifier: "UTC")!) throws(Invalid) -> MailSearch {
        guard text.utf8.count <= 2048 else { throw Invalid(description: "A search is at most 2,048 bytes long.") }
        var clauses: [Clause] = []
        for var token in tokens(text) {
            var negated = false
            if token.count > 1, token.hasPrefix("-") || token.hasPrefix("!") {
                negated = true
                token.removeFirst()
            }
            guard let condition = try condition(token, timeZone: timeZone) else { continue }
            clauses.append(Clause(condition: condition, negated: negated))
        }
        return MailSearch(clauses: clauses)
    }

    static func condition(_ token: String, timeZone: TimeZone) throws(Invalid) -> Condition? {
        let lower = token.lowercased()
        switch lower {
        case "is:read": return .read(true)
        case "is:unread": return .read(false)
        case "has:attachment", "has:attachments": return .hasAttachments
        case "has:inline", "has:inlines": return .hasInline
        default: break
        }
        if let colon = token.firstIndex(of: ":") {
            let key = lower[..<lower.index(lower.startIndex, offsetBy: token.distance(from: token.startIndex, to: colon))]
            let value = String(token[token.index(after: colon)...])
            if let field = Field(rawValue: String(key)) {
                guard !value.isEmpty else { return nil }
                return .contains(field, value.lowercased())
            }
            switch key {
            case "via": return .via(try origins(value))
            case "before": return .before(try date(value, timeZone: timeZone, word: "before"))
            case "after": return .after(try date(value, timeZone: timeZone, word: "after"))
            case "larger": return .larger(try size(value, word: "larger"))
            case "smaller": return .smaller(try size(value, word: "smaller"))
            case "is", "has":
                throw Invalid(description: "'\(token)' is not a filter: use is:read, is:unread, has:attachment or has:inline.")
            case "tag":
                throw Invalid(description: "Sesame keeps no tags: search by from:, to:, subject:, principal: or via: instead.")
            default: break
            }
        }
        let words = Self.words(token)
        return words.isEmpty ? nil : .words(words)
    }

    /// The letters-and-digits runs of free text, lowercased: what full-text indexes hold.
    public static func words(_ text: String) -> [String] {
        var out: [String] = []
        var current = ""
        for scalar in text.lowercased().unicodeScalars {
            if scalar.properties.isAlphabetic || scalar.properties.numericType != nil {
                current.unicodeScalars.append(scalar)
            } else if !current.isEmpty {
                out.append(current)
                current = ""
            }
        }
        if !current.isEmpty { out.append(current) }
        return out
    }

    /// Splits on whitespace outside double quotes; quotes are removed.
    static func tokens(_ text: String) -> [String] {
        var out: [String] = []
        var current = ""
        var quoted = false
        for character in text {
            if character == "\"" {
                quoted.toggle()
            } else if character.isWhitespace && !quoted {
                if !current.isEmpty { out.append(current) }
                current = ""
            } else {
                current.append(character)
            }
        }
        if !current.isEmpty { out.append(current) }
        return out
    }

    static let apiOrigins: [MessageOrigin] = [.sendEmail, .sendRawEmail, .sendTemplatedEmail, .sendEmailV2Raw]

    static func origins(_ value: String) throws(Invalid) -> [String] {
        switch value.lowercased() {
        case "smtp": return [MessageOrigin.smtp.rawValue]
        case "api": return apiOrigins.map(\.rawValue)
        default:
            if let origin = MessageOrigin.allCases.first(where: { $0.rawValue.lowercased() == value.lowercased() }) {
                return [origin.rawValue]
            }
            let names = MessageOrigin.allCases.map(\.rawValue).joined(separator: ", ")
            throw Invalid(description: "via: takes smtp, api or one of \(names) (got '\(value)').")
        }
    }

    /// `2026-11-30`, `2026-11-30T14:05`, `2026-11-30T14:05:09Z` or with an offset.
    static func date(_ value: String, timeZone: TimeZone, word: String) throws(Invalid) -> Date {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = timeZone
        for format in [
            "yyyy-MM-dd'T'HH:mm:ssXXXXX", "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd'T'HH:mmXXXXX", "yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd",
        ] {
            formatter.dateFormat = format
            if let date = formatter.date(from: value) { return date }
        }
        throw Invalid(description: "\(word): takes a date such as 2026-11-30 or 2026-11-30T14:05:00Z (got '\(value)').")
    }

    /// `500`, `2kb`, `1.5m`: bytes, kilobytes (1,024) or megabytes.
    static func size(_ value: String, word: String) throws(Invalid) -> Int {
        let lower = value.lowercased()
        let digits = lower.prefix { $0.isNumber || $0 == "." }
        let unit = lower.dropFirst(digits.count).trimmingCharacters(in: .whitespaces)
        let multiplier: Double? =
            switch unit {
            case "", "b": 1
            case "k", "kb": 1024
            case "m", "mb": 1024 * 1024
            default: nil
            }
        guard let number = Double(digits), let multiplier, number >= 0, number * multiplier < 1e12 else {
            throw Invalid(description: "\(word): takes a size such as 500, 20kb or 1.5mb (got '\(value)').")
        }
        return Int(number * multiplier)
    }
}
