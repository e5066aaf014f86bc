public import Foundation

/// A request or response member as the service model types it, independent of the wire: the
/// protocol codecs turn bytes into `AWSValue`s (guided by the model) and back, and the generated
/// shapes convert them to and from Swift types.
public enum AWSValue: Sendable, Equatable {
    /// A structure's members by model name (order comes from the model when written).
    case structure(AWSMembers)
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
    public var members: AWSMembers? {
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

/// A structure's members. Their names come from the model (a structure has a few, never more
/// than its shape declares), so they are kept as a short list scanned in order: no hashing and
/// no hash table per structure, which a request of nested structures pays many times.
public struct AWSMembers: Sendable, Equatable, Sequence, ExpressibleByDictionaryLiteral {
    public typealias Element = (key: String, value: AWSValue)
    var entries: [Element]

    public init() { entries = [] }

    public init(dictionaryLiteral elements: (String, AWSValue)...) {
        entries = []
        for (key, value) in elements { self[key] = value }
    }

    public init(_ dictionary: [String: AWSValue]) {
        entries = dictionary.map { (key: $0.key, value: $0.value) }
    }

    public subscript(name: String) -> AWSValue? {
        get {
            for entry in entries where entry.key == name { return entry.value }
            return nil
        }
        set {
            if let index = entries.firstIndex(where: { $0.key == name }) {
                if let newValue { entries[index].value = newValue } else { entries.remove(at: index) }
            } else if let newValue {
                entries.append((key: name, value: newValue))
            }
        }
    }

    public var count: Int { entries.count }
    public var isEmpty: Bool { entries.isEmpty }
    public var keys: [String] { entries.map(\.key) }
    public func makeIterator() -> IndexingIterator<[Element]> { entries.makeIterator() }

    /// The same members, in any order.
    public static func == (lhs: AWSMembers, rhs: AWSMembers) -> Bool {
        lhs.count == rhs.count && lhs.entries.allSatisfy { rhs[$0.key] == $0.value }
    }
}
