/// What an inbound SMTP session needs to decide, without the store: which clients the receipt
/// filters refuse and which recipients some region takes (a verified identity whose region's
/// active rule set has an enabled rule for the address). A snapshot, refreshed by the node.
public struct InboundPolicy: Sendable, Equatable {
    public struct Region: Sendable, Equatable {
        public var name: String
        /// Verified identities, lowercased: addresses and domains.
        public var verified: Set<String>
        public var activeRuleSet: ReceiptRuleSet?
        public var filters: [ReceiptFilter]

        public init(name: String, verified: Set<String>, activeRuleSet: ReceiptRuleSet?, filters: [ReceiptFilter]) {
            self.name = name
            self.verified = verified
            self.activeRuleSet = activeRuleSet
            self.filters = filters
        }
    }

    public var regions: [Region]

    public init(regions: [Region] = []) { self.regions = regions }

    /// A client the receipt filters refuse (a Block filter of any region covers it and no Allow filter does).
    public func refuses(client address: String) -> Bool {
        ReceiptFilter.refuses(address, filters: regions.flatMap(\.filters))
    }

    /// The region and rule set that take mail for `recipient`, if any: its address, its domain or a
    /// parent domain is verified there, and an enabled rule of the active set matches it.
    public func route(_ recipient: String) -> (region: String, ruleSet: ReceiptRuleSet)? {
        let address = recipient.lowercased()
        guard let at = address.lastIndex(of: "@") else { return nil }
        var domains: [String] = []
        var domain = Substring(address[address.index(after: at)...])
        while !domain.isEmpty {
            domains.append(String(domain))
            guard let dot = domain.firstIndex(of: ".") else { break }
            domain = domain[domain.index(after: dot)...]
        }
        for region in regions {
            guard let set = region.activeRuleSet, !set.rules(for: address).isEmpty else { continue }
            if region.verified.contains(address) || domains.contains(where: region.verified.contains) { return (region.name, set) }
        }
        return nil
    }
}
