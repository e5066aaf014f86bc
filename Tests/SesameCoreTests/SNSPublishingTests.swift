import Foundation
import Testing

@testable import SesameCore

@Suite struct SNSPublishingTests {
    @Test func deliveryPolicyPhases() throws {
        let text = #"""
            {"healthyRetryPolicy": {"numRetries": 7, "numNoDelayRetries": 1, "numMinDelayRetries": 1, "numMaxDelayRetries": 2,
             "minDelayTarget": 2, "maxDelayTarget": 20, "backoffFunction": "linear"}}
            """#
        try SNSDeliveryPolicy.validate(text, topic: false)
        let policy = SNSDeliveryPolicy.effective(topic: nil, subscription: text)
        // 1 immediate, 1 after the minimum, 3 in the backoff phase rising to the maximum, 2 at the maximum.
        #expect((1...8).map { policy.delay(beforeRetry: $0) } == [0, 2, 8, 14, 20, 20, 20, nil])
        #expect(SNSDeliveryPolicy.effective(topic: nil, subscription: nil).delay(beforeRetry: 3) == 20)
        #expect(SNSDeliveryPolicy.effective(topic: nil, subscription: nil).delay(beforeRetry: 4) == nil)
    }

    @Test func backoffCurvesRiseFromMinimumToMaximum() {
        for backoff in SNSDeliveryPolicy.Backoff.allCases {
            var policy = SNSDeliveryPolicy()
            policy.numRetries = 4
            policy.minDelayTarget = 1
            policy.maxDelayTarget = 16
            policy.backoffFunction = backoff
            let delays = (1...4).compactMap { policy.delay(beforeRetry: $0) }
            #expect(delays.count == 4 && delays.last == 16, "\(backoff)")
            #expect(zip(delays, delays.dropFirst()).allSatisfy { $0 <= $1 }, "\(backoff): \(delays)")
        }
    }

    @Test func topicPolicyWinsWhenOverridesAreDisabled() {
        let topic =
            #"{"http": {"defaultHealthyRetryPolicy": {"numRetries": 1, "minDelayTarget": 5, "maxDelayTarget": 5}, "disableSubscriptionOverrides": true}}"#
        let subscription = #"{"healthyRetryPolicy": {"numRetries": 9}}"#
        #expect(SNSDeliveryPolicy.effective(topic: topic, subscription: subscription).numRetries == 1)
        let open = topic.replacingOccurrences(of: "true", with: "false")
        #expect(SNSDeliveryPolicy.effective(topic: open, subscription: subscription).numRetries == 9)
    }

    @Test func invalidDeliveryPoliciesAreRefused() {
        for bad in [
            #"{"healthyRetryPolicy": {"numRetries": 101}}"#, #"{"healthyRetryPolicy": {"minDelayTarget": 30, "maxDelayTarget": 10}}"#,
            #"{"healthyRetryPolicy": {"backoffFunction": "cubic"}}"#,
            #"{"healthyRetryPolicy": {"numRetries": 1, "numNoDelayRetries": 2}}"#, "not json",
        ] {
            #expect(throws: SesameError.self, "\(bad)") { try SNSDeliveryPolicy.validate(bad, topic: false) }
        }
        #expect(throws: SesameError.self) { try SNSDeliveryPolicy.validate(#"{"http": 3}"#, topic: true) }
    }

    @Test func messageStructurePicksTheProtocolsMessage() throws {
        let publication = try SNSPublication(message: #"{"default": "d", "sqs": "q"}"#, structure: "json")
        #expect(publication.message(for: "sqs") == "q")
        #expect(publication.message(for: "http") == "d")
        #expect(throws: SesameError.self) { try SNSPublication(message: #"{"sqs": "q"}"#, structure: "json") }
        #expect(throws: SesameError.self) { try SNSPublication(message: #"{"default": 1}"#, structure: "json") }
        #expect(throws: SesameError.self) { try SNSPublication(message: "x", structure: "xml") }
    }

    @Test func publicationLimits() {
        #expect(throws: SesameError.self) { try SNSPublication(message: "") }
        #expect(throws: SesameError.self) { try SNSPublication(message: String(repeating: "x", count: 262_145)) }
        #expect(throws: SesameError.self) { try SNSPublication(message: "x", subject: "two\nlines") }
        #expect(throws: SesameError.self) { try SNSPublication(message: "x", groupID: "") }
        #expect(throws: SesameError.self) { try SNSPublication(message: "x", deduplicationID: String(repeating: "d", count: 129)) }
        #expect((try? SNSPublication(message: "x", subject: "Disk alert", groupID: "g", deduplicationID: "d")) != nil)
    }
}
