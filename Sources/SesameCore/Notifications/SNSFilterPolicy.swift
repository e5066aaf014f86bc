public import Foundation

/// An SNS subscription filter policy: which messages the subscription gets, by their message
/// attributes (`MessageAttributes` scope) or by the fields of their JSON body (`MessageBody`).
public struct SNSFilterPolicy: Sendable {
    indirect enum Node: Sendable {
        /// Every key must match (keys are attribute names, or field paths in the body).
        case all([(key: String, value: Node)])
        /// Any of these conditions (the array under a key).
        case conditions([Condition])
        /// `$or`: any of these policies.
        case or([Node])
    }

    enum Condition: Sendable {
        case exact(String), number(Double), null
        case prefix(String), suffix(String), equalsIgnoreCase(String)
        case anythingBut([Condition])
        case numeric([(String, Double)])
        case exists(Bool)
        case cidr(network: [UInt8], prefix: Int)
    }

    let root: Node
    public let scopeIsBody: Bool

    public struct Invalid: Error, Sendable { public var message: String }

    /// Parses a policy as SNS does, with its limits (5 attribute keys in `MessageAttributes`
    /// scope, 150 combinations of values).
    public static func parse(_ json: String, scope: String?) throws(Invalid) -> SNSFilterPolicy {
        guard let data = json.data(using: .utf8), let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw Invalid(message: "failed to parse JSON.")
        }
        let body = scope == "MessageBody"
        let root = try node(object, depth: 0, body: body)
        if !body, case .all(let keys) = root, keys.count > 5 {
            throw Invalid(message: "Filter policy can not have more than 5 keys")
        }
        guard combinations(root) <= 150 else { throw Invalid(message: "Filter policy is too complex") }
        return SNSFilterPolicy(root: root, scopeIsBody: body)
    }

    static func node(_ object: [String: Any], depth: Int, body: Bool) throws(Invalid) -> Node {
        guard depth < 8 else { throw Invalid(message: "Filter policy is too deeply nested") }
        var keys: [(String, Node)] = []
        for key in object.keys.sorted() {
            let value = object[key]!
            if key == "$or" {
                guard let options = value as? [[String: Any]], options.count >= 2 else {
                    throw Invalid(message: "$or must be an array of at least two objects")
                }
                var nodes: [Node] = []
                for option in options { nodes.append(try node(option, depth: depth + 1, body: body)) }
                keys.append((key, .or(nodes)))
            } else if let list = value as? [Any] {
                guard !list.isEmpty else { throw Invalid(message: "Empty arrays are not allowed") }
                var conditions: [Condition] = []
                for item in list { conditions.append(try condition(item)) }
                keys.append((key, .conditions(conditions)))
            } else if let nested = value as? [String: Any], body {
                keys.append((key, try node(nested, depth: depth + 1, body: body)))
            } else {
                throw Invalid(message: "Match value must be String, number, true, false, or null")
            }
        }
        return .all(keys)
    }

    static func condition(_ item: Any) throws(Invalid) -> Condition {
        if item is NSNull { return .null }
        if let text = item as? String { return .exact(text) }
        if let number = item as? NSNumber {
            return CFBooleanLike.isBoolean(number) ? .exact(number.boolValue ? "true" : "false") : .number(number.doubleValue)
        }
        guard let object = item as? [String: Any], object.count == 1, let (operation, argument) = object.first else {
            throw Invalid(message: "Match value must be String, number, true, false, or null")
        }
        switch operation {
        case "prefix", "suffix", "equals-ignore-case":
            guard let text = argument as? String else { throw Invalid(message: "\(operation) match pattern must be a string") }
            return operation == "prefix" ? .prefix(text) : operation == "suffix" ? .suffix(text) : .equalsIgnoreCase(text)
        case "exists":
            guard let flag = argument as? Bool else { throw Invalid(message: "exists match pattern must be either true or false.") }
            return .exists(flag)
        case "anything-but":
            if let list = argument as? [Any] {
                var out: [Condition] = []
                for item in list { out.append(try condition(item)) }
                return .anythingBut(out)
            }
            return .anythingBut([try condition(argument)])
        case "numeric":
            guard let list = argument as? [Any], !list.isEmpty, list.count % 2 == 0 else {
                throw Invalid(message: "Value of numeric must be an array.")
            }
            var pairs: [(String, Double)] = []
            for index in stride(from: 0, to: list.count, by: 2) {
                guard let op = list[index] as? String, ["=", "<", "<=", ">", ">="].contains(op), let value = list[index + 1] as? NSNumber
                else {
                    throw Invalid(message: "Unrecognized numeric range operator")
                }
                pairs.append((op, value.doubleValue))
            }
            return .numeric(pairs)
        case "cidr":
            guard let text = argument as? String, let parsed = parseCIDR(text) else { throw Invalid(message: "Malformed CIDR") }
            return .cidr(network: parsed.0, prefix: parsed.1)
        default:
            throw Invalid(message: "Unrecognized match type \(operation)")
        }
    }

    static func combinations(_ node: Node) -> Int {
        switch node {
        case .all(let keys): keys.reduce(1) { $0 * max(1, combinations($1.value)) }
        case .conditions(let list): list.count
        case .or(let nodes): nodes.reduce(0) { $0 + combinations($1) }
        }
    }

    // MARK: Matching

    /// A message attribute as SNS has it: its type (`String`, `String.Array`, `Number`, `Binary`) and value.
    public typealias Attribute = (type: String, value: String)

    public func matches(attributes: [String: Attribute], body: String) -> Bool {
        if scopeIsBody {
            guard let data = body.data(using: .utf8), let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
                return false
            }
            return Self.matchBody(root, object)
        }
        return Self.matchAttributes(root, attributes)
    }

    static func matchAttributes(_ node: Node, _ attributes: [String: Attribute]) -> Bool {
        switch node {
        case .or(let nodes): return nodes.contains { matchAttributes($0, attributes) }
        case .conditions: return false
        case .all(let keys):
            return keys.allSatisfy { key, value in
                if case .or = value { return matchAttributes(value, attributes) }
                guard case .conditions(let conditions) = value else { return false }
                guard let attribute = attributes[key] else {
                    return conditions.contains { if case .exists(false) = $0 { true } else { false } }
                }
                var values: [Any] = [attribute.value]
                if attribute.type == "String.Array", let data = attribute.value.data(using: .utf8),
                    let array = try? JSONSerialization.jsonObject(with: data) as? [Any]
                {
                    values = array
                } else if attribute.type == "Number", let number = Double(attribute.value) {
                    values = [NSNumber(value: number)]
                }
                return conditions.contains { condition in values.contains { test(condition, $0, present: true) } }
            }
        }
    }

    static func matchBody(_ node: Node, _ object: [String: Any]) -> Bool {
        switch node {
        case .or(let nodes): return nodes.contains { matchBody($0, object) }
        case .conditions: return false
        case .all(let keys):
            return keys.allSatisfy { key, value in
                switch value {
                case .or: return matchBody(value, object)
                case .all:
                    let nested = object[key]
                    if let child = nested as? [String: Any] { return matchBody(value, child) }
                    if let children = nested as? [[String: Any]] { return children.contains { matchBody(value, $0) } }
                    return false
                case .conditions(let conditions):
                    guard let field = object[key] else {
                        return conditions.contains { if case .exists(false) = $0 { true } else { false } }
                    }
                    let values: [Any] = (field as? [Any]) ?? [field]
                    return conditions.contains { condition in values.contains { test(condition, $0, present: true) } }
                }
            }
        }
    }

    static func test(_ condition: Condition, _ value: Any, present: Bool) -> Bool {
        let text: String? =
            (value as? String)
            ?? ((value as? NSNumber).map { CFBooleanLike.isBoolean($0) ? ($0.boolValue ? "true" : "false") : nil } ?? nil)
        let number: Double? = (value as? NSNumber).flatMap { CFBooleanLike.isBoolean($0) ? nil : $0.doubleValue }
        switch condition {
        case .exact(let wanted): return text == wanted
        case .number(let wanted): return number == wanted
        case .null: return value is NSNull
        case .prefix(let start): return text?.hasPrefix(start) ?? false
        case .suffix(let end): return text?.hasSuffix(end) ?? false
        case .equalsIgnoreCase(let wanted): return text?.lowercased() == wanted.lowercased()
        case .exists(let flag): return flag == present
        case .anythingBut(let excluded): return !excluded.contains { test($0, value, present: present) }
        case .numeric(let pairs):
            guard let number else { return false }
            return pairs.allSatisfy { op, bound in
                switch op {
                case "=": number == bound
                case "<": number < bound
                case "<=": number <= bound
                case ">": number > bound
                default: number >= bound
                }
            }
        case .cidr(let network, let prefix):
            guard let text, let address = parseAddress(text), address.count == network.count else { return false }
            return inPrefix(address, network, prefix)
        }
    }

    static func parseAddress(_ text: String) -> [UInt8]? {
        let parts = text.split(separator: ".")
        guard parts.count == 4 else { return nil }
        var out: [UInt8] = []
        for part in parts {
            guard let byte = UInt8(part) else { return nil }
            out.append(byte)
        }
        return out
    }

    static func parseCIDR(_ text: String) -> ([UInt8], Int)? {
        let parts = text.split(separator: "/")
        guard parts.count == 2, let address = parseAddress(String(parts[0])), let prefix = Int(parts[1]), (0...32).contains(prefix) else {
            return nil
        }
        return (address, prefix)
    }

    static func inPrefix(_ address: [UInt8], _ network: [UInt8], _ prefix: Int) -> Bool {
        var bits = prefix
        for index in 0..<address.count where bits > 0 {
            let mask: UInt8 = bits >= 8 ? 0xFF : UInt8(0xFF) << (8 - bits)
            if address[index] & mask != network[index] & mask { return false }
            bits -= 8
        }
        return true
    }
}

/// JSONSerialization gives booleans as NSNumber: they are the ones of Objective-C type `c`
/// (JSON numbers come back as integers or doubles).
enum CFBooleanLike {
    static func isBoolean(_ number: NSNumber) -> Bool { String(cString: number.objCType) == "c" }
}
