import Foundation
import Testing

@testable import SesameCore

@Suite("Delivery rules")
struct DeliveryRulesTests {
    let start = Date(timeIntervalSince1970: 1_700_000_000)

    @Test("a configuration set's MaxDeliverySeconds replaces the node's time limit")
    func maxDeliverySecondsReplacesTheLimit() {
        let node = RetryPolicy(initialDelay: 60, maximumDelay: 600, maximumAge: 12 * 3600)
        let queued = Date(timeIntervalSince1970: 1_000_000)
        let late = queued.addingTimeInterval(290)
        #expect(node.nextAttempt(attempts: 3, queuedAt: queued, now: late, jitter: 0.5) != nil)
        #expect(node.limited(toSeconds: 300).nextAttempt(attempts: 3, queuedAt: queued, now: late, jitter: 0.5) == nil)
        #expect(node.limited(toSeconds: nil) == node)
        let longer = RetryPolicy(initialDelay: 60, maximumDelay: 600, maximumAge: 600).limited(toSeconds: 50_400)
        #expect(longer.nextAttempt(attempts: 3, queuedAt: queued, now: queued.addingTimeInterval(3600), jitter: 0.5) != nil)
    }

    @Test func backoffDoublesUpToTheMaximumWithJitter() {
        let policy = RetryPolicy(initialDelay: 60, maximumDelay: 600, maximumAge: 12 * 3600)
        let waits = (1...6).map { policy.nextAttempt(attempts: $0, queuedAt: start, now: start, jitter: 0.5)!.timeIntervalSince(start) }
        #expect(waits == [60, 120, 240, 480, 600, 600])
        #expect(policy.nextAttempt(attempts: 1, queuedAt: start, now: start, jitter: 0)!.timeIntervalSince(start) == 45)
        #expect(policy.nextAttempt(attempts: 1, queuedAt: start, now: start, jitter: 1)!.timeIntervalSince(start) == 75)
    }

    @Test func givesUpAfterTheMaximumAge() {
        let policy = RetryPolicy(initialDelay: 60, maximumDelay: 3600, maximumAge: 3600)
        #expect(policy.nextAttempt(attempts: 3, queuedAt: start, now: start.addingTimeInterval(3000), jitter: 0.5) != nil)
        #expect(policy.nextAttempt(attempts: 4, queuedAt: start, now: start.addingTimeInterval(3500), jitter: 0.5) == nil)
    }

    @Test func replyCodesClassify() {
        #expect(DeliveryOutcome.fromReply(code: 250, text: "250 ok") == .delivered(reply: "250 ok"))
        #expect(DeliveryOutcome.fromReply(code: 451, text: "451 later") == .transient(reason: "451 later"))
        #expect(
            DeliveryOutcome.fromReply(code: 550, text: "550 5.1.1 unknown") == .permanent(reason: "550 5.1.1 unknown", subType: .noEmail))
        #expect(DeliveryOutcome.fromReply(code: 552, text: "552 5.2.2 full") == .permanent(reason: "552 5.2.2 full", subType: .mailboxFull))
        #expect(DeliveryOutcome.fromReply(code: 554, text: "554 no") == .permanent(reason: "554 no", subType: .general))
        #expect(DeliveryOutcome.fromReply(code: 999, text: "999 ?") == .transient(reason: "999 ?"))
        #expect(BounceSubType.mailboxFull.bounceType == "Transient")
        #expect(BounceSubType.onAccountSuppressionList.bounceType == "Permanent")
    }

    @Test func mailboxSimulatorScenarios() {
        #expect(MailboxSimulator.scenario(for: "success@simulator.amazonses.com") == .success)
        #expect(MailboxSimulator.scenario(for: "Bounce+label@Simulator.AmazonSES.com") == .bounce)
        #expect(MailboxSimulator.scenario(for: "suppressionlist@simulator.amazonses.com") == .suppressionList)
        #expect(MailboxSimulator.scenario(for: "nobody@simulator.amazonses.com") == nil)
        #expect(MailboxSimulator.scenario(for: "success@example.com") == nil)
    }
}

@Suite("Feedback reports")
struct FeedbackReportTests {
    @Test func deliveryStatusNotification() {
        let dsn = """
            From: MAILER-DAEMON@mx.example.net\r
            Content-Type: multipart/report; report-type=delivery-status; boundary="b1"\r
            \r
            --b1\r
            Content-Type: text/plain\r
            \r
            Your message could not be delivered.\r
            --b1\r
            Content-Type: message/delivery-status\r
            \r
            Reporting-MTA: dns; mx.example.net\r
            \r
            Final-Recipient: rfc822; gone@example.net\r
            Action: failed\r
            Status: 5.1.1\r
            Diagnostic-Code: smtp; 550 5.1.1 <gone@example.net>: Recipient address\r
              rejected: User unknown\r
            \r
            Final-Recipient: rfc822;later@example.net\r
            Action: delayed\r
            Status: 4.4.7\r
            \r
            --b1--\r

            """
        guard case .deliveryStatus(let mta, let recipients) = FeedbackReport.parse(Array(dsn.utf8)) else {
            Issue.record("not parsed")
            return
        }
        #expect(mta == "dns; mx.example.net")
        #expect(recipients.map(\.address) == ["gone@example.net", "later@example.net"])
        #expect(recipients.map(\.action) == ["failed", "delayed"] && recipients.map(\.status) == ["5.1.1", "4.4.7"])
        #expect(recipients[0].diagnosticCode == "smtp; 550 5.1.1 <gone@example.net>: Recipient address rejected: User unknown")
    }

    @Test func abuseReportAndNonReports() {
        let arf = """
            Content-Type: multipart/report; report-type=feedback-report; boundary=part\r
            \r
            --part\r
            Content-Type: text/plain\r
            \r
            This is an abuse report.\r
            --part\r
            Content-Type: message/feedback-report\r
            \r
            Feedback-Type: abuse\r
            User-Agent: ExampleFBL/1.0\r
            Version: 1\r
            Original-Rcpt-To: <reader@example.org>\r
            \r
            --part\r
            Content-Type: message/rfc822\r
            \r
            Subject: the original\r
            \r
            body\r
            --part--\r

            """
        #expect(
            FeedbackReport.parse(Array(arf.utf8))
                == .complaint(feedbackType: "abuse", userAgent: "ExampleFBL/1.0", recipients: ["reader@example.org"], arrivalDate: nil))
        #expect(FeedbackReport.parse(Array("Subject: hello\r\n\r\nJust mail.\r\n".utf8)) == nil)
    }
}

@Suite("Virus check")
struct VirusCheckTests {
    let eicar = #"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"#

    @Test func findsTheTestFilePlainAndAsABase64Attachment() {
        #expect(VirusCheck.carriesVirus(Array("Subject: x\r\n\r\n\(eicar)\r\n".utf8)))
        let attachment = Data(eicar.utf8).base64EncodedString()
        #expect(VirusCheck.carriesVirus(Array("Content-Transfer-Encoding: base64\r\n\r\n\(attachment)\r\n".utf8)))
        #expect(!VirusCheck.carriesVirus(Array("Subject: X5O!P%@AP\r\n\r\nalmost \(eicar.dropLast(3))\r\n".utf8)))
        #expect(!VirusCheck.carriesVirus([]))
    }
}
