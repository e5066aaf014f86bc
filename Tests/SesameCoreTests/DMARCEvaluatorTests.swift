import Foundation
import Testing

@testable import SesameCore

@Suite struct DMARCEvaluatorTests {
    struct Table: SPFLookup {
        var txt: [String: [String]]
        func texts(_ name: String) async throws -> [String] {
            if name.contains("down.test") { throw CancellationError() }
            return txt[name] ?? []
        }
        func addresses(_ host: String) async throws -> [String] { [] }
        func mailExchangers(_ domain: String) async throws -> [String] { [] }
    }

    let table = Table(txt: [
        "_dmarc.example.com": ["v=DMARC1; p=reject; sp=quarantine; adkim=s"],
        "_dmarc.relaxed.test": ["v=DMARC1; p=none"],
    ])

    func dkim(_ domain: String, _ result: DKIMVerifier.Result) -> DKIMVerifier.Outcome {
        DKIMVerifier.Outcome(domain: domain, selector: "s", result: result, reason: "")
    }

    func evaluate(
        _ from: String, spf: SPFEvaluator.Result = .fail, spfDomain: String = "other.test", _ signatures: [DKIMVerifier.Outcome] = []
    )
        async -> DMARCEvaluator.Outcome
    {
        await DMARCEvaluator.evaluate(fromDomain: from, spf: spf, spfDomain: spfDomain, dkim: signatures, lookup: table)
    }

    @Test func alignmentAndPolicies() async {
        #expect(await evaluate("example.com", [dkim("example.com", .pass)]) == .init(verdict: "PASS", policy: nil))
        // adkim=s: a passing signature of a subdomain does not align.
        #expect(await evaluate("example.com", [dkim("mail.example.com", .pass)]) == .init(verdict: "FAIL", policy: "reject"))
        // aspf is relaxed: SPF of a subdomain aligns.
        #expect(await evaluate("example.com", spf: .pass, spfDomain: "bounce.example.com") == .init(verdict: "PASS", policy: nil))
        // A subdomain without its own record takes the organization's sp=.
        #expect(await evaluate("news.example.com") == .init(verdict: "FAIL", policy: "quarantine"))
        #expect(await evaluate("relaxed.test", [dkim("mail.relaxed.test", .pass)]).verdict == "PASS")
        #expect(await evaluate("relaxed.test", [dkim("relaxed.test", .fail)]) == .init(verdict: "FAIL", policy: "none"))
        #expect(await evaluate("norecord.test").verdict == "GRAY")
        #expect(await evaluate("down.test").verdict == "PROCESSING_FAILED")
    }

    @Test func records() {
        #expect(DMARCEvaluator.parse("v=DMARC1; p=quarantine; aspf=s")?.strictSPF == true)
        #expect(DMARCEvaluator.parse("v=DMARC1; p=bogus") == nil)
        #expect(DMARCEvaluator.parse("v=spf1 -all") == nil)
        #expect(DMARCEvaluator.organizationalDomain("a.b.Example.COM") == "example.com")
    }
}
