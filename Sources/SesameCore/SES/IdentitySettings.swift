public import Foundation

/// What an identity carries beyond its verification: its custom MAIL FROM domain, the
/// configuration set its sends use when they name none, and its tags. Stored with the identity.
public struct IdentitySettings: Sendable, Equatable, Codable {
    /// A custom MAIL FROM domain (a subdomain of the identity's domain); nil for SES's own.
    public var mailFromDomain: String?
    /// What a send does when the MAIL FROM domain's MX record is missing (kept, as SES keeps
    /// it, even without a MAIL FROM domain).
    public var behaviorOnMxFailure: MailFromFailureBehavior?
    public var defaultConfigurationSet: String?
    public var tags: [Tag]

    public init(
        mailFromDomain: String? = nil, behaviorOnMxFailure: MailFromFailureBehavior? = nil, defaultConfigurationSet: String? = nil,
        tags: [Tag] = []
    ) {
        self.mailFromDomain = mailFromDomain
        self.behaviorOnMxFailure = behaviorOnMxFailure
        self.defaultConfigurationSet = defaultConfigurationSet
        self.tags = tags
    }

    enum CodingKeys: String, CodingKey { case mailFromDomain, behaviorOnMxFailure, defaultConfigurationSet, tags }

    /// Every key is optional, so a document written before a setting existed still reads.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        mailFromDomain = try c.decodeIfPresent(String.self, forKey: .mailFromDomain)
        behaviorOnMxFailure = try c.decodeIfPresent(MailFromFailureBehavior.self, forKey: .behaviorOnMxFailure)
        defaultConfigurationSet = try c.decodeIfPresent(String.self, forKey: .defaultConfigurationSet)
        tags = try c.decodeIfPresent([Tag].self, forKey: .tags) ?? []
    }

    public var isEmpty: Bool { self == IdentitySettings() }

    /// The stored form (a small JSON document); nil when there is nothing to store.
    public func encoded() -> String? {
        guard !isEmpty, let data = try? StoredDocument.encoder.encode(self) else { return nil }
        return String(decoding: data, as: UTF8.self)
    }

    /// Reads the stored form; an unreadable document reads as no settings.
    public static func decode(_ text: String?) -> IdentitySettings {
        guard let text, let settings = try? StoredDocument.decoder.decode(IdentitySettings.self, from: Data(text.utf8)) else {
            return IdentitySettings()
        }
        return settings
    }
}

/// `BehaviorOnMXFailure`: send from SES's own MAIL FROM domain, or refuse the send.
public enum MailFromFailureBehavior: String, Sendable, Codable, CaseIterable {
    case useDefaultValue = "UseDefaultValue"
    case rejectMessage = "RejectMessage"

    /// SES v2's spelling (`USE_DEFAULT_VALUE`).
    public var v2: String { self == .useDefaultValue ? "USE_DEFAULT_VALUE" : "REJECT_MESSAGE" }

    public init?(v2: String) {
        switch v2 {
        case "USE_DEFAULT_VALUE": self = .useDefaultValue
        case "REJECT_MESSAGE": self = .rejectMessage
        default: return nil
        }
    }
}

/// How Sesame writes the small JSON documents it stores (settings, options, contact lists):
/// keys sorted, so the same value is the same bytes; dates as epoch milliseconds.
public enum StoredDocument {
    public static var encoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.dateEncodingStrategy = .millisecondsSince1970
        return encoder
    }

    public static var decoder: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .millisecondsSince1970
        return decoder
    }
}
