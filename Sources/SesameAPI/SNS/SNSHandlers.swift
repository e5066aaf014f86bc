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
        addLists(sns, &handlers)
        addPublishing(sns, &handlers)
        handlers.on(SNS.Operations.CreateTopic.self) { input, call in
            .init(
                topicArn: try await sns.createTopic(call.caller, region: call.region, name: input.name, attributes: input.attributes ?? [:])
            )
        }
        handlers.on(SNS.Operations.DeleteTopic.self) { input, call in
            try inRegion(input.topicArn, call)
            try await sns.deleteTopic(call.caller, arn: input.topicArn)
            return .init()
        }
        handlers.on(SNS.Operations.GetTopicAttributes.self) { input, call in
            try inRegion(input.topicArn, call)
            return .init(attributes: try await sns.topicAttributes(call.caller, arn: input.topicArn))
        }
        handlers.on(SNS.Operations.Subscribe.self) { input, call in
            try inRegion(input.topicArn, call)
            let attributes = input.attributes ?? [:]
            for name in attributes.keys where !SNSBackend.settableSubscriptionAttributes.contains(name) {
                throw SesameError(.invalidParameter, "Invalid parameter: Attributes Reason: Unknown attribute \(name)")
            }
            let subscribed = try await sns.subscribe(
                call.caller, topicARN: input.topicArn, protocolName: input.protocol,
                endpoint: try AWSCall.required(input.endpoint, "endpoint"), rawDelivery: attributes["RawMessageDelivery"] == "true")
            for (name, value) in attributes where name != "RawMessageDelivery" {
                try await sns.setSubscriptionAttribute(call.caller, arn: subscribed.arn, name: name, value: value)
            }
            // Pending subscriptions are "pending confirmation" unless the caller asks for the ARN.
            return .init(
                subscriptionArn: subscribed.confirmed || input.returnSubscriptionArn == true ? subscribed.arn : "pending confirmation")
        }
        handlers.on(SNS.Operations.TagResource.self) { input, call in
            try await sns.tagTopic(
                call.caller, arn: input.resourceArn, add: Dictionary(input.tags.map { ($0.key, $0.value) }, uniquingKeysWith: { $1 }),
                remove: [])
            return .init()
        }
        handlers.on(SNS.Operations.UntagResource.self) { input, call in
            try await sns.tagTopic(call.caller, arn: input.resourceArn, add: [:], remove: input.tagKeys)
            return .init()
        }
        handlers.on(SNS.Operations.ListTagsForResource.self) { input, call in
            let tags = try await sns.topicTags(call.caller, arn: input.resourceArn)
            return .init(tags: tags.keys.sorted().map { SNS.Tag(key: $0, value: tags[$0] ?? "") })
        }
        handlers.on(SNS.Operations.AddPermission.self) { input, call in
            try inRegion(input.topicArn, call)
            try await sns.changePermission(
                call.caller, arn: input.topicArn, label: input.label, add: (input.awsAccountId, input.actionName))
            return .init()
        }
        handlers.on(SNS.Operations.RemovePermission.self) { input, call in
            try inRegion(input.topicArn, call)
            try await sns.changePermission(call.caller, arn: input.topicArn, label: input.label, add: nil)
            return .init()
        }
        handlers.on(SNS.Operations.SetTopicAttributes.self) { input, call in
            try inRegion(input.topicArn, call)
            try await sns.setTopicAttribute(call.caller, arn: input.topicArn, name: input.attributeName, value: input.attributeValue)
            return .init()
        }
        handlers.on(SNS.Operations.GetSubscriptionAttributes.self) { input, call in
            .init(attributes: try await sns.subscriptionAttributes(call.caller, arn: input.subscriptionArn))
        }
        handlers.on(SNS.Operations.SetSubscriptionAttributes.self) { input, call in
            try await sns.setSubscriptionAttribute(
                call.caller, arn: input.subscriptionArn, name: input.attributeName, value: input.attributeValue)
            return .init()
        }
        handlers.on(SNS.Operations.ConfirmSubscription.self) { input, _ in
            .init(subscriptionArn: try await sns.confirmSubscription(topicARN: input.topicArn, token: input.token))
        }
        handlers.on(SNS.Operations.Unsubscribe.self) { input, call in
            try await sns.unsubscribe(call.caller, subscriptionARN: input.subscriptionArn)
            return .init()
        }
        return handlers
    }
}
