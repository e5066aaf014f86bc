/// `X-Forwarded-For` as a trusted proxy writes it: the client is the right-most hop that is not
/// itself a trusted proxy (hops to its left were written by whoever the client is, and prove
/// nothing); the left-most when every hop is trusted; nil when the header is not a list of addresses.
public enum ForwardedFor {
    public static func client(_ header: String, trusted: (String) -> Bool) -> String? {
        let hops = header.split(separator: ",").map { String($0.filter { $0 != " " && $0 != "\t" }) }.filter { !$0.isEmpty }
        guard !hops.isEmpty, hops.count <= 64,
            hops.allSatisfy({ $0.count <= 45 && $0.allSatisfy { $0.isASCII && ($0.isHexDigit || $0 == "." || $0 == ":") } })
        else {
            return nil
        }
        return hops.last { !trusted($0) } ?? hops.first
    }
}
