import Hummingbird
import SesameAWSProtocol

/// A request's query parameters decoded as browsers and HTTP libraries encode them: `%XX`
/// escapes, and `+` for a space (Hummingbird's own parameters keep the `+`). The first value
/// of a repeated name wins.
struct QueryString {
    let pairs: [(String, String)]

    init(_ request: Request) {
        pairs = URIEncoding.parsePairs(Array((request.uri.query ?? "").utf8), plusAsSpace: true)
    }

    func get(_ name: String) -> String? { pairs.first { $0.0 == name }?.1 }
}
