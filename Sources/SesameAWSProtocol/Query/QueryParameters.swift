/// The parameters of an AWS Query-protocol request (`Action=CreateUser&UserName=bob&Tags.member.1.Key=…`).
public struct QueryParameters: Sendable {
    public private(set) var values: [String: String]

    public init(pairs: [(String, String)]) {
        var values: [String: String] = [:]
        for (key, value) in pairs { values[key] = value }
        self.values = values
    }

    /// Parses a form-encoded body (`+` is a space) and merges the URL query (which wins nothing: body first).
    public init(formBody: [UInt8], rawQuery: String) {
        var pairs = URIEncoding.parsePairs(Array(rawQuery.utf8), plusAsSpace: true)
        pairs += URIEncoding.parsePairs(formBody, plusAsSpace: true)
        self.init(pairs: pairs)
    }

    public subscript(_ name: String) -> String? { values[name] }

    public var action: String? { values["Action"] }

    /// A required string; `ValidationError` naming the parameter when it is missing.
    public func required(_ name: String) throws(AWSError) -> String {
        guard let value = values[name] else {
            throw .validationError(
                "1 validation error detected: Value null at '\(Self.fieldName(name))' failed to satisfy constraint: Member must not be null")
        }
        return value
    }

    public func integer(_ name: String) throws(AWSError) -> Int? {
        guard let text = values[name] else { return nil }
        guard let value = Int(text) else {
            throw .validationError("1 validation error detected: Value '\(text)' at '\(Self.fieldName(name))' failed to satisfy constraint: Member must be a number")
        }
        return value
    }

    public func boolean(_ name: String) throws(AWSError) -> Bool? {
        guard let text = values[name] else { return nil }
        switch text.lowercased() {
        case "true": return true
        case "false": return false
        default:
            throw .validationError("1 validation error detected: Value '\(text)' at '\(Self.fieldName(name))' failed to satisfy constraint: Member must be a boolean")
        }
    }

    /// `Name.member.1`, `Name.member.2`, … in order.
    public func list(_ name: String) -> [String] {
        var out: [String] = []
        var index = 1
        while let value = values["\(name).member.\(index)"] {
            out.append(value)
            index += 1
        }
        return out
    }

    /// `Name.member.N.Key` / `Name.member.N.Value` pairs, in order.
    public func keyValueList(_ name: String) -> [(key: String, value: String)] {
        var out: [(key: String, value: String)] = []
        var index = 1
        while let key = values["\(name).member.\(index).Key"] {
            out.append((key: key, value: values["\(name).member.\(index).Value"] ?? ""))
            index += 1
        }
        return out
    }

    /// AWS names fields in validation messages in lower camel case (`UserName` → `userName`).
    public static func fieldName(_ name: String) -> String {
        guard let first = name.first else { return name }
        return first.lowercased() + name.dropFirst()
    }
}
