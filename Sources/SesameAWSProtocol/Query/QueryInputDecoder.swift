import Foundation

/// Decodes Query-protocol parameters (`Tags.member.1.Key=…`, `Attributes.entry.1.key=…`) into
/// an operation's input shape, as botocore's Query serializer writes them: structures as
/// `Prefix.Member`, lists as `Prefix.member.N` (or `Prefix.N` when flattened; `Prefix=` for an
/// empty list), maps as `Prefix.entry.N.key` / `.value`. A scalar that does not read as its type
/// is reported as a problem in AWS's validation wording.
public struct QueryInputDecoder {
    let model: ServiceModel
    let values: [String: String]
    /// Every key and every dotted prefix of a key: whether anything was sent under a prefix.
    let prefixes: Set<String>

    public init(model: ServiceModel, parameters: [String: String]) {
        self.model = model
        self.values = parameters
        var prefixes = Set<String>()
        for key in parameters.keys {
            prefixes.insert(key)
            var index = key.startIndex
            while let dot = key[index...].firstIndex(of: ".") {
                prefixes.insert(String(key[..<dot]))
                index = key.index(after: dot)
            }
        }
        self.prefixes = prefixes
    }

    /// The input structure and the problems met while reading it.
    public func decode(shape shapeName: String) -> (value: AWSValue, problems: [String]) {
        var problems: [String] = []
        let value = structure(model.shape(shapeName), prefix: nil, path: nil, problems: &problems)
        return (value, problems)
    }

    func structure(_ shape: Shape, prefix: String?, path: String?, problems: inout [String]) -> AWSValue {
        var members: [String: AWSValue] = [:]
        for (name, ref) in shape.members {
            let wireName = ref.locationName ?? name
            let key = prefix.map { "\($0).\(wireName)" } ?? wireName
            let memberPath = path.map { "\($0).\(ShapeValidator.fieldName(name))" } ?? ShapeValidator.fieldName(name)
            if let value = value(ref, key: key, path: memberPath, problems: &problems) { members[name] = value }
        }
        return .structure(members)
    }

    func value(_ ref: MemberRef, key: String, path: String, problems: inout [String]) -> AWSValue? {
        let shape = model.shape(ref.shape)
        switch shape.kind {
        case .structure:
            guard prefixes.contains(key) else { return nil }
            return structure(shape, prefix: key, path: path, problems: &problems)
        case .list:
            guard prefixes.contains(key), let member = shape.member else { return nil }
            if values[key] == "" { return .list([]) }
            let flattened = shape.flattened || ref.flattened
            var listPrefix: String
            if flattened {
                listPrefix = key
                if let name = member.locationName {
                    listPrefix = key.split(separator: ".").dropLast().map(String.init).joined(separator: ".")
                    listPrefix = listPrefix.isEmpty ? name : "\(listPrefix).\(name)"
                }
            } else {
                listPrefix = "\(key).\(member.locationName ?? "member")"
            }
            var items: [AWSValue] = []
            var index = 1
            while prefixes.contains("\(listPrefix).\(index)") {
                if let item = value(member, key: "\(listPrefix).\(index)", path: "\(path).\(index).member", problems: &problems) {
                    items.append(item)
                }
                index += 1
            }
            return .list(items)
        case .map:
            guard prefixes.contains(key), let keyRef = shape.key, let valueRef = shape.value else { return nil }
            let entryPrefix = (shape.flattened || ref.flattened) ? key : "\(key).entry"
            let keyName = keyRef.locationName ?? "key"
            let valueName = valueRef.locationName ?? "value"
            var entries: [String: AWSValue] = [:]
            var index = 1
            while prefixes.contains("\(entryPrefix).\(index)") {
                if let entryKey = values["\(entryPrefix).\(index).\(keyName)"] {
                    if let entryValue = value(
                        valueRef, key: "\(entryPrefix).\(index).\(valueName)", path: "\(path).\(entryKey)", problems: &problems)
                    {
                        entries[entryKey] = entryValue
                    }
                }
                index += 1
            }
            return .map(entries)
        case .string, .integer, .long, .boolean, .double, .float, .timestamp, .blob:
            guard let text = values[key] else { return nil }
            return QueryInputDecoder.scalar(text, shape, path: path, problems: &problems)
        }
    }

    /// A scalar from its text form (Query parameters, REST URI labels, query strings, headers).
    public static func scalar(_ text: String, _ shape: Shape, path: String, problems: inout [String]) -> AWSValue? {
        func fail(_ constraint: String) -> AWSValue? {
            problems.append("Value '\(text)' at '\(path)' failed to satisfy constraint: Member must \(constraint)")
            return nil
        }
        switch shape.kind {
        case .string:
            return .string(text)
        case .integer, .long:
            guard let number = Int(text.trimmingCharacters(in: .whitespaces)) else { return fail("be a number") }
            return .integer(number)
        case .double, .float:
            guard let number = Double(text.trimmingCharacters(in: .whitespaces)), number.isFinite else { return fail("be a number") }
            return .double(number)
        case .boolean:
            switch text.lowercased() {
            case "true": return .boolean(true)
            case "false": return .boolean(false)
            default: return fail("be a boolean")
            }
        case .timestamp:
            guard let date = AWSTimestamp.parse(text) else { return fail("be a timestamp") }
            return .timestamp(date)
        case .blob:
            guard let data = Data(base64Encoded: text) else { return fail("be base64-encoded") }
            return .blob(Array(data))
        case .structure, .list, .map:
            return fail("be a \(shape.kind.rawValue)")
        }
    }
}
