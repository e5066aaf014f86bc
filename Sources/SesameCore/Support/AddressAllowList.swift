/// Client addresses an operator lets reach something (`--metrics-allow CIDR`): loopback always,
/// and each given range. An IPv4 address written IPv6-mapped (`::ffff:192.0.2.1`) counts as IPv4.
public struct AddressAllowList: Sendable {
    let ranges: [CIDR]
    let loopback: Bool

    /// Refuses a range that does not parse, naming it and the option. `loopback: false` allows
    /// the given ranges only (trusted proxies: a local client is not a proxy unless named).
    public init(_ cidrs: [String], option: String, loopback: Bool = true) throws(SesameError) {
        self.loopback = loopback
        var ranges: [CIDR] = []
        for text in cidrs {
            guard let range = CIDR(text) else {
                throw SesameError(
                    .invalidParameterValue, "\(option) takes an address or a CIDR range such as 10.0.0.0/8 or fd00::/8 (got '\(text)').")
            }
            ranges.append(range)
        }
        self.ranges = ranges
    }

    public func allows(_ address: String) -> Bool {
        let plain = Self.unmapped(address)
        if loopback && Self.isLoopback(plain) { return true }
        guard let ip = IPAddressBytes(plain) else { return false }
        return ranges.contains { $0.contains(ip) }
    }

    public static func isLoopback(_ address: String) -> Bool {
        let plain = unmapped(address)
        return plain == "::1" || plain.hasPrefix("127.")
    }

    static func unmapped(_ address: String) -> String {
        let lowered = address.lowercased()
        return lowered.hasPrefix("::ffff:") && lowered.contains(".") ? String(lowered.dropFirst(7)) : lowered
    }
}
