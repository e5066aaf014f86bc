public import Foundation

/// An SES v2 contact list: the topics people subscribe to, and its contacts' preferences. SES
/// skips a send to a contact who opted out of the send's topic (or of everything).
public struct ContactList: Sendable, Equatable, Codable {
    public struct Topic: Sendable, Equatable, Codable {
        public var name: String
        public var displayName: String
        public var description: String?
        /// `OPT_IN` or `OPT_OUT`: what a contact without a preference gets.
        public var defaultStatus: String
        public init(name: String, displayName: String, description: String?, defaultStatus: String) {
            self.name = name
            self.displayName = displayName
            self.description = description
            self.defaultStatus = defaultStatus
        }
    }

    public var region: String
    public var name: String
    public var description: String?
    public var topics: [Topic]
    public var tags: [Tag]
    public var createdAt: Date
    public var updatedAt: Date

    public init(
        region: String, name: String, description: String?, topics: [Topic], tags: [Tag] = [], createdAt: Date, updatedAt: Date
    ) {
        self.region = region
        self.name = name
        self.description = description
        self.topics = topics
        self.tags = tags
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

/// One address on a contact list with its topic preferences.
public struct Contact: Sendable, Equatable, Codable {
    public var email: String
    /// Topic name → `OPT_IN` / `OPT_OUT`, where the contact chose.
    public var preferences: [String: String]
    public var unsubscribeAll: Bool
    /// The caller's JSON attributes, kept as given.
    public var attributes: String?
    public var createdAt: Date
    public var updatedAt: Date

    public init(
        email: String, preferences: [String: String], unsubscribeAll: Bool, attributes: String?, createdAt: Date, updatedAt: Date
    ) {
        self.email = email
        self.preferences = preferences
        self.unsubscribeAll = unsubscribeAll
        self.attributes = attributes
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    /// The status of `topic` for this contact: its own choice, else the topic's default.
    public func status(of topic: ContactList.Topic) -> String {
        if unsubscribeAll { return "OPT_OUT" }
        return preferences[topic.name] ?? topic.defaultStatus
    }
}
