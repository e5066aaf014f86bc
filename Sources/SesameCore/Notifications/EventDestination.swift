public import Foundation

/// A configuration set's event destination: which event types it publishes, and where.
///
/// Every destination type SES has is accepted, stored and returned. Only SNS topics exist in
/// Sesame, so events bound for CloudWatch, Kinesis Data Firehose, EventBridge or Pinpoint have
/// nowhere to go: they are counted in `undelivered`, never dropped silently.
public struct EventDestination: Sendable, Equatable {
    public var region: String
    public var configurationSet: String
    public var name: String
    public var enabled: Bool
    /// SES v1's names: send, reject, bounce, complaint, delivery, open, click, renderingFailure, …
    public var eventTypes: [String]
    public var target: EventDestinationTarget
    /// Events this destination matched that Sesame could not deliver (its target is not SNS).
    public var undelivered: Int

    public init(
        region: String, configurationSet: String, name: String, enabled: Bool, eventTypes: [String], target: EventDestinationTarget,
        undelivered: Int = 0
    ) {
        self.region = region
        self.configurationSet = configurationSet
        self.name = name
        self.enabled = enabled
        self.eventTypes = eventTypes
        self.target = target
        self.undelivered = undelivered
    }

    /// The SNS topic events are published to, when the target is SNS.
    public var topicARN: String? { target.topicARN }
}

/// Where an event destination sends events. Only `.sns` is delivered by Sesame.
public enum EventDestinationTarget: Sendable, Equatable, Codable {
    case sns(topicARN: String)
    case cloudWatch(dimensions: [CloudWatchDimension])
    case kinesisFirehose(deliveryStreamARN: String, iamRoleARN: String)
    case eventBridge(eventBusARN: String)
    case pinpoint(applicationARN: String?)

    /// SES's name for the destination type, as the console shows it.
    public var typeName: String {
        switch self {
        case .sns: "Amazon SNS"
        case .cloudWatch: "Amazon CloudWatch"
        case .kinesisFirehose: "Amazon Kinesis Data Firehose"
        case .eventBridge: "Amazon EventBridge"
        case .pinpoint: "Amazon Pinpoint"
        }
    }

    /// What the destination names: the topic, stream, bus or application (or the dimensions).
    public var summary: String {
        switch self {
        case .sns(let arn): arn
        case .cloudWatch(let dimensions): dimensions.map(\.name).joined(separator: ", ")
        case .kinesisFirehose(let stream, _): stream
        case .eventBridge(let bus): bus
        case .pinpoint(let application): application ?? "(no application)"
        }
    }

    /// The type as a metrics label: `sns`, `cloudwatch`, `firehose`, `eventbridge`, `pinpoint`.
    public var metricName: String {
        switch self {
        case .sns: "sns"
        case .cloudWatch: "cloudwatch"
        case .kinesisFirehose: "firehose"
        case .eventBridge: "eventbridge"
        case .pinpoint: "pinpoint"
        }
    }

    public var topicARN: String? {
        if case .sns(let arn) = self { return arn }
        return nil
    }

    public var isDeliveredBySesame: Bool { topicARN != nil }

    /// The target given by an API call, which must name exactly one destination.
    public static func one(
        sns: String?, cloudWatch: [CloudWatchDimension]?, firehose: (stream: String, role: String)?, eventBridge: String?,
        pinpoint: String??, v2: Bool
    ) throws(SesameError) -> EventDestinationTarget {
        var found: [EventDestinationTarget] = []
        if let sns { found.append(.sns(topicARN: sns)) }
        if let cloudWatch { found.append(.cloudWatch(dimensions: cloudWatch)) }
        if let firehose { found.append(.kinesisFirehose(deliveryStreamARN: firehose.stream, iamRoleARN: firehose.role)) }
        if let eventBridge { found.append(.eventBridge(eventBusARN: eventBridge)) }
        if let pinpoint { found.append(.pinpoint(applicationARN: pinpoint)) }
        guard found.count == 1, let target = found.first else {
            let names =
                v2
                ? "SnsDestination, CloudWatchDestination, KinesisFirehoseDestination, EventBridgeDestination or PinpointDestination"
                : "SNSDestination, CloudWatchDestination or KinesisFirehoseDestination"
            throw SesameError(.invalidParameterValue, "An event destination must name exactly one destination: \(names).")
        }
        if case .cloudWatch(let dimensions) = target {
            guard !dimensions.isEmpty else {
                throw SesameError(.invalidParameterValue, "CloudWatchDestination must have at least one dimension configuration.")
            }
            for dimension in dimensions where !CloudWatchDimension.valueSources.contains(dimension.valueSource) {
                throw SesameError(
                    .invalidParameterValue,
                    "DimensionValueSource must be one of messageTag, emailHeader, linkTag (got \(dimension.valueSource)).")
            }
        }
        return target
    }

    /// The stored form: a JSON document (the SNS topic is also kept in its own column).
    public var storedJSON: String {
        guard let data = try? StoredDocument.encoder.encode(self) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }

    public static func stored(json: String?, topicARN: String) -> EventDestinationTarget {
        guard let json, let target = try? StoredDocument.decoder.decode(EventDestinationTarget.self, from: Data(json.utf8)) else {
            return .sns(topicARN: topicARN)
        }
        return target
    }
}

/// One CloudWatch dimension of a CloudWatch event destination.
public struct CloudWatchDimension: Sendable, Equatable, Codable {
    /// SES's names, as v1 writes them; v2's upper-case forms are mapped onto these.
    public static let valueSources = ["messageTag", "emailHeader", "linkTag"]

    public var name: String
    public var valueSource: String
    public var defaultValue: String

    public init(name: String, valueSource: String, defaultValue: String) {
        self.name = name
        self.valueSource = valueSource
        self.defaultValue = defaultValue
    }
}
