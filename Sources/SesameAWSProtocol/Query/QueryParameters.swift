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
}
