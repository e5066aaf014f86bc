import Foundation

/// Decodes Query-protocol parameters (`Tags.member.1.Key=…`, `Attributes.entry.1.key=…`) into
/// an operation's input shape, as botocore's Query serializer writes them: structures as
/// `Prefix.Member`, lists as `Prefix.member.N` (or `Prefix.N` when flattened; `Prefix=` for an
/// empty list), maps as `Prefix.entry.N.key` / `.value`. A scalar that does not read as its type
/// is reported as a problem in AWS's validation wording.
public struct QueryInputDecoder {
    let model: ServiceModel
    /// The parameters as a tree of their dotted names (`Tags` → `member` → `1` → `Key`), built
    /// once, so decoding walks the shape and looks each name up instead of building keys.
    let root: Node

    final class Node {
        var value: String?
        var children: [Substring: Node] = [:]

        func child(_ name: Substring) -> Node {
            if let existing = children[name] { return existing }
            let node = Node()
            children[name] = node
            return node
        }
    }

    public init(model: ServiceModel, parameters: [(String, String)]) {
        self.model = model
        let root = Node()
        for (key, value) in parameters {
            var node = root
            for part in key.split(separator: ".", omittingEmptySubsequences: false) { node = node.child(part) }
            node.value = value
        }
        self.root = root
    }

    /// The input structure and the problems met while reading it.
    public func decode(shape shapeName: String) -> (value: AWSValue, problems: [String]) {
        var problems: [String] = []
        var path = FieldPath()
        let value = structure(model.shape(shapeName), node: root, path: &path, problems: &problems)
        return (value, problems)
    }

    func structure(_ shape: Shape, node: Node, path: inout FieldPath, problems: inout [String]) -> AWSValue {
        var members: [String: AWSValue] = [:]
        for (name, ref) in shape.members {
            let memberShape = model.shape(ref.shape)
            // A flattened list is written under its member's name when it has one (`Prefix.Name.N`).
            var wireName = ref.locationName ?? name
            if memberShape.kind == .list, memberShape.flattened || ref.flattened, let itemName = memberShape.member?.locationName {
                wireName = itemName
            }
            guard let child = node.children[Substring(wireName)] else { continue }
            path.push(.member(name))
            if let value = value(ref, node: child, path: &path, problems: &problems) { members[name] = value }
            path.pop()
        }
        return .structure(members)
    }

    /// The value a member's node holds.
    func value(_ ref: MemberRef, node: Node, path: inout FieldPath, problems: inout [String]) -> AWSValue? {
        let shape = model.shape(ref.shape)
        switch shape.kind {
        case .structure:
            return structure(shape, node: node, path: &path, problems: &problems)
        case .list:
            guard let member = shape.member else { return nil }
            var items = node
            if !(shape.flattened || ref.flattened) {
                // `Name=` with nothing under it is the empty list.
                guard let listed = node.children[Substring(member.locationName ?? "member")] else { return .list([]) }
                items = listed
            }
            var values: [AWSValue] = []
            var index = 1
            while let item = items.children[Substring(String(index))] {
                path.push(.index(index))
                if let value = value(member, node: item, path: &path, problems: &problems) { values.append(value) }
                path.pop()
                index += 1
            }
            return .list(values)
        case .map:
            guard let keyRef = shape.key, let valueRef = shape.value else { return nil }
            let entries = (shape.flattened || ref.flattened) ? node : node.children["entry"]
            let keyName = Substring(keyRef.locationName ?? "key")
            let valueName = Substring(valueRef.locationName ?? "value")
            var out: [String: AWSValue] = [:]
            var index = 1
            while let entry = entries?.children[Substring(String(index))] {
                if let entryKey = entry.children[keyName]?.value, let valueNode = entry.children[valueName] {
                    path.push(.key(entryKey))
                    if let entryValue = value(valueRef, node: valueNode, path: &path, problems: &problems) { out[entryKey] = entryValue }
                    path.pop()
                }
                index += 1
            }
            return .map(out)
        case .string, .integer, .long, .boolean, .double, .float, .timestamp, .blob:
            guard let text = node.value else { return nil }
            return QueryInputDecoder.scalar(text, shape, path: path.text, problems: &problems)
        }
    }

    /// A scalar from its text form (Query parameters, REST URI labels, query strings, headers).
    public static func scalar(_ text: String, _ shape: Shape, path: @autoclosure () -> String, problems: inout [String]) -> AWSValue? {
        func fail(_ constraint: String) -> AWSValue? {
            problems.append("Value '\(text)' at '\(path())' failed to satisfy constraint: Member must \(constraint)")
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
