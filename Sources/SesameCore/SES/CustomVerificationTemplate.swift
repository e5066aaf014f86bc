public import Foundation

/// A custom verification email template: the branded mail `SendCustomVerificationEmail` sends to
/// an address being verified, and where the person lands after following its link.
public struct CustomVerificationTemplate: Sendable, Equatable {
    public var region: String
    public var name: String
    public var fromAddress: String
    public var subject: String
    /// HTML; the confirmation link is added at its end, as SES adds it.
    public var content: String
    public var successURL: String
    public var failureURL: String
    public var tags: [Tag]
    public var createdAt: Date

    public init(
        region: String, name: String, fromAddress: String, subject: String, content: String, successURL: String, failureURL: String,
        tags: [Tag] = [], createdAt: Date
    ) {
        self.region = region
        self.name = name
        self.fromAddress = fromAddress
        self.subject = subject
        self.content = content
        self.successURL = successURL
        self.failureURL = failureURL
        self.tags = tags
        self.createdAt = createdAt
    }
}
