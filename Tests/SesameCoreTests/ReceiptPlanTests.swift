import Foundation
import Testing

@testable import SesameCore

@Suite struct ReceiptPlanTests {
    static let set: ReceiptRuleSet = {
        var set = ReceiptRuleSet(region: "us-east-1", name: "s", createdAt: Date())
        set.rules = [
            ReceiptRule(
                name: "tag", enabled: true, actions: [.addHeader(name: "X-Seen", value: "1")]),
            ReceiptRule(
                name: "support", enabled: true, recipients: ["support@example.com"],
                actions: [.sns(topicARN: "t", encoding: "UTF-8"), .stop(scope: "RuleSet", topicARN: nil)], scanEnabled: true),
            ReceiptRule(name: "never", enabled: true, actions: [.addHeader(name: "X-Late", value: "2")]),
            ReceiptRule(name: "off", enabled: false, actions: [.sns(topicARN: "u", encoding: "UTF-8")]),
        ]
        return set
    }()

    @Test func rulesRunInOrderUntilAStop() {
        let steps = ReceiptPlan.steps(
            recipients: ["support@example.com", "sales@example.com"], tls: true, ruleSet: Self.set, bounceSender: "MAILER-DAEMON@x")
        #expect(steps.map(\.rule) == ["tag", "support", "support"])
        #expect(steps[0].recipients == ["support@example.com", "sales@example.com"])
        #expect(steps[1].recipients == ["support@example.com"] && steps[1].scanEnabled)
        // Without a Stop the later rule runs for the recipients it matches.
        let sales = ReceiptPlan.steps(recipients: ["sales@example.com"], tls: true, ruleSet: Self.set, bounceSender: "m@x")
        #expect(sales.map(\.rule) == ["tag", "never"])
    }

    @Test func tlsRequiredRulesBounceMailWithoutTLS() {
        var set = Self.set
        set.rules[1].tlsPolicy = "Require"
        let plain = ReceiptPlan.steps(recipients: ["support@example.com"], tls: false, ruleSet: set, bounceSender: "m@x")
        #expect(plain.map(\.rule) == ["tag", "support", "never"])
        guard case .bounce(let code, let status, _, let sender, _) = plain[1].action else {
            Issue.record("expected a bounce, got \(plain[1].action)")
            return
        }
        #expect(code == "530" && status == "5.7.0" && sender == "m@x")
        #expect(ReceiptPlan.steps(recipients: ["support@example.com"], tls: true, ruleSet: set, bounceSender: "m@x").count == 3)
    }

    @Test func addedHeadersComeOnTopForLaterSteps() {
        let steps = ReceiptPlan.steps(recipients: ["a@example.com"], tls: true, ruleSet: Self.set, bounceSender: "m@x")
        let raw = Array("Subject: hi\r\n\r\nbody\r\n".utf8)
        #expect(ReceiptPlan.message(raw, before: 0, of: steps) == raw)
        #expect(
            String(decoding: ReceiptPlan.message(raw, before: 1, of: steps), as: UTF8.self) == "X-Seen: 1\r\nSubject: hi\r\n\r\nbody\r\n")
        #expect(
            String(decoding: ReceiptPlan.message(raw, before: 2, of: steps), as: UTF8.self)
                == "X-Late: 2\r\nX-Seen: 1\r\nSubject: hi\r\n\r\nbody\r\n")
    }

    @Test func headerActionsAreCheckedAsSESChecksThem() {
        #expect(throws: Never.self) { try ReceiptPlan.validateHeader(name: "X-Route-1", value: "a b") }
        #expect(throws: SesameError.self) { try ReceiptPlan.validateHeader(name: "X Route", value: "a") }
        #expect(throws: SesameError.self) { try ReceiptPlan.validateHeader(name: String(repeating: "x", count: 51), value: "a") }
        #expect(throws: SesameError.self) { try ReceiptPlan.validateHeader(name: "X-A", value: "a\r\nBcc: x@y") }
        #expect(throws: SesameError.self) {
            try ReceiptRule(name: "r", actions: [.addHeader(name: "Bad:Name", value: "v")]).validate()
        }
    }

    @Test func bounceReportsCarryTheActionsReply() throws {
        let step = ReceiptStep(
            rule: "gone", recipients: ["gone@example.com"],
            action: .bounce(smtpReplyCode: "550", statusCode: "5.1.1", message: "No such user", sender: "b@example.com", topicARN: nil),
            scanEnabled: false)
        let report = try #require(
            ReceiptPlan.bounceReport(for: step, mailFrom: "alice@remote.test", originalHeaders: [], reportingMTA: "mx.test"))
        #expect(report.from == "b@example.com" && report.to == "alice@remote.test")
        #expect(report.recipients.map(\.diagnosticCode) == ["smtp; 550 5.1.1 No such user"])
        #expect(report.recipients.map(\.status) == ["5.1.1"] && report.recipients.map(\.action) == ["failed"])
        // The null sender gets no bounce.
        #expect(ReceiptPlan.bounceReport(for: step, mailFrom: "", originalHeaders: [], reportingMTA: "mx.test") == nil)
    }

    @Test func spamScoreIsTheDocumentedSum() {
        let clean = Array("From: a@b.test\r\nDate: x\r\nMessage-ID: <1@b>\r\nSubject: Hello there\r\n\r\nhi\r\n".utf8)
        #expect(SpamScore.score(clean, spf: "pass", dkim: "PASS", dmarc: "PASS").points == 0)
        #expect(SpamScore.score(clean, spf: "softfail", dkim: "GRAY", dmarc: "GRAY").verdict(threshold: 5) == "PASS")
        let failing = SpamScore.score(clean, spf: "fail", dkim: "FAIL", dmarc: "FAIL")
        #expect(failing.points == 8 && failing.verdict(threshold: 5) == "FAIL" && failing.verdict(threshold: 20) == "PASS")
        let bare = Array("Subject: BUY NOW CHEAP PILLS\r\n\r\nhi\r\n".utf8)
        let score = SpamScore.score(bare, spf: "none", dkim: "GRAY", dmarc: "GRAY")
        #expect(score.points == 5 && score.reasons.contains("subject in capitals"))
        #expect(score.verdict(threshold: 10) == "GRAY" && score.verdict(threshold: 11) == "PASS")
        let gtube = Array("From: a@b.test\r\n\r\nXJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X\r\n".utf8)
        #expect(SpamScore.score(gtube, spf: "pass", dkim: "PASS", dmarc: "PASS").verdict(threshold: 5) == "FAIL")
    }

    @Test func notificationsShowScansOnlyForScanningRules() {
        let verdicts = ReceiptVerdicts(spam: "FAIL", virus: "FAIL", spf: "PASS", dkim: "PASS", dmarc: "PASS")
        #expect(verdicts.shown(scanEnabled: true) == verdicts)
        let hidden = verdicts.shown(scanEnabled: false)
        #expect(hidden.spam == "DISABLED" && hidden.virus == "DISABLED" && hidden.spf == "PASS")
    }
}
