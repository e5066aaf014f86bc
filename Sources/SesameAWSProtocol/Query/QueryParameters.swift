/// The parameters of an AWS Query-protocol request (`Action=CreateUser&UserName=bob&Tags.member.1.Key=…`),
/// kept as the pairs they came in: the decoder builds its tree from them directly, and the front
/// door looks up only `Action` and `Version`. A name given twice takes its last value.
public struct QueryParameters: Sendable {
    public private(set) var pairs: [(String, String)]

    public init(pairs: [(String, String)]) {
        self.pairs = pairs
    }

    /// Parses a form-encoded body (`+` is a space) after the URL query, so the body's value wins.
    public init(formBody: [UInt8], rawQuery: String) {
        var pairs = URIEncoding.parsePairs(Array(rawQuery.utf8), plusAsSpace: true)
        pairs += URIEncoding.parsePairs(formBody, plusAsSpace: true)
        self.init(pairs: pairs)
    }

    public subscript(_ name: String) -> String? { pairs.last { $0.0 == name }?.1 }

    public var action: String? { self["Action"] }
}
