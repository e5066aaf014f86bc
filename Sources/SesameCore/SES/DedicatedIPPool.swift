public import Foundation

/// An SES v2 dedicated IP pool. Sesame sends from the host's own addresses, so a pool is stored
/// and reported (Terraform and SDKs manage them) and holds no addresses.
public struct DedicatedIPPool: Sendable, Equatable, Codable {
    public var name: String
    /// `STANDARD` or `MANAGED`.
    public var scalingMode: String
    public var tags: [Tag]
    public var createdAt: Date

    public init(name: String, scalingMode: String, tags: [Tag] = [], createdAt: Date) {
        self.name = name
        self.scalingMode = scalingMode
        self.tags = tags
        self.createdAt = createdAt
    }
}
