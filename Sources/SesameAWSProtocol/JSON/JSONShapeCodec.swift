import Foundation

/// Reads and writes JSON bodies by shape for the JSON protocols (REST-JSON and AWS JSON 1.0):
/// structures as objects keyed by member name, timestamps as epoch seconds, blobs as base64.
/// Members bound to the URI, query string or headers are not part of a body.
public struct JSONShapeCodec {
    let model: ServiceModel

    public init(model: ServiceModel) { self.model = model }

    // MARK: Reading

    /// The body members of `shape` from a JSON document (empty body: no members). A body that
    /// is not a JSON object, or a member of the wrong type, is a problem in AWS's wording.
    public func decodeBody(_ body: [UInt8], shape: Shape, into members: inout AWSMembers, problems: inout [String]) {
        if body.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) { return }
        guard let object = try? JSONSerialization.jsonObject(with: Data(body), options: [.fragmentsAllowed]) as? [String: Any] else {
            problems.append("The request body is not a JSON object.")
            return
        }
        for (name, ref) in shape.members where ref.location == nil {
            guard let raw = object[ref.locationName ?? name], !(raw is NSNull) else { continue }
            if let value = read(raw, ref, path: ShapeValidator.fieldName(name), problems: &problems) { members[name] = value }
        }
    }

    func read(_ raw: Any, _ ref: MemberRef, path: String, problems: inout [String]) -> AWSValue? {
        let shape = model.shape(ref)
        func fail(_ constraint: String) -> AWSValue? {
            problems.append("Value '\(raw)' at '\(path)' failed to satisfy constraint: Member must \(constraint)")
            return nil
        }
        switch shape.kind {
        case .structure:
            guard let object = raw as? [String: Any] else { return fail("be an object") }
            var members = AWSMembers()
            for (name, member) in shape.members {
                guard let value = object[member.locationName ?? name], !(value is NSNull) else { continue }
                if let read = read(value, member, path: "\(path).\(ShapeValidator.fieldName(name))", problems: &problems) {
                    members[name] = read
                }
            }
            return .structure(members)
        case .list:
            guard let array = raw as? [Any], let member = shape.member else { return fail("be a list") }
            var items: [AWSValue] = []
            for (index, item) in array.enumerated() where !(item is NSNull) {
                if let value = read(item, member, path: "\(path).\(index + 1).member", problems: &problems) { items.append(value) }
            }
            return .list(items)
        case .map:
            guard let object = raw as? [String: Any], let valueRef = shape.value else { return fail("be a map") }
            var entries: [String: AWSValue] = [:]
            for (key, item) in object where !(item is NSNull) {
                if let value = read(item, valueRef, path: "\(path).\(key)", problems: &problems) { entries[key] = value }
            }
            return .map(entries)
        case .string:
            guard let text = raw as? String else { return fail("be a string") }
            return .string(text)
        case .boolean:
            guard let flag = raw as? Bool else { return fail("be a boolean") }
            return .boolean(flag)
        case .integer, .long:
            guard !(raw is String), let number = raw as? NSNumber, let value = Int(exactly: number.doubleValue) else {
                return fail("be a number")
            }
            return .integer(value)
        case .double, .float:
            guard !(raw is String), let number = raw as? NSNumber else { return fail("be a number") }
            return .double(number.doubleValue)
        case .timestamp:
            if !(raw is String), let number = raw as? NSNumber {
                return .timestamp(Date(timeIntervalSince1970: number.doubleValue))
            }
            guard let text = raw as? String, let date = AWSTimestamp.parse(text) else { return fail("be a timestamp") }
            return .timestamp(date)
        case .blob:
            guard let text = raw as? String, let data = Data(base64Encoded: text) else { return fail("be base64-encoded") }
            return .blob(Array(data))
        }
    }

    // MARK: Writing

    /// The body members of `value` (a structure of `shape`) as a JSON object.
    public func encodeBody(_ value: AWSValue, shape: Shape) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(256)
        writeStructure(&out, value, shape, bodyOnly: true)
        return out
    }

    /// A JSON object from string pairs (error documents).
    public static func object(_ pairs: [(String, String)]) -> [UInt8] {
        var out: [UInt8] = [UInt8(ascii: "{")]
        for (index, (key, value)) in pairs.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            writeString(&out, key)
            out.append(UInt8(ascii: ":"))
            writeString(&out, value)
        }
        out.append(UInt8(ascii: "}"))
        return out
    }

    func writeStructure(_ out: inout [UInt8], _ value: AWSValue, _ shape: Shape, bodyOnly: Bool) {
        let members = value.members ?? [:]
        out.append(UInt8(ascii: "{"))
        var first = true
        for (name, ref) in shape.members where !(bodyOnly && ref.location != nil) {
            guard let member = members[name] else { continue }
            if !first { out.append(UInt8(ascii: ",")) }
            first = false
            Self.writeString(&out, ref.locationName ?? name)
            out.append(UInt8(ascii: ":"))
            write(&out, member, model.shape(ref))
        }
        out.append(UInt8(ascii: "}"))
    }

    func write(_ out: inout [UInt8], _ value: AWSValue, _ shape: Shape) {
        switch value {
        case .structure:
            writeStructure(&out, value, shape, bodyOnly: false)
        case .list(let items):
            let memberShape = shape.member.map { model.shape($0) } ?? shape
            out.append(UInt8(ascii: "["))
            for (index, item) in items.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                write(&out, item, memberShape)
            }
            out.append(UInt8(ascii: "]"))
        case .map(let entries):
            let valueShape = shape.value.map { model.shape($0) } ?? shape
            out.append(UInt8(ascii: "{"))
            for (index, (key, item)) in entries.sorted(by: { $0.key < $1.key }).enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                Self.writeString(&out, key)
                out.append(UInt8(ascii: ":"))
                write(&out, item, valueShape)
            }
            out.append(UInt8(ascii: "}"))
        case .string(let text):
            Self.writeString(&out, text)
        case .integer(let number):
            out.append(contentsOf: String(number).utf8)
        case .double(let number):
            Self.writeNumber(&out, number)
        case .boolean(let flag):
            out.append(contentsOf: (flag ? "true" : "false").utf8)
        case .timestamp(let date):
            Self.writeNumber(&out, AWSTimestamp.epochSeconds(date))
        case .blob(let bytes):
            Self.writeString(&out, Data(bytes).base64EncodedString())
        }
    }

    static func writeNumber(_ out: inout [UInt8], _ number: Double) {
        guard number.isFinite else {
            out.append(contentsOf: "0".utf8)
            return
        }
        if number == number.rounded(), abs(number) < 1e15 {
            out.append(contentsOf: String(Int64(number)).utf8)
        } else {
            out.append(contentsOf: String(number).utf8)
        }
    }

    static func writeString(_ out: inout [UInt8], _ text: String) {
        out.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out.append(contentsOf: [0x5C, 0x22])
            case UInt8(ascii: "\\"): out.append(contentsOf: [0x5C, 0x5C])
            case 0x0A: out.append(contentsOf: [0x5C, UInt8(ascii: "n")])
            case 0x0D: out.append(contentsOf: [0x5C, UInt8(ascii: "r")])
            case 0x09: out.append(contentsOf: [0x5C, UInt8(ascii: "t")])
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                out.append(contentsOf: [0x5C, UInt8(ascii: "u"), 0x30, 0x30, hex[Int(byte >> 4)], hex[Int(byte & 0xF)]])
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}
