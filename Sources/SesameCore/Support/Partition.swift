import Foundation

/// The AWS partition a node serves (`aws`, `aws-cn`, `aws-us-gov`, …), which every ARN it
/// writes begins with. It follows from the regions the node serves and is set once at start-up;
/// IAM and STS, global within a partition, use it too.
public enum Partition {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var value = "aws"

    /// The partition this process writes ARNs in.
    public static var current: String {
        lock.lock()
        defer { lock.unlock() }
        return value
    }

    /// The partition a region belongs to, by AWS's region naming.
    public static func of(region: String) -> String {
        if region.hasPrefix("cn-") { return "aws-cn" }
        if region.hasPrefix("us-gov-") { return "aws-us-gov" }
        if region.hasPrefix("us-isob-") { return "aws-iso-b" }
        if region.hasPrefix("us-iso-") { return "aws-iso" }
        if region.hasPrefix("eu-isoe-") { return "aws-iso-e" }
        if region.hasPrefix("us-isof-") { return "aws-iso-f" }
        return "aws"
    }

    /// Sets the partition from the regions served; they must all be in one partition, as an
    /// AWS account's are. Returns the partition, or nil when the regions disagree.
    @discardableResult
    public static func configure(regions: [String]) -> String? {
        let partitions = Set(regions.map(of(region:)))
        guard partitions.count == 1, let partition = partitions.first else { return nil }
        lock.lock()
        value = partition
        lock.unlock()
        return partition
    }
}
