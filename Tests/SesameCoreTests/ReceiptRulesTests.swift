import Foundation
import Testing

@testable import SesameCore

@Suite struct ReceiptRulesTests {
    @Test func recipientsMatchAsSESMatches() {
        let rule = ReceiptRule(name: "r", enabled: true, recipients: ["support@example.com", "example.org", ".example.net"])
        #expect(rule.matches("Support@Example.com"))
        #expect(!rule.matches("sales@example.com"))
        #expect(rule.matches("anyone@example.org"))
        #expect(!rule.matches("anyone@sub.example.org"))  // a domain is not its subdomains
        #expect(rule.matches("anyone@mail.example.net"))
        #expect(!rule.matches("anyone@example.net"))  // a leading dot is subdomains only
        #expect(ReceiptRule(name: "all").matches("x@anything.test"))
    }

    @Test func enabledRulesInOrder() throws {
        var set = ReceiptRuleSet(region: "us-east-1", name: "s", createdAt: Date())
        set.rules = [
            ReceiptRule(name: "a", enabled: true, recipients: ["example.com"]), ReceiptRule(name: "b", enabled: false),
            ReceiptRule(name: "c", enabled: true),
        ]
        #expect(set.rules(for: "x@example.com").map(\.name) == ["a", "c"])
        #expect(set.rules(for: "x@other.test").map(\.name) == ["c"])
        #expect(try set.insertionIndex(after: nil) == 0)
        #expect(try set.insertionIndex(after: "b") == 2)
        #expect(throws: SesameError.self) { try set.insertionIndex(after: "zz") }
    }

    @Test func ruleChecks() {
        #expect(throws: SesameError.self) {
            try ReceiptRule(name: "r", actions: [.stop(scope: "RuleSet", topicARN: nil), .addHeader(name: "X", value: "v")]).validate()
        }
        #expect(throws: SesameError.self) { try ReceiptRule(name: "r", tlsPolicy: "Sometimes").validate() }
        #expect(throws: SesameError.self) {
            try ReceiptRule(
                name: "r", actions: [.bounce(smtpReplyCode: "250", statusCode: nil, message: "m", sender: "a@b", topicARN: nil)]
            ).validate()
        }
        #expect(throws: SesameError.self) { try ReceiptRule(name: "r", actions: [.sns(topicARN: "t", encoding: "UTF-16")]).validate() }
        #expect(
            (try? ReceiptRule(name: "r", actions: [.addHeader(name: "X", value: "v"), .stop(scope: "RuleSet", topicARN: nil)]).validate())
                != nil)
        #expect(throws: SesameError.self) { try ReceiptNames.check("bad!name", field: "rule.name") }
        #expect(throws: SesameError.self) { try ReceiptNames.check("-leading", field: "rule.name") }
        #expect(throws: SesameError.self) { try ReceiptNames.check(String(repeating: "a", count: 65), field: "rule.name") }
        #expect((try? ReceiptNames.check("inbound_1.v-2", field: "rule.name")) != nil)
    }

    @Test func filtersBlockUnlessAllowed() {
        let filters = [
            ReceiptFilter(region: "us-east-1", name: "b", policy: "Block", cidr: "203.0.113.0/24"),
            ReceiptFilter(region: "us-east-1", name: "a", policy: "Allow", cidr: "203.0.113.7"),
            ReceiptFilter(region: "us-east-1", name: "v6", policy: "Block", cidr: "2001:db8::/32"),
        ]
        #expect(ReceiptFilter.refuses("203.0.113.9", filters: filters))
        #expect(!ReceiptFilter.refuses("203.0.113.7", filters: filters))
        #expect(!ReceiptFilter.refuses("198.51.100.1", filters: filters))
        #expect(ReceiptFilter.refuses("2001:db8::1", filters: filters))
        #expect(throws: SesameError.self) { try ReceiptFilter(region: "r", name: "x", policy: "Block", cidr: "300.0.0.0/8").validate() }
        #expect(throws: SesameError.self) { try ReceiptFilter(region: "r", name: "x", policy: "Maybe", cidr: "10.0.0.0/8").validate() }
    }
}
