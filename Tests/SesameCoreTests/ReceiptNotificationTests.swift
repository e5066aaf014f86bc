import Foundation
import Testing

@testable import SesameCore

@Suite struct ReceiptNotificationTests {
    @Test func receivedNotificationInSESFields() throws {
        let raw = Array(
            "Return-Path: <a@remote.test>\r\nFrom: Ann <a@remote.test>\r\nTo: support@example.com\r\nSubject: =?UTF-8?B?SMOpbGxv?=\r\n\r\nx\r\n"
                .utf8)
        let received = Date(timeIntervalSince1970: 1_800_000_000)
        let message = ReceivedMessage(
            id: "abc", region: "us-east-1", ruleSet: "inbound", mailFrom: "a@remote.test", recipients: ["support@example.com"], raw: raw,
            remoteAddress: "192.0.2.1", tls: true, receivedAt: received)
        let verdicts = ReceiptVerdicts(spam: "PASS", virus: "PASS", spf: "FAIL", dkim: "GRAY", dmarc: "FAIL", dmarcPolicy: "reject")
        let text = ReceiptNotification.json(
            message, raw: raw, verdicts: verdicts,
            action: ReceiptNotification.action(.sns(topicARN: "arn:aws:sns:us-east-1:1:t", encoding: "Base64")),
            processedAt: received.addingTimeInterval(0.25), content: Data(raw).base64EncodedString())
        let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(object["notificationType"] as? String == "Received")
        let receipt = try #require(object["receipt"] as? [String: Any])
        #expect(receipt["processingTimeMillis"] as? Int == 250)
        #expect((receipt["spfVerdict"] as? [String: String]) == ["status": "FAIL"] && receipt["dmarcPolicy"] as? String == "reject")
        #expect((receipt["action"] as? [String: String]) == ["type": "SNS", "topicArn": "arn:aws:sns:us-east-1:1:t", "encoding": "BASE64"])
        let mail = try #require(object["mail"] as? [String: Any])
        let common = try #require(mail["commonHeaders"] as? [String: Any])
        #expect(common["subject"] as? String == "Héllo" && common["returnPath"] as? String == "<a@remote.test>")
        #expect(mail["messageId"] as? String == "abc" && (mail["destination"] as? [String]) == ["support@example.com"])
        #expect(object["content"] as? String == Data(raw).base64EncodedString())
        // Actions other than SNS carry no content; a passing DMARC carries no policy.
        let stop = ReceiptNotification.json(
            message, raw: raw, verdicts: ReceiptVerdicts(spam: "PASS", virus: "PASS", spf: "PASS", dkim: "PASS", dmarc: "PASS"),
            action: ReceiptNotification.action(.stop(scope: "RuleSet", topicARN: "t")), processedAt: received)
        #expect(
            !stop.contains("\"content\"") && !stop.contains("dmarcPolicy") && stop.contains(#""action":{"topicArn":"t","type":"Stop"}"#))
    }
}
