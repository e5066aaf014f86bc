import Foundation

/// Decodes Query-protocol parameters (`Tags.member.1.Key=…`, `Attributes.entry.1.key=…`) into
/// an operation's input shape, as botocore's Query serializer writes them: structures as
/// `Prefix.Member`, lists as `Prefix.member.N` (or `Prefix.N` when flattened; `Prefix=` for an
/// empty list), maps as `Prefix.entry.N.key` / `.value`. A scalar that does not read as its type
/// is reported as a problem in AWS's validation wording. With `validating`, each value is also
/// checked against its shape as it is read (`ShapeValidator`'s rules and order), so the input
/// is read and validated in one pass.
public struct QueryInputDecoder {
    let model: ServiceModel
    let index: QueryParameterIndex
    var validator: ShapeValidator?
    typealias Node = QueryParameterIndex.Node

    public init(model: ServiceModel, parameters: [(String, String)]) {
        self.model = model
        self.index = QueryParameterIndex(parameters)
    }

    /// The input structure and the problems met while reading it.
    public func decode(shape shapeName: String) -> (value: AWSValue, problems: [String]) {
        var problems: [String] = []
        var path = FieldPath()
        let value = structure(model.shape(shapeName), node: index.root, path: &path, problems: &problems)
        return (value, problems)
    }

    /// Decodes and validates: the type problems (a value that does not read as its type) come
    /// alone, as AWS reports them before any constraint; otherwise the constraint problems.
    public func decodeValidating(shape shapeName: String) -> (value: AWSValue, problems: [String]) {
        var decoder = self
        decoder.validator = ShapeValidator(model: model)
        var problems: [String] = []
        var path = FieldPath()
        let value = decoder.structure(model.shape(shapeName), node: index.root, path: &path, problems: &problems)
        return (value, problems)
    }

    func structure(_ shape: Shape, node: Node, path: inout FieldPath, problems: inout [String]) -> AWSValue {
        var members = AWSMembers()
        members.entries.reserveCapacity(shape.members.count)
        for (name, ref) in shape.members {
            guard let child = index.child(node, ref.queryName ?? name) else {
                if validator != nil, ref.isRequired { ShapeValidator.missing(name, path: &path, into: &problems) }
                continue
            }
            path.push(.member(name))
            let mark = problems.count
            if let value = value(ref, node: child, path: &path, problems: &problems) {
                members[name] = value
                if let validator { checkOwn(validator, value, model.shape(ref), at: mark, path: &path, problems: &problems) }
            } else if validator != nil, ref.isRequired {
                path.pop()
                ShapeValidator.missing(name, path: &path, into: &problems)
                continue
            }
            path.pop()
        }
        return .structure(members)
    }

    /// A value's own problems, placed before its members' (the validator's order).
    func checkOwn(
        _ validator: ShapeValidator, _ value: AWSValue, _ shape: Shape, at mark: Int, path: inout FieldPath, problems: inout [String]
    ) {
        var own: [String] = []
        validator.checkOwn(value, shape, path: &path, into: &own)
        if !own.isEmpty { problems.insert(contentsOf: own, at: mark) }
    }

    /// The value a member's node holds.
    func value(_ ref: MemberRef, node: Node, path: inout FieldPath, problems: inout [String]) -> AWSValue? {
        let shape = model.shape(ref)
        switch shape.kind {
        case .structure:
            return structure(shape, node: node, path: &path, problems: &problems)
        case .list:
            guard let member = shape.member else { return nil }
            var items = node
            if !(shape.flattened || ref.flattened) {
                // `Name=` with nothing under it is the empty list.
                guard let listed = index.child(node, member.locationName ?? "member") else { return .list([]) }
                items = listed
            }
            var values: [AWSValue] = []
            var index = 1
            let itemShape = validator == nil ? nil : model.shape(member)
            while let item = self.index.child(items, String(index)) {
                path.push(.index(index))
                let mark = problems.count
                if let value = value(member, node: item, path: &path, problems: &problems) {
                    values.append(value)
                    if let validator, let itemShape { checkOwn(validator, value, itemShape, at: mark, path: &path, problems: &problems) }
                }
                path.pop()
                index += 1
            }
            return .list(values)
        case .map:
            guard let keyRef = shape.key, let valueRef = shape.value else { return nil }
            let entries = (shape.flattened || ref.flattened) ? node : self.index.child(node, "entry")
            let keyName = keyRef.locationName ?? "key"
            let valueName = valueRef.locationName ?? "value"
            var out: [String: AWSValue] = [:]
            var index = 1
            while let entries, let entry = self.index.child(entries, String(index)) {
                if let entryKey = self.index.child(entry, keyName)?.value, let valueNode = self.index.child(entry, valueName) {
                    if let validator {
                        path.push(.key("key"))
                        validator.checkOwn(.string(entryKey), model.shape(keyRef), path: &path, into: &problems)
                        path.pop()
                    }
                    path.push(.key(entryKey))
                    let mark = problems.count
                    if let entryValue = value(valueRef, node: valueNode, path: &path, problems: &problems) {
                        out[entryKey] = entryValue
                        if let validator {
                            checkOwn(validator, entryValue, model.shape(valueRef), at: mark, path: &path, problems: &problems)
                        }
                    }
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
