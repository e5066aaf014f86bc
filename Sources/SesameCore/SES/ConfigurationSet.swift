public import Foundation

/// A configuration set: a name sends refer to, and the options SES applies to them. Event
/// destinations are stored apart (`EventDestination`).
public struct ConfigurationSet: Sendable, Equatable {
    public var region: String
    public var name: String
    public var createdAt: Date
    public var options: ConfigurationSetOptions

    public init(region: String, name: String, createdAt: Date, options: ConfigurationSetOptions = ConfigurationSetOptions()) {
        self.region = region
        self.name = name
        self.createdAt = createdAt
        self.options = options
    }
}

/// Every option of a configuration set, in SES v2's terms (v1 reads and writes a subset).
/// Stored as one small JSON document with the set.
public struct ConfigurationSetOptions: Sendable, Equatable, Codable {
    /// SES refuses sends that name a set whose sending is paused.
    public var sendingEnabled: Bool = true
    public var reputationMetricsEnabled: Bool = false
    public var lastFreshStart: Date?
    /// `REQUIRE`: delivery fails rather than go without TLS. `OPTIONAL` (SES's default) otherwise.
    public var tlsPolicy: TLSPolicy = .optional
    public var sendingPoolName: String?
    /// How long delivery is retried before the message bounces (SES: 300 to 50,400 seconds).
    public var maxDeliverySeconds: Int?
    /// Open and click tracking: the domain of tracked links, and the HTTPS rule for them.
    public var tracking: Tracking?
    /// The reasons this set suppresses for; nil when it follows the account's.
    public var suppressedReasons: [String]?
    /// `ENABLED`/`DISABLED` threshold of SES's suppression validation, and its verdict level.
    public var suppressionValidation: SuppressionValidation?
    /// VDM settings, stored and returned (VDM itself runs only inside AWS).
    public var engagementMetrics: String?
    public var optimizedSharedDelivery: String?
    /// Mail Manager archive ARN, stored and returned.
    public var archiveARN: String?
    public var tags: [Tag] = []

    public enum TLSPolicy: String, Sendable, Codable {
        case require = "REQUIRE"
        case optional = "OPTIONAL"

        /// SES v1's spelling (`Require`, `Optional`).
        public var v1: String { self == .require ? "Require" : "Optional" }
        public init?(v1: String) {
            switch v1 {
            case "Require": self = .require
            case "Optional": self = .optional
            default: return nil
            }
        }
    }

    public struct Tracking: Sendable, Equatable, Codable {
        public var customRedirectDomain: String
        /// `REQUIRE`, `REQUIRE_OPEN_ONLY` or `OPTIONAL`; nil when not given.
        public var httpsPolicy: String?
        public init(customRedirectDomain: String, httpsPolicy: String?) {
            self.customRedirectDomain = customRedirectDomain
            self.httpsPolicy = httpsPolicy
        }
    }

    public struct SuppressionValidation: Sendable, Equatable, Codable {
        public var conditionThresholdEnabled: String
        public var confidenceVerdictThreshold: String?
        public init(conditionThresholdEnabled: String, confidenceVerdictThreshold: String?) {
            self.conditionThresholdEnabled = conditionThresholdEnabled
            self.confidenceVerdictThreshold = confidenceVerdictThreshold
        }
    }

    public init() {}

    enum CodingKeys: String, CodingKey {
        case sendingEnabled, reputationMetricsEnabled, lastFreshStart, tlsPolicy, sendingPoolName, maxDeliverySeconds, tracking
        case suppressedReasons, suppressionValidation, engagementMetrics, optimizedSharedDelivery, archiveARN, tags
    }

    /// Every key is optional, so a document written before an option existed still reads.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        sendingEnabled = try c.decodeIfPresent(Bool.self, forKey: .sendingEnabled) ?? true
        reputationMetricsEnabled = try c.decodeIfPresent(Bool.self, forKey: .reputationMetricsEnabled) ?? false
        lastFreshStart = try c.decodeIfPresent(Date.self, forKey: .lastFreshStart)
        tlsPolicy = try c.decodeIfPresent(TLSPolicy.self, forKey: .tlsPolicy) ?? .optional
        sendingPoolName = try c.decodeIfPresent(String.self, forKey: .sendingPoolName)
        maxDeliverySeconds = try c.decodeIfPresent(Int.self, forKey: .maxDeliverySeconds)
        tracking = try c.decodeIfPresent(Tracking.self, forKey: .tracking)
        suppressedReasons = try c.decodeIfPresent([String].self, forKey: .suppressedReasons)
        suppressionValidation = try c.decodeIfPresent(SuppressionValidation.self, forKey: .suppressionValidation)
        engagementMetrics = try c.decodeIfPresent(String.self, forKey: .engagementMetrics)
        optimizedSharedDelivery = try c.decodeIfPresent(String.self, forKey: .optimizedSharedDelivery)
        archiveARN = try c.decodeIfPresent(String.self, forKey: .archiveARN)
        tags = try c.decodeIfPresent([Tag].self, forKey: .tags) ?? []
    }

    /// The stored form; nil for the defaults.
    public func encoded() -> String? {
        guard self != ConfigurationSetOptions(), let data = try? StoredDocument.encoder.encode(self) else { return nil }
        return String(decoding: data, as: UTF8.self)
    }

    /// Reads the stored form; nothing stored (or unreadable) reads as the defaults.
    public static func decode(_ text: String?) -> ConfigurationSetOptions {
        guard let text else { return ConfigurationSetOptions() }
        return (try? StoredDocument.decoder.decode(ConfigurationSetOptions.self, from: Data(text.utf8))) ?? ConfigurationSetOptions()
    }
}
