import Foundation
public import SesameCore

extension SESBackend {
    /// The message's DKIM signatures checked against Sesame's own keys (the keys its DNS
    /// records publish), in words for people: each signature's domain, selector and result.
    /// Mail is signed when it goes out, so a captured message without a signature is signed
    /// here as delivery would sign it, and that signature is checked.
    public func ownDKIMVerdict(_ message: StoredMessage) async -> String {
        let lookup = OwnDKIMKeys(ses: self, region: message.region)
        let verifier = DKIMVerifier(lookup: lookup, verify: DKIMKeys.verifySignature)
        var outcomes = await verifier.verifyAll(message.raw, now: clock.now())
        var prefix = ""
        if outcomes.isEmpty {
            let prepared = await prepareForDelivery(message.raw, region: message.region)
            if let note = prepared.note { return note }
            outcomes = await verifier.verifyAll(prepared.message, now: clock.now())
            guard !outcomes.isEmpty else {
                return
                    "Not signed, and delivery would not sign it: the From domain has no DKIM key with signing enabled in \(message.region)."
            }
            prefix = "Signed as delivery will sign it: "
        }
        return prefix
            + outcomes.map { outcome in
                let words = outcome.result == .pass ? "verified with Sesame's key" : "\(outcome.result.rawValue): \(outcome.reason)"
                return "d=\(outcome.domain) s=\(outcome.selector): \(words)"
            }.joined(separator: "; ")
    }
}

/// DKIM key records as Sesame publishes them for its own signing keys (no DNS asked).
struct OwnDKIMKeys: DKIMKeyLookup {
    let ses: SESBackend
    let region: String

    func texts(_ name: String) async throws -> [String] {
        let lower = name.lowercased()
        guard let range = lower.range(of: "._domainkey.") else { return [] }
        let domain = String(lower[range.upperBound...])
        guard let key = try await ses.dkimKey(region: region, domain: domain) else { return [] }
        return key.dnsRecords.filter { $0.name.lowercased() == lower }.map(\.value)
    }
}
