public import SesameBackend
import SesameConcurrency
public import SesameCore

/// The verdicts of received mail, computed here: SPF for the client address and the envelope
/// sender's domain (the HELO name's for `<>`), every DKIM signature against the keys in DNS,
/// DMARC for the From domain, the virus check (the EICAR test file) and Sesame's spam score.
/// Without a DNS server the DNS-based verdicts are `PROCESSING_FAILED`.
public struct DNSReceiptChecks: ReceiptChecks {
    let dns: ReceiptDNS?
    let spamThreshold: Int

    public init(resolver: DNSResolver?, spamThreshold: Int) {
        self.dns = resolver.map(ReceiptDNS.init)
        self.spamThreshold = spamThreshold
    }

    public func verdicts(for message: ReceivedMessage) async -> ReceiptVerdicts {
        let raw = message.raw
        let virus = VirusCheck.carriesVirus(raw) ? "FAIL" : "PASS"
        let fromHeader = MIME.headers(of: raw).first { $0.name.lowercased() == "from" }?.value
        let fromDomain = fromHeader.flatMap(EmailAddress.parse)?.domain ?? ""
        var verdicts = ReceiptVerdicts(
            spam: "PROCESSING_FAILED", virus: virus, spf: "PROCESSING_FAILED", dkim: "PROCESSING_FAILED", dmarc: "PROCESSING_FAILED")
        if let dns {
            let senderDomain = message.mailFrom.isEmpty ? message.helo : EmailAddress(address: message.mailFrom).domain
            let sender = message.mailFrom.isEmpty ? "postmaster@\(message.helo)" : message.mailFrom
            let spf = await SPFEvaluator.check(
                ip: message.remoteAddress, domain: senderDomain, sender: sender, helo: message.helo, lookup: dns)
            let dkim = await DKIMVerifier(lookup: dns, verify: DKIMKeys.verifySignature).verifyAll(raw, now: message.receivedAt)
            let dmarc = await DMARCEvaluator.evaluate(fromDomain: fromDomain, spf: spf, spfDomain: senderDomain, dkim: dkim, lookup: dns)
            verdicts.spf = SPFEvaluator.verdict(spf)
            verdicts.spfResult = spf.rawValue
            verdicts.dkim = DKIMVerifier.verdict(dkim)
            verdicts.dmarc = dmarc.verdict
            verdicts.dmarcPolicy = dmarc.policy
        }
        verdicts.spam = SpamScore.score(raw, spf: verdicts.spfResult ?? "", dkim: verdicts.dkim, dmarc: verdicts.dmarc).verdict(
            threshold: spamThreshold)
        return verdicts
    }
}

/// Sesame's resolver as SPF, DKIM and DMARC ask it: a name that does not exist answers nothing,
/// and MX lookups have no implicit MX (SPF's `mx` term matches listed exchangers only). Answers
/// are kept for a minute, as a caching resolver would (mail from one sender asks the same
/// questions again and again); failures are not kept, and the cache is bounded.
struct ReceiptDNS: SPFLookup, DKIMKeyLookup {
    let resolver: DNSResolver
    let cache = AnswerCache()

    func texts(_ name: String) async throws -> [String] {
        try await cache.answer("TXT \(name)") { try await resolver.texts(name) }
    }

    func addresses(_ host: String) async throws -> [String] {
        try await cache.answer("A \(host)") { try await resolver.addresses(host) }
    }

    func mailExchangers(_ domain: String) async throws -> [String] {
        try await cache.answer("MX \(domain)") {
            do {
                return try await resolver.lookup(domain, .mx).compactMap {
                    if case .mx(_, let exchange) = $0, !exchange.isEmpty, exchange != "." { exchange } else { nil }
                }
            } catch let failure as DNSResolver.Failure where failure.nameDoesNotExist {
                return []
            }
        }
    }

    final class AnswerCache: Sendable {
        static let lifetime: Duration = .seconds(60)
        static let capacity = 4096
        let entries = Locked([String: (expires: ContinuousClock.Instant, answer: [String])]())

        func answer(_ question: String, _ ask: () async throws -> [String]) async throws -> [String] {
            let now = ContinuousClock.now
            if let kept = entries.withLock({ $0[question] }), kept.expires > now { return kept.answer }
            let answer = try await ask()
            entries.withLock { entries in
                if entries.count >= Self.capacity { entries.removeAll(keepingCapacity: true) }
                entries[question] = (now + Self.lifetime, answer)
            }
            return answer
        }
    }
}
