import Foundation

/// One `Condition` entry: an operator applied to one context key and its policy values.
public struct Condition: Sendable {
    public struct Operator: Sendable, Equatable {
        public enum Base: String, Sendable, CaseIterable {
            case stringEquals = "StringEquals", stringNotEquals = "StringNotEquals"
            case stringEqualsIgnoreCase = "StringEqualsIgnoreCase", stringNotEqualsIgnoreCase = "StringNotEqualsIgnoreCase"
            case stringLike = "StringLike", stringNotLike = "StringNotLike"
            case numericEquals = "NumericEquals", numericNotEquals = "NumericNotEquals"
            case numericLessThan = "NumericLessThan", numericLessThanEquals = "NumericLessThanEquals"
            case numericGreaterThan = "NumericGreaterThan", numericGreaterThanEquals = "NumericGreaterThanEquals"
            case dateEquals = "DateEquals", dateNotEquals = "DateNotEquals"
            case dateLessThan = "DateLessThan", dateLessThanEquals = "DateLessThanEquals"
            case dateGreaterThan = "DateGreaterThan", dateGreaterThanEquals = "DateGreaterThanEquals"
            case bool = "Bool", binaryEquals = "BinaryEquals"
            case ipAddress = "IpAddress", notIpAddress = "NotIpAddress"
            case arnEquals = "ArnEquals", arnLike = "ArnLike", arnNotEquals = "ArnNotEquals", arnNotLike = "ArnNotLike"
            case null = "Null"

            /// Negated operators are true when the key is absent and when no value matches.
            var isNegated: Bool {
                switch self {
                case .stringNotEquals, .stringNotEqualsIgnoreCase, .stringNotLike, .numericNotEquals, .dateNotEquals,
                    .notIpAddress, .arnNotEquals, .arnNotLike:
                    true
                default: false
                }
            }
        }
        public enum SetQualifier: String, Sendable { case forAnyValue = "ForAnyValue", forAllValues = "ForAllValues" }

        public var base: Base
        public var ifExists: Bool
        public var qualifier: SetQualifier?

        /// Parses `[ForAnyValue:|ForAllValues:]Operator[IfExists]`; operator names are case-sensitive as in AWS.
        public init?(parsing text: String) {
            var name = Substring(text)
            var qualifier: SetQualifier?
            if let colon = name.firstIndex(of: ":") {
                guard let q = SetQualifier(rawValue: String(name[..<colon])) else { return nil }
                qualifier = q
                name = name[name.index(after: colon)...]
            }
            var ifExists = false
            if name.hasSuffix("IfExists") {
                ifExists = true
                name = name.dropLast("IfExists".count)
            }
            guard let base = Base(rawValue: String(name)) else { return nil }
            if base == .null && ifExists { return nil }
            self.base = base
            self.ifExists = ifExists
            self.qualifier = qualifier
        }
    }

    public var op: Operator
    /// The context key, lowercased (keys compare case-insensitively).
    public var key: String
    public var values: [String]

    /// Evaluates against the request context (keys lowercased).
    func holds(in context: [String: [String]], variables: PolicyVariables?) -> Bool {
        let present = context[key] ?? []
        if op.base == .null {
            let wantsAbsent = values.contains { $0.lowercased() == "true" }
            let wantsPresent = values.contains { $0.lowercased() == "false" }
            return (wantsAbsent && present.isEmpty) || (wantsPresent && !present.isEmpty)
        }
        let policyValues: [String]
        if let variables {
            policyValues = values.compactMap { variables.expand($0) }
        } else {
            policyValues = values
        }
        if present.isEmpty {
            if op.ifExists { return true }
            switch op.qualifier {
            case .forAllValues?: return true
            case .forAnyValue?: return false
            case nil: return op.base.isNegated
            }
        }
        let satisfies: (String) -> Bool = { value in
            let matched = policyValues.contains { Self.matches(op.base, context: value, policy: $0) }
            return op.base.isNegated ? !matched : matched
        }
        switch op.qualifier {
        case .forAnyValue?: return present.contains(where: satisfies)
        case .forAllValues?: return present.allSatisfy(satisfies)
        case nil: return op.base.isNegated ? present.allSatisfy(satisfies) : present.contains(where: satisfies)
        }
    }

    /// The positive comparison behind each operator (negation is applied by the caller).
    static func matches(_ base: Operator.Base, context: String, policy: String) -> Bool {
        switch base {
        case .stringEquals, .stringNotEquals: return context == policy
        case .stringEqualsIgnoreCase, .stringNotEqualsIgnoreCase: return context.lowercased() == policy.lowercased()
        case .stringLike, .stringNotLike: return Glob(policy, caseInsensitive: false).matches(context)
        case .numericEquals, .numericNotEquals, .numericLessThan, .numericLessThanEquals, .numericGreaterThan,
            .numericGreaterThanEquals:
            guard let c = Double(context), let p = Double(policy) else { return false }
            return compare(base, c, p)
        case .dateEquals, .dateNotEquals, .dateLessThan, .dateLessThanEquals, .dateGreaterThan, .dateGreaterThanEquals:
            guard let c = Timestamp.parse(context), let p = Timestamp.parse(policy) else { return false }
            return compare(base, c.timeIntervalSince1970, p.timeIntervalSince1970)
        case .bool: return context.lowercased() == policy.lowercased()
        case .binaryEquals: return context == policy
        case .ipAddress, .notIpAddress:
            guard let range = CIDR(policy), let address = IPAddressBytes(context) else { return false }
            return range.contains(address)
        case .arnEquals, .arnLike, .arnNotEquals, .arnNotLike: return arnMatches(context: context, policy: policy)
        case .null: return false
        }
    }

    static func compare(_ base: Operator.Base, _ c: Double, _ p: Double) -> Bool {
        switch base {
        case .numericEquals, .numericNotEquals, .dateEquals, .dateNotEquals: c == p
        case .numericLessThan, .dateLessThan: c < p
        case .numericLessThanEquals, .dateLessThanEquals: c <= p
        case .numericGreaterThan, .dateGreaterThan: c > p
        case .numericGreaterThanEquals, .dateGreaterThanEquals: c >= p
        default: false
        }
    }

    /// ARNs match segment by segment (six colon-separated parts), each segment a glob.
    static func arnMatches(context: String, policy: String) -> Bool {
        let c = context.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
        let p = policy.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
        guard c.count == 6, p.count == 6 else { return false }
        for (cs, ps) in zip(c, p) where !Glob(String(ps), caseInsensitive: false).matches(String(cs)) {
            return false
        }
        return true
    }
}

/// An IPv4 or IPv6 address as bytes.
struct IPAddressBytes {
    let bytes: [UInt8]

    init?(_ text: String) {
        if text.contains(":") {
            guard let parsed = Self.parseIPv6(text) else { return nil }
            bytes = parsed
        } else {
            let parts = text.split(separator: ".", omittingEmptySubsequences: false)
            guard parts.count == 4 else { return nil }
            var out: [UInt8] = []
            for part in parts {
                guard let value = UInt8(part) else { return nil }
                out.append(value)
            }
            bytes = out
        }
    }

    static func parseIPv6(_ text: String) -> [UInt8]? {
        let halves = text.components(separatedBy: "::")
        guard halves.count <= 2 else { return nil }
        func groups(_ s: String) -> [UInt16]? {
            if s.isEmpty { return [] }
            var out: [UInt16] = []
            for g in s.split(separator: ":", omittingEmptySubsequences: false) {
                guard g.count <= 4, let v = UInt16(g, radix: 16) else { return nil }
                out.append(v)
            }
            return out
        }
        guard let head = groups(halves[0]) else { return nil }
        var all = head
        if halves.count == 2 {
            guard let tail = groups(halves[1]), head.count + tail.count < 8 else { return nil }
            all += Array(repeating: 0, count: 8 - head.count - tail.count) + tail
        }
        guard all.count == 8 else { return nil }
        return all.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }
    }
}

/// A CIDR block, e.g. `203.0.113.0/24`; a bare address means the single host.
struct CIDR {
    let network: [UInt8]
    let prefix: Int

    init?(_ text: String) {
        let parts = text.split(separator: "/", maxSplits: 1)
        guard let first = parts.first, let address = IPAddressBytes(String(first)) else { return nil }
        network = address.bytes
        if parts.count == 2 {
            guard let p = Int(parts[1]), p >= 0, p <= address.bytes.count * 8 else { return nil }
            prefix = p
        } else {
            prefix = address.bytes.count * 8
        }
    }

    func contains(_ address: IPAddressBytes) -> Bool {
        guard address.bytes.count == network.count else { return false }
        var remaining = prefix
        for (a, n) in zip(address.bytes, network) {
            if remaining <= 0 { return true }
            let bits = min(8, remaining)
            let mask: UInt8 = bits == 8 ? 0xFF : ~(UInt8(0xFF) >> UInt8(bits))
            if a & mask != n & mask { return false }
            remaining -= bits
        }
        return true
    }
}
