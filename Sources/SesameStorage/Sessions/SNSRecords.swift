public import Foundation
public import SesameCore

/// SNS topics, subscriptions and the outbox of posts, inside a transaction.
public protocol SNSRecords: Sendable {
    // SNS
    func insertTopic(_ topic: SNSTopic) async throws
    func topic(arn: String) async throws -> SNSTopic?
    func topics(region: String) async throws -> [SNSTopic]
    /// Deletes the topic and its subscriptions.
    func deleteTopic(arn: String) async throws
    /// Replaces a topic's stored attributes.
    func putTopicAttributes(arn: String, attributes: [String: String]) async throws
    func putTopicTags(arn: String, tags: [String: String]) async throws
    func insertSubscription(_ subscription: SNSSubscription) async throws
    /// A subscription's settable attributes (FilterPolicy, RedrivePolicy, …) and raw delivery.
    func putSubscriptionAttributes(arn: String, attributes: [String: String], rawDelivery: Bool) async throws
    func subscription(arn: String) async throws -> SNSSubscription?
    func subscriptions(topicARN: String) async throws -> [SNSSubscription]
    /// Every subscription of the topics whose ARNs start with `topicPrefix` (a region and account).
    func subscriptions(topicPrefix: String) async throws -> [SNSSubscription]
    func confirmSubscription(arn: String) async throws
    func deleteSubscription(arn: String) async throws
    func insertOutbox(_ items: [SNSOutboxItem]) async throws
    /// Leases due pending posts, like `claimDeliveries`.
    func claimOutbox(owner: String, now: Date, leaseUntil: Date, limit: Int) async throws -> [SNSOutboxItem]
    /// Writes a post's outcome if it is still leased to `owner`.
    func completeOutbox(_ item: SNSOutboxItem, owner: String) async throws
    /// Newest first.
    func outbox(limit: Int) async throws -> [SNSOutboxItem]
}
