import Foundation

/// DMARC (RFC 7489) for a received message: the `_dmarc` record of the From domain (or of its
/// organizational domain), SPF and DKIM alignment (relaxed or strict), and the policy that applies.
/// The organizational domain is the last two labels of the name: Sesame carries no Public
/// Suffix List, so under suffixes like `co.uk` it is one label too short.
public enum DMARCEvaluator {
    public struct Record: Sendable, Equatable {
        public var policy: String
        public var subdomainPolicy: String?
        public var strictDKIM: Bool
        public var strictSPF: Bool
    }

    /// SES's `dmarcVerdict` status, and `dmarcPolicy` (`none`, `quarantine`, `reject`) when it failed.
    public struct Outcome: Sendable, Equatable {
        public var verdict: String
        public var policy: String?
    }

    public static func parse(_ text: String) -> Record? {
        let tags = DKIMVerifier.tags(text).mapValues { $0.lowercased() }
        guard tags["v"] == "dmarc1", let policy = tags["p"], ["none", "quarantine", "reject"].contains(policy) else { return nil }
        let subdomain = tags["sp"].flatMap { ["none", "quarantine", "reject"].contains($0) ? $0 : nil }
        return Record(policy: policy, subdomainPolicy: subdomain, strictDKIM: tags["adkim"] == "s", strictSPF: tags["aspf"] == "s")
    }

    public static func organizationalDomain(_ domain: String) -> String {
        let labels = domain.lowercased().split(separator: ".")
        return labels.suffix(2).joined(separator: ".")
    }

    static func aligned(_ a: String, _ b: String, strict: Bool) -> Bool {
        strict ? a.lowercased() == b.lowercased() : organizationalDomain(a) == organizationalDomain(b)
    }

    /// `fromDomain`: the RFC 5322 From address's domain; `spfDomain`: the domain SPF checked
    /// (the envelope sender's, or the HELO name's for `<>`).
    public static func evaluate(
        fromDomain: String, spf: SPFEvaluator.Result, spfDomain: String, dkim: [DKIMVerifier.Outcome], lookup: any SPFLookup
    ) async -> Outcome {
        let from = fromDomain.lowercased()
        guard !from.isEmpty else { return Outcome(verdict: "GRAY", policy: nil) }
        var record: Record?
        var atOrganization = false
        do {
            record = try await lookup.texts("_dmarc.\(from)").lazy.compactMap(parse).first
            let organization = organizationalDomain(from)
            if record == nil && organization != from {
                record = try await lookup.texts("_dmarc.\(organization)").lazy.compactMap(parse).first
                atOrganization = record != nil
            }
        } catch {
            return Outcome(verdict: "PROCESSING_FAILED", policy: nil)
        }
        guard let record else { return Outcome(verdict: "GRAY", policy: nil) }
        let spfAligned = spf == .pass && aligned(spfDomain, from, strict: record.strictSPF)
        let dkimAligned = dkim.contains { $0.result == .pass && aligned($0.domain, from, strict: record.strictDKIM) }
        if spfAligned || dkimAligned { return Outcome(verdict: "PASS", policy: nil) }
        let policy = atOrganization ? record.subdomainPolicy ?? record.policy : record.policy
        return Outcome(verdict: "FAIL", policy: policy)
    }
}
