import Foundation
public import SesameCore
import SesameStorage

/// SNS topic and subscription attributes, as SNS stores and reports them.
extension SNSBackend {
    /// Topic attributes a caller may set.
    static let settableTopicAttributes: Set<String> = [
        "DisplayName", "Policy", "DeliveryPolicy", "KmsMasterKeyId", "SignatureVersion", "TracingConfig", "ContentBasedDeduplication",
        "ArchivePolicy", "DataProtectionPolicy", "FifoThroughputScope",
        "ApplicationSuccessFeedbackRoleArn", "ApplicationSuccessFeedbackSampleRate", "ApplicationFailureFeedbackRoleArn",
        "HTTPSuccessFeedbackRoleArn", "HTTPSuccessFeedbackSampleRate", "HTTPFailureFeedbackRoleArn",
        "LambdaSuccessFeedbackRoleArn", "LambdaSuccessFeedbackSampleRate", "LambdaFailureFeedbackRoleArn",
        "SQSSuccessFeedbackRoleArn", "SQSSuccessFeedbackSampleRate", "SQSFailureFeedbackRoleArn",
        "FirehoseSuccessFeedbackRoleArn", "FirehoseSuccessFeedbackSampleRate", "FirehoseFailureFeedbackRoleArn",
    ]

    /// The policy SNS gives a topic that has none: the owner may do everything to it.
    static func defaultPolicy(arn: String, account: String) -> String {
        let actions = [
            "SNS:GetTopicAttributes", "SNS:SetTopicAttributes", "SNS:AddPermission", "SNS:RemovePermission", "SNS:DeleteTopic",
            "SNS:Subscribe", "SNS:ListSubscriptionsByTopic", "SNS:Publish",
        ]
        let document: [String: Any] = [
            "Version": "2008-10-17", "Id": "__default_policy_ID",
            "Statement": [
                [
                    "Sid": "__default_statement_ID", "Effect": "Allow", "Principal": ["AWS": "*"], "Action": actions, "Resource": arn,
                    "Condition": ["StringEquals": ["AWS:SourceOwner": account]],
                ] as [String: Any]
            ],
        ]
        let data = (try? JSONSerialization.data(withJSONObject: document, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }

    /// SNS's default HTTP delivery policy, reported as `EffectiveDeliveryPolicy`.
    static let defaultDeliveryPolicy =
        #"{"http":{"defaultHealthyRetryPolicy":{"minDelayTarget":20,"maxDelayTarget":20,"numRetries":3,"numMaxDelayRetries":0,"numNoDelayRetries":0,"numMinDelayRetries":0,"backoffFunction":"linear"},"disableSubscriptionOverrides":false,"defaultRequestPolicy":{"headerContentType":"text/plain; charset=UTF-8"}}}"#

    public func setTopicAttribute(_ caller: Caller, arn: String, name: String, value: String?) async throws {
        try authorize(caller, "sns:SetTopicAttributes", arn)
        guard Self.settableTopicAttributes.contains(name) else {
            throw SesameError(.invalidParameter, "Invalid parameter: AttributeName")
        }
        if name == "Policy" || name == "DeliveryPolicy", let value, !value.isEmpty,
            (try? JSONSerialization.jsonObject(with: Data(value.utf8))) as? [String: Any] == nil
        {
            throw SesameError(.invalidParameter, "Invalid parameter: \(name): failed to parse JSON")
        }
        if name == "SignatureVersion", let value, value != "1" && value != "2" {
            throw SesameError(.invalidParameter, "Invalid parameter: SignatureVersion")
        }
        if name == "DeliveryPolicy", let value, !value.isEmpty { try SNSDeliveryPolicy.validate(value, topic: true) }
        if name == "ContentBasedDeduplication", let value, value != "true" && value != "false" {
            throw SesameError(
                .invalidParameter, "Invalid parameter: ContentBasedDeduplication: Invalid value [\(value)]. Must be true or false.")
        }
        try await store.transaction { session in
            guard var topic = try await session.topic(arn: arn) else { throw SesameError(.snsNotFound, "Topic does not exist") }
            if name == "ContentBasedDeduplication" && !topic.isFIFO {
                throw SesameError(
                    .invalidParameter, "Invalid parameter: Attributes Reason: ContentBasedDeduplication can only be set for FIFO topics")
            }
            topic.attributes[name] = value.flatMap { $0.isEmpty ? nil : $0 }
            try await session.putTopicAttributes(arn: arn, attributes: topic.attributes)
        }
    }

    /// Subscription attributes a caller may set.
    public static let settableSubscriptionAttributes: Set<String> = [
        "RawMessageDelivery", "FilterPolicy", "FilterPolicyScope", "RedrivePolicy", "DeliveryPolicy", "SubscriptionRoleArn",
        "ReplayPolicy",
    ]

    public func subscriptionAttributes(_ caller: Caller, arn: String) async throws -> [String: String] {
        try authorize(caller, "sns:GetSubscriptionAttributes", arn)
        guard let subscription = try await store.read({ try await $0.subscription(arn: arn) }) else {
            throw SesameError(.snsNotFound, "Subscription does not exist")
        }
        var out = subscription.attributes
        out["SubscriptionArn"] = subscription.arn
        out["TopicArn"] = subscription.topicARN
        out["Owner"] = caller.accountID
        out["Protocol"] = subscription.protocolName
        out["Endpoint"] = subscription.endpoint
        out["PendingConfirmation"] = subscription.confirmed ? "false" : "true"
        out["ConfirmationWasAuthenticated"] = subscription.confirmed ? "true" : "false"
        out["RawMessageDelivery"] = subscription.rawDelivery ? "true" : "false"
        if subscription.protocolName.hasPrefix("http") {
            out["EffectiveDeliveryPolicy"] = subscription.attributes["DeliveryPolicy"] ?? Self.defaultDeliveryPolicy
        }
        if out["FilterPolicy"] != nil, out["FilterPolicyScope"] == nil { out["FilterPolicyScope"] = "MessageAttributes" }
        return out
    }

    public func setSubscriptionAttribute(_ caller: Caller, arn: String, name: String, value: String?) async throws {
        try authorize(caller, "sns:SetSubscriptionAttributes", arn)
        guard Self.settableSubscriptionAttributes.contains(name) else {
            throw SesameError(.invalidParameter, "Invalid parameter: AttributeName")
        }
        if name == "RawMessageDelivery", let value, value != "true" && value != "false" {
            throw SesameError(.invalidParameter, "Invalid parameter: RawMessageDelivery: Invalid value [\(value)]. Must be true or false.")
        }
        if ["FilterPolicy", "RedrivePolicy", "DeliveryPolicy"].contains(name), let value, !value.isEmpty,
            (try? JSONSerialization.jsonObject(with: Data(value.utf8))) as? [String: Any] == nil
        {
            throw SesameError(.invalidParameter, "Invalid parameter: \(name): failed to parse JSON")
        }
        if name == "DeliveryPolicy", let value, !value.isEmpty { try SNSDeliveryPolicy.validate(value, topic: false) }
        if name == "RedrivePolicy", let value, !value.isEmpty {
            let object = (try? JSONSerialization.jsonObject(with: Data(value.utf8))) as? [String: Any]
            guard let target = object?["deadLetterTargetArn"] as? String, SQSQueue.key(arn: target) != nil else {
                throw SesameError(
                    .invalidParameter, "Invalid parameter: RedrivePolicy: deadLetterTargetArn must be the ARN of an SQS queue")
            }
        }
        if name == "FilterPolicyScope", let value, value != "MessageAttributes" && value != "MessageBody" {
            throw SesameError(.invalidParameter, "Invalid parameter: FilterPolicyScope: Invalid value [\(value)].")
        }
        if name == "FilterPolicy", let value, !value.isEmpty {
            do {
                // Checked in both scopes' rules: nested keys are for MessageBody only.
                _ = try SNSFilterPolicy.parse(value, scope: "MessageBody")
            } catch {
                throw SesameError(.invalidParameter, "Invalid parameter: FilterPolicy: \(error.message)")
            }
        }
        try await store.transaction { session in
            guard var subscription = try await session.subscription(arn: arn) else {
                throw SesameError(.snsNotFound, "Subscription does not exist")
            }
            if name == "DeliveryPolicy" && !subscription.protocolName.hasPrefix("http") {
                throw SesameError(.invalidParameter, "Invalid parameter: DeliveryPolicy: only HTTP(S) subscriptions have a delivery policy")
            }
            if name == "RawMessageDelivery" {
                subscription.rawDelivery = value == "true"
            } else {
                subscription.attributes[name] = value.flatMap { $0.isEmpty ? nil : $0 }
            }
            try await session.putSubscriptionAttributes(
                arn: arn, attributes: subscription.attributes, rawDelivery: subscription.rawDelivery)
        }
    }

    // MARK: Tags

    public func tagTopic(_ caller: Caller, arn: String, add: [String: String], remove: [String]) async throws {
        try authorize(caller, add.isEmpty ? "sns:UntagResource" : "sns:TagResource", arn)
        try await store.transaction { session in
            guard var topic = try await session.topic(arn: arn) else {
                throw SesameError(.snsNotFound, "Resource does not exist")
            }
            for (key, value) in add { topic.tags[key] = value }
            for key in remove { topic.tags[key] = nil }
            guard topic.tags.count <= 50 else {
                throw SesameError(.invalidParameter, "Could not complete request: tag quota of per resource exceeded")
            }
            try await session.putTopicTags(arn: arn, tags: topic.tags)
        }
    }

    public func topicTags(_ caller: Caller, arn: String) async throws -> [String: String] {
        try authorize(caller, "sns:ListTagsForResource", arn)
        guard let topic = try await store.read({ try await $0.topic(arn: arn) }) else {
            throw SesameError(.snsNotFound, "Resource does not exist")
        }
        return topic.tags
    }

    // MARK: Permissions

    public func changePermission(_ caller: Caller, arn: String, label: String, add: (accounts: [String], actions: [String])?) async throws {
        try authorize(caller, add == nil ? "sns:RemovePermission" : "sns:AddPermission", arn)
        try await store.transaction { session in
            guard var topic = try await session.topic(arn: arn) else { throw SesameError(.snsNotFound, "Topic does not exist") }
            let account = Self.account(of: arn)
            let current = topic.attributes["Policy"] ?? Self.defaultPolicy(arn: arn, account: account)
            do {
                if let add {
                    topic.attributes["Policy"] = try PermissionStatements.add(
                        to: current, label: label, accounts: add.accounts, actions: add.actions, servicePrefix: "SNS", resource: arn,
                        policyID: "__default_policy_ID")
                } else {
                    topic.attributes["Policy"] = try PermissionStatements.remove(from: current, label: label)
                }
            } catch let error as SesameError {
                throw SesameError(.invalidParameter, "Invalid parameter: \(error.message)")
            }
            try await session.putTopicAttributes(arn: arn, attributes: topic.attributes)
        }
    }
}
