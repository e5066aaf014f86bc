public import Foundation

/// A Swift type that converts to and from an `AWSValue`: the scalars, arrays, string-keyed
/// dictionaries, and every generated shape.
public protocol AWSValueConvertible: Sendable {
    init(awsValue: AWSValue) throws
    var awsValue: AWSValue { get }
}

/// A generated structure shape (an operation's input or output, or a nested structure).
public protocol AWSShape: AWSValueConvertible {}

/// A value did not have the type its shape declares. The codecs check types while decoding and
/// the validator checks required members, so a handler never sees this for a modelled request.
public struct AWSShapeError: Error, Sendable, CustomStringConvertible {
    public var member: String
    public var expected: String
    public init(member: String, expected: String) {
        self.member = member
        self.expected = expected
    }
    public var description: String { "member \(member) is not \(expected)" }
}

/// The input or output of an operation that has none.
public struct AWSEmptyShape: AWSShape {
    public init() {}
    public init(awsValue: AWSValue) throws {}
    public var awsValue: AWSValue { .structure([:]) }
}

/// Reads a structure's members for a generated shape's `init(awsValue:)`.
public struct AWSStructureReader {
    let members: AWSMembers

    public init(_ value: AWSValue) throws {
        guard case .structure(let members) = value else { throw AWSShapeError(member: "", expected: "a structure") }
        self.members = members
    }

    public func required<T: AWSValueConvertible>(_ name: String) throws -> T {
        guard let value = members[name] else { throw AWSShapeError(member: name, expected: "present") }
        return try T(awsValue: value)
    }

    public func optional<T: AWSValueConvertible>(_ name: String) throws -> T? {
        guard let value = members[name] else { return nil }
        return try T(awsValue: value)
    }
}

/// Collects a structure's members for a generated shape's `awsValue`; nil members are left out.
public struct AWSStructureWriter {
    public private(set) var members = AWSMembers()
    public init() {}

    public mutating func set<T: AWSValueConvertible>(_ name: String, _ value: T?) {
        if let value { members[name] = value.awsValue }
    }

    public var value: AWSValue { .structure(members) }
}

extension String: AWSValueConvertible {
    public init(awsValue: AWSValue) throws {
        guard case .string(let value) = awsValue else { throw AWSShapeError(member: "", expected: "a string") }
        self = value
    }
    public var awsValue: AWSValue { .string(self) }
}

extension Int: AWSValueConvertible {
    public init(awsValue: AWSValue) throws {
        guard case .integer(let value) = awsValue else { throw AWSShapeError(member: "", expected: "an integer") }
        self = value
    }
    public var awsValue: AWSValue { .integer(self) }
}

extension Double: AWSValueConvertible {
    public init(awsValue: AWSValue) throws {
        switch awsValue {
        case .double(let value): self = value
        case .integer(let value): self = Double(value)
        default: throw AWSShapeError(member: "", expected: "a number")
        }
    }
    public var awsValue: AWSValue { .double(self) }
}

extension Bool: AWSValueConvertible {
    public init(awsValue: AWSValue) throws {
        guard case .boolean(let value) = awsValue else { throw AWSShapeError(member: "", expected: "a boolean") }
        self = value
    }
    public var awsValue: AWSValue { .boolean(self) }
}

extension Date: AWSValueConvertible {
    public init(awsValue: AWSValue) throws {
        guard case .timestamp(let value) = awsValue else { throw AWSShapeError(member: "", expected: "a timestamp") }
        self = value
    }
    public var awsValue: AWSValue { .timestamp(self) }
}

extension AWSBlob: AWSValueConvertible {
    public init(awsValue: AWSValue) throws {
        guard case .blob(let value) = awsValue else { throw AWSShapeError(member: "", expected: "a blob") }
        self.bytes = value
    }
    public var awsValue: AWSValue { .blob(bytes) }
}

extension Array: AWSValueConvertible where Element: AWSValueConvertible {
    public init(awsValue: AWSValue) throws {
        guard case .list(let values) = awsValue else { throw AWSShapeError(member: "", expected: "a list") }
        self = try values.map { try Element(awsValue: $0) }
    }
    public var awsValue: AWSValue { .list(map(\.awsValue)) }
}

extension Dictionary: AWSValueConvertible where Key == String, Value: AWSValueConvertible {
    public init(awsValue: AWSValue) throws {
        guard case .map(let values) = awsValue else { throw AWSShapeError(member: "", expected: "a map") }
        self = try values.mapValues { try Value(awsValue: $0) }
    }
    public var awsValue: AWSValue { .map(mapValues(\.awsValue)) }
}
