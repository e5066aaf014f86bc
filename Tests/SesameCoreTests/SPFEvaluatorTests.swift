import Foundation
import Testing

@testable import SesameCore

/// SPF against a table of DNS answers.
@Suite struct SPFEvaluatorTests {
    struct Table: SPFLookup {
        var txt: [String: [String]] = [:]
        var hosts: [String: [String]] = [:]
        var mx: [String: [String]] = [:]
        var failing: Set<String> = []
        func texts(_ name: String) async throws -> [String] {
            if failing.contains(name) { throw CancellationError() }
            return txt[name] ?? []
        }
        func addresses(_ host: String) async throws -> [String] { hosts[host] ?? [] }
        func mailExchangers(_ domain: String) async throws -> [String] { mx[domain] ?? [] }
    }

    let table = Table(
        txt: [
            "example.com": ["v=spf1 ip4:192.0.2.0/24 include:_spf.partner.test mx a:web.example.com -all", "unrelated"],
            "_spf.partner.test": ["v=spf1 ip6:2001:db8::/32 ~all"],
            "soft.test": ["v=spf1 ~all"], "neutral.test": ["v=spf1 ?all"], "two.test": ["v=spf1 -all", "v=spf1 +all"],
            "redirected.test": ["v=spf1 redirect=example.com"], "broken.test": ["v=spf1 ip4:300.1.1.1 -all"],
            "loop.test": ["v=spf1 include:loop.test -all"], "exists.test": ["v=spf1 exists:%{i}.allow.exists.test -all"],
            "cidr.test": ["v=spf1 a:net.cidr.test/24 -all"],
        ],
        hosts: [
            "web.example.com": ["198.51.100.7"], "mx1.example.com": ["203.0.113.5"], "198.51.100.9.allow.exists.test": ["127.0.0.2"],
            "net.cidr.test": ["198.51.100.1"],
        ],
        mx: ["example.com": ["mx1.example.com"]], failing: ["dns-down.test"])

    func check(_ ip: String, _ domain: String) async -> SPFEvaluator.Result {
        await SPFEvaluator.check(ip: ip, domain: domain, sender: "bob@\(domain)", helo: "client.test", lookup: table)
    }

    @Test func mechanismsAndQualifiers() async {
        #expect(await check("192.0.2.77", "example.com") == .pass)  // ip4
        #expect(await check("2001:db8::1", "example.com") == .pass)  // through include's ip6
        #expect(await check("203.0.113.5", "example.com") == .pass)  // mx
        #expect(await check("198.51.100.7", "example.com") == .pass)  // a:host
        #expect(await check("198.51.100.8", "example.com") == .fail)  // -all
        #expect(await check("198.51.100.8", "soft.test") == .softfail)
        #expect(await check("198.51.100.8", "neutral.test") == .neutral)
        #expect(await check("198.51.100.8", "nothing.test") == .none)
        #expect(await check("192.0.2.1", "redirected.test") == .pass)
        #expect(await check("198.51.100.9", "exists.test") == .pass)  // %{i} macro
        #expect(await check("198.51.100.10", "exists.test") == .fail)
        #expect(await check("198.51.100.200", "cidr.test") == .pass)  // a/24
    }

    @Test func errors() async {
        #expect(await check("192.0.2.1", "two.test") == .permerror)  // two SPF records
        #expect(await check("192.0.2.1", "broken.test") == .permerror)
        #expect(await check("192.0.2.1", "loop.test") == .permerror)  // more than 10 lookups
        #expect(await check("192.0.2.1", "dns-down.test") == .temperror)
        #expect(SPFEvaluator.verdict(.softfail) == "GRAY" && SPFEvaluator.verdict(.temperror) == "PROCESSING_FAILED")
    }
}
