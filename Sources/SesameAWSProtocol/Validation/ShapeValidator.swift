import Foundation

/// Checks a decoded input against its shape as AWS does before an operation runs: required
/// members, enum values, lengths, ranges and patterns. Every problem is collected and reported
/// in one `ValidationError` worded as AWS words it:
/// `2 validation errors detected: Value null at 'userName' failed to satisfy constraint: Member
/// must not be null; Value 'x y' at 'path' failed to satisfy constraint: …`.
public struct ShapeValidator: Sendable {
    let model: ServiceModel

    public init(model: ServiceModel) { self.model = model }

    /// The problems found in `value`, a structure of shape `shapeName`; empty when it is valid.
    public func problems(in value: AWSValue, shape shapeName: String) -> [String] {
        var problems: [String] = []
        var path = FieldPath()
        checkStructure(value, model.shape(shapeName), path: &path, into: &problems)
        return problems
    }

    /// AWS's message for a list of problems.
    public static func message(_ problems: [String]) -> String {
        let count = problems.count
        return "\(count) validation error\(count == 1 ? "" : "s") detected: " + problems.joined(separator: "; ")
    }

    /// The name AWS gives a top-level member in messages: the model name with its first letter
    /// lowered (`UserName` → `userName`).
    public static func fieldName(_ name: String) -> String {
        guard let first = name.first else { return name }
        return first.lowercased() + name.dropFirst()
    }

    func checkStructure(_ value: AWSValue, _ shape: Shape, path: inout FieldPath, into problems: inout [String]) {
        guard case .structure(let members) = value else { return }
        for (name, ref) in shape.members {
            guard let memberValue = members[name] else {
                if ref.isRequired {
                    path.push(.member(name))
                    problems.append("Value null at '\(path.text)' failed to satisfy constraint: Member must not be null")
                    path.pop()
                }
                continue
            }
            path.push(.member(name))
            check(memberValue, model.shape(ref), path: &path, into: &problems)
            path.pop()
        }
    }

    /// Enums the service itself does not enforce: SQS names queue attributes with
    /// `QueueAttributeName`, yet ReceiveMessage's `AttributeNames` takes message attributes
    /// (`ApproximateReceiveCount`, `SenderId`) and SQS checks the names itself.
    static let unenforcedEnums: Set<String> = ["QueueAttributeName"]

    /// The checks of a value against its own shape, not its members': enum, length, range and
    /// pattern. The Query decoder runs these as it reads each value, so its input is checked in
    /// the one pass that reads it.
    func checkOwn(_ value: AWSValue, _ shape: Shape, path: inout FieldPath, into problems: inout [String]) {
        func fail(_ constraint: String) {
            let shown = shape.sensitive ? "Value at" : "Value '\(Self.render(value))' at"
            problems.append("\(shown) '\(path.text)' failed to satisfy constraint: Member must \(constraint)")
        }
        switch value {
        case .structure, .boolean, .timestamp:
            break
        case .list(let items):
            checkLength(items.count, shape, fail)
        case .map(let entries):
            checkLength(entries.count, shape, fail)
        case .string(let text):
            if let allowed = shape.enumValues, !allowed.contains(text), !Self.unenforcedEnums.contains(shape.name) {
                fail("satisfy enum value set: [\(allowed.joined(separator: ", "))]")
            }
            checkLength(text.utf16.count, shape, fail)
            if let pattern = shape.pattern, !PatternCache.shared.matches(text, pattern: pattern) {
                fail("satisfy regular expression pattern: \(pattern)")
            }
        case .blob(let bytes):
            checkLength(bytes.count, shape, fail)
        case .integer(let number):
            checkRange(Double(number), shape, fail)
        case .double(let number):
            checkRange(number, shape, fail)
        }
    }

    /// A required member the input leaves out.
    static func missing(_ name: String, path: inout FieldPath, into problems: inout [String]) {
        path.push(.member(name))
        problems.append("Value null at '\(path.text)' failed to satisfy constraint: Member must not be null")
        path.pop()
    }

    func check(_ value: AWSValue, _ shape: Shape, path: inout FieldPath, into problems: inout [String]) {
        checkOwn(value, shape, path: &path, into: &problems)
        switch value {
        case .structure:
            checkStructure(value, shape, path: &path, into: &problems)
        case .list(let items):
            if let member = shape.member {
                let memberShape = model.shape(member)
                for (index, item) in items.enumerated() {
                    path.push(.index(index + 1))
                    check(item, memberShape, path: &path, into: &problems)
                    path.pop()
                }
            }
        case .map(let entries):
            if let key = shape.key, let valueRef = shape.value {
                let keyShape = model.shape(key)
                let valueShape = model.shape(valueRef)
                for (entryKey, entryValue) in entries.sorted(by: { $0.key < $1.key }) {
                    path.push(.key("key"))
                    check(.string(entryKey), keyShape, path: &path, into: &problems)
                    path.pop()
                    path.push(.key(entryKey))
                    check(entryValue, valueShape, path: &path, into: &problems)
                    path.pop()
                }
            }
        case .string, .blob, .integer, .double, .boolean, .timestamp:
            break
        }
    }

    func checkLength(_ length: Int, _ shape: Shape, _ fail: (String) -> Void) {
        if let min = shape.min, Double(length) < min { fail("have length greater than or equal to \(Self.number(min))") }
        if let max = shape.max, Double(length) > max { fail("have length less than or equal to \(Self.number(max))") }
    }

    func checkRange(_ number: Double, _ shape: Shape, _ fail: (String) -> Void) {
        if let min = shape.min, number < min { fail("have value greater than or equal to \(Self.number(min))") }
        if let max = shape.max, number > max { fail("have value less than or equal to \(Self.number(max))") }
    }

    static func number(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e18 ? String(Int64(value)) : String(value)
    }

    /// A value as AWS shows it in a message: text as is, lists as `[a, b]`.
    static func render(_ value: AWSValue) -> String {
        switch value {
        case .string(let text): text
        case .integer(let number): String(number)
        case .double(let number): number == number.rounded() && abs(number) < 1e15 ? String(Int64(number)) : String(number)
        case .boolean(let flag): flag ? "true" : "false"
        case .timestamp(let date): AWSTimestamp.iso8601(date)
        case .blob(let bytes): "java.nio.HeapByteBuffer[pos=0 lim=\(bytes.count) cap=\(bytes.count)]"
        case .list(let items): "[" + items.map(render).joined(separator: ", ") + "]"
        case .map(let entries):
            "{" + entries.sorted { $0.key < $1.key }.map { "\($0.key)=\(render($0.value))" }.joined(separator: ", ") + "}"
        case .structure: "{…}"
        }
    }
}

/// Compiled model patterns. The models write Java regular expressions that must match the whole
/// value; ICU (`NSRegularExpression`) reads the same syntax, `\uXXXX` escapes included.
final class PatternCache: @unchecked Sendable {
    static let shared = PatternCache()
    private let lock = NSLock()
    private var compiled: [String: NSRegularExpression?] = [:]

    func matches(_ text: String, pattern: String) -> Bool {
        guard let regex = expression(pattern) else { return true }
        let range = NSRange(text.startIndex..., in: text)
        return regex.firstMatch(in: text, options: [.anchored], range: range).map { $0.range == range } ?? false
    }

    func expression(_ pattern: String) -> NSRegularExpression? {
        lock.lock()
        defer { lock.unlock() }
        if let cached = compiled[pattern] { return cached }
        // A pattern ICU cannot compile is not enforced rather than refusing every request; the
        // model tests compile every pattern of every model, so none is skipped today.
        let regex = try? NSRegularExpression(pattern: "(?:\(pattern))\\z", options: [])
        compiled[pattern] = regex
        return regex
    }
}

/// Where a value sits in the input, as AWS names it in messages (`tags.1.member.key`). Kept as
/// segments and written out only when a problem is reported.
struct FieldPath {
    enum Segment {
        /// A structure member, by model name (written with its first letter lowered).
        case member(String)
        /// A list element, counted from 1 (written `N.member`).
        case index(Int)
        /// A map key, or the literal `key` for the key itself.
        case key(String)
    }

    var segments: [Segment] = []

    mutating func push(_ segment: Segment) { segments.append(segment) }
    mutating func pop() { segments.removeLast() }

    var text: String {
        segments.map { segment in
            switch segment {
            case .member(let name): ShapeValidator.fieldName(name)
            case .index(let index): "\(index).member"
            case .key(let key): key
            }
        }.joined(separator: ".")
    }
}
