import Foundation
import SesameAWSModels
public import SesameAWSProtocol
public import SesameBackend
import SesameCore

/// SNS (Query protocol, 2010-03-31), as far as SES notifications need it, at `POST /` for
/// requests signed for `sns`.
public enum SNSHandlers {
    public static func make(_ sns: SNSBackend) -> AWSHandlers {
        var handlers = AWSHandlers(SNS.self)
        handlers.on(SNS.Operations.CreateTopic.self) { input, call in
            .init(
                topicArn: try await sns.createTopic(call.caller, region: call.region, name: input.name, attributes: input.attributes ?? [:])
            )
        }
        handlers.on(SNS.Operations.ListTopics.self) { _, call in
            .init(topics: try await sns.listTopics(call.caller, region: call.region).map { SNS.Topic(topicArn: $0) })
        }
        handlers.on(SNS.Operations.DeleteTopic.self) { input, call in
            try await sns.deleteTopic(call.caller, arn: input.topicArn)
            return .init()
        }
        handlers.on(SNS.Operations.GetTopicAttributes.self) { input, call in
            .init(attributes: try await sns.topicAttributes(call.caller, arn: input.topicArn))
        }
        handlers.on(SNS.Operations.Subscribe.self) { input, call in
            let arn = try await sns.subscribe(
                call.caller, topicARN: input.topicArn, protocolName: input.protocol,
                endpoint: try AWSCall.required(input.endpoint, "endpoint"),
                rawDelivery: input.attributes?["RawMessageDelivery"] == "true")
            return .init(subscriptionArn: arn)
        }
        handlers.on(SNS.Operations.ConfirmSubscription.self) { input, _ in
            .init(subscriptionArn: try await sns.confirmSubscription(topicARN: input.topicArn, token: input.token))
        }
        handlers.on(SNS.Operations.ListSubscriptionsByTopic.self) { input, call in
            let subscriptions = try await sns.listSubscriptions(call.caller, topicARN: input.topicArn)
            let owner = call.caller.accountID
            return .init(
                subscriptions: subscriptions.map {
                    SNS.Subscription(
                        subscriptionArn: $0.confirmed ? $0.arn : "PendingConfirmation", owner: owner, protocol: $0.protocolName,
                        endpoint: $0.endpoint, topicArn: $0.topicARN)
                })
        }
        handlers.on(SNS.Operations.Unsubscribe.self) { input, call in
            try await sns.unsubscribe(call.caller, subscriptionARN: input.subscriptionArn)
            return .init()
        }
        handlers.on(SNS.Operations.Publish.self) { input, call in
            guard let topic = input.topicArn ?? input.targetArn else {
                throw SesameError(.invalidParameter, "Invalid parameter: TopicArn or TargetArn Reason: no value for required parameter")
            }
            return .init(messageId: try await sns.publish(call.caller, topicARN: topic, message: input.message, subject: input.subject))
        }
        return handlers
    }
}
