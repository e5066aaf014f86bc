public import Foundation

/// A request or response member as the service model types it, independent of the wire: the
/// protocol codecs turn bytes into `AWSValue`s (guided by the model) and back, and the generated
/// shapes convert them to and from Swift types.
public enum AWSValue: Sendable, Equatable {
    /// A structure's members by model name (order comes from the model when written).
    case structure([String: AWSValue])
    case list([AWSValue])
    case map([String: AWSValue])
    case string(String)
    /// `integer` and `long` shapes.
    case integer(Int)
    /// `double` and `float` shapes.
    case double(Double)
    case boolean(Bool)
    case timestamp(Date)
    case blob([UInt8])

    /// The members of a structure; nil for any other value.
    public var members: [String: AWSValue]? {
        if case .structure(let members) = self { return members }
        return nil
    }

    public subscript(member: String) -> AWSValue? { members?[member] }
}

/// A `blob` member: raw bytes (base64 on the wire).
public struct AWSBlob: Sendable, Equatable, Hashable {
    public var bytes: [UInt8]
    public init(_ bytes: [UInt8]) { self.bytes = bytes }
    public init(_ data: Data) { self.bytes = Array(data) }
    public var data: Data { Data(bytes) }
}
