import SesameAWSModels
import SesameAWSProtocol
import SesameBackend
import SesameCore

/// SNS's lists, paged by 100 with `NextToken` as SNS pages them, and topics scoped to the
/// request's region: a topic ARN of another region is `NotFound`.
extension SNSHandlers {
    static let pageSize = 100

    /// A page of `items` after the token (the index of the next item, as text).
    static func page<T>(_ items: [T], token: String?) throws(SesameError) -> (items: [T], next: String?) {
        let start =
            try token.map { text throws(SesameError) -> Int in
                guard let index = Int(text), index >= 0, index <= items.count else {
                    throw SesameError(.invalidParameter, "Invalid parameter: NextToken")
                }
                return index
            } ?? 0
        let end = min(start + pageSize, items.count)
        return (Array(items[start..<end]), end < items.count ? String(end) : nil)
    }

    /// Refuses a topic (or subscription) ARN outside the request's region.
    static func inRegion(_ arn: String, _ call: AWSCall) throws(SesameError) {
        let parts = arn.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count >= 6, parts[2] == "sns", parts[3] == call.region else {
            throw SesameError(.snsNotFound, "Topic does not exist")
        }
    }

    static func wire(_ subscription: SNSSubscription, owner: String) -> SNS.Subscription {
        SNS.Subscription(
            subscriptionArn: subscription.confirmed ? subscription.arn : "PendingConfirmation", owner: owner,
            protocol: subscription.protocolName, endpoint: subscription.endpoint, topicArn: subscription.topicARN)
    }

    static func addLists(_ sns: SNSBackend, _ handlers: inout AWSHandlers) {
        handlers.on(SNS.Operations.ListTopics.self) { input, call in
            let page = try page(try await sns.listTopics(call.caller, region: call.region), token: input.nextToken)
            return .init(topics: page.items.map { SNS.Topic(topicArn: $0) }, nextToken: page.next)
        }
        handlers.on(SNS.Operations.ListSubscriptionsByTopic.self) { input, call in
            try inRegion(input.topicArn, call)
            let all = try await sns.listSubscriptions(call.caller, topicARN: input.topicArn)
            let page = try page(all, token: input.nextToken)
            return .init(subscriptions: page.items.map { wire($0, owner: call.caller.accountID) }, nextToken: page.next)
        }
        handlers.on(SNS.Operations.ListSubscriptions.self) { input, call in
            let page = try page(try await sns.allSubscriptions(call.caller, region: call.region), token: input.nextToken)
            return .init(subscriptions: page.items.map { wire($0, owner: call.caller.accountID) }, nextToken: page.next)
        }
    }
}
