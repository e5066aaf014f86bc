import Foundation

/// A service model as botocore publishes it, reduced to what the wire needs: metadata, every
/// operation, and every shape with its constraints. Generated code embeds each model as JSON;
/// `load(name:json:)` reads it once.
public final class ServiceModel: Sendable {
    public struct Metadata: Sendable {
        public var apiVersion: String
        public var `protocol`: WireProtocol
        public var xmlNamespace: String?
        public var targetPrefix: String?
        public var jsonVersion: String?
        public var signingName: String
        public var endpointPrefix: String
        public var serviceID: String
        /// The service also answers old Query-protocol errors (`x-amzn-query-error`).
        public var awsQueryCompatible: Bool
    }

    /// The protocols Sesame decodes and encodes.
    public enum WireProtocol: String, Sendable {
        case query
        case restJSON = "rest-json"
        case json
    }

    /// botocore's name for the service (`iam`, `sesv2`).
    public let name: String
    public let metadata: Metadata
    public let operations: [String: OperationModel]
    public let shapes: [String: Shape]
    /// The shapes in the order of `MemberRef.target`: a member's shape is found by position,
    /// not by hashing its name, on every request.
    let shapeList: [Shape]

    init(name: String, metadata: Metadata, operations: [String: OperationModel], shapeList: [Shape]) {
        self.name = name
        self.metadata = metadata
        self.operations = operations
        self.shapeList = shapeList
        self.shapes = Dictionary(uniqueKeysWithValues: shapeList.map { ($0.name, $0) })
    }

    /// The shape named `name`. Every name a model refers to is in it (the generator's models are
    /// complete), so a missing one is a programming error.
    public func shape(_ name: String) -> Shape {
        guard let shape = shapes[name] else { preconditionFailure("\(self.name) model has no shape \(name)") }
        return shape
    }

    /// The shape a member refers to.
    @inline(__always)
    public func shape(_ ref: MemberRef) -> Shape { shapeList[ref.target] }

    /// The error shapes of the model by their wire code (`NoSuchEntity` for IAM's
    /// `NoSuchEntityException`).
    public var errorsByCode: [String: Shape] {
        var out: [String: Shape] = [:]
        for shape in shapes.values where shape.isError { out[shape.errorCode ?? shape.name] = shape }
        return out
    }

    /// Parses the JSON the generator embeds. A malformed model is a build defect: it traps at
    /// startup with the reason, and the model tests load every model.
    public static func load(name: String, json: String) -> ServiceModel {
        do {
            return try ModelReader.read(name: name, json: Data(json.utf8))
        } catch {
            fatalError("the embedded \(name) model does not load: \(error)")
        }
    }
}

/// One operation: its HTTP binding and its shapes.
public struct OperationModel: Sendable {
    public var name: String
    public var method: String
    public var requestURI: String
    public var responseCode: Int?
    public var input: String?
    public var output: String?
    public var resultWrapper: String?
    public var errors: [String]
    /// Called without a signature (STS's AssumeRoleWithWebIdentity).
    public var anonymous: Bool
}

/// A member of a structure, or the member, key or value of a list or map.
public struct MemberRef: Sendable {
    public enum Location: String, Sendable {
        case uri, querystring, header, headers, statusCode
    }
    public var shape: String
    public var location: Location?
    public var locationName: String?
    public var flattened: Bool
    public var timestampFormat: String?
    public var idempotencyToken: Bool
    /// The name a structure member has in Query parameters and XML: its `locationName`, its
    /// shape's, or its model name, except that a flattened list is written under its item's name
    /// when it has one (`Prefix.Name.N`). Worked out once when the model loads.
    public var queryName: String?
    /// The position of `shape` in the model's shape list (see `ServiceModel.shape(_:)`).
    public internal(set) var target: Int = 0
    /// A structure member its structure requires.
    public internal(set) var isRequired: Bool = false
}

/// A shape with its constraints. A class: the codecs and the validator look shapes up on every
/// request, and a reference is one retain where a struct of this size is a copy of every field.
public final class Shape: Sendable {
    public enum Kind: String, Sendable {
        case structure, list, map, string, integer, long, boolean, double, float, timestamp, blob
    }
    public let name: String
    public let kind: Kind
    /// Structure members in model order.
    public let members: [(name: String, ref: MemberRef)]
    public let required: Set<String>
    public let enumValues: [String]?
    public let min: Double?
    public let max: Double?
    public let pattern: String?
    public let flattened: Bool
    public let sensitive: Bool
    public let timestampFormat: String?
    public let member: MemberRef?
    public let key: MemberRef?
    public let value: MemberRef?
    /// Error shapes: the wire code (when it differs from the name), HTTP status and fault side.
    public let isError: Bool
    public let errorCode: String?
    public let httpStatus: Int?
    public let senderFault: Bool

    init(
        name: String, kind: Kind, members: [(name: String, ref: MemberRef)], required: Set<String>, enumValues: [String]?, min: Double?,
        max: Double?, pattern: String?, flattened: Bool, sensitive: Bool, timestampFormat: String?, member: MemberRef?, key: MemberRef?,
        value: MemberRef?, isError: Bool, errorCode: String?, httpStatus: Int?, senderFault: Bool
    ) {
        self.name = name
        self.kind = kind
        self.members = members
        self.required = required
        self.enumValues = enumValues
        self.min = min
        self.max = max
        self.pattern = pattern
        self.flattened = flattened
        self.sensitive = sensitive
        self.timestampFormat = timestampFormat
        self.member = member
        self.key = key
        self.value = value
        self.isError = isError
        self.errorCode = errorCode
        self.httpStatus = httpStatus
        self.senderFault = senderFault
    }

    public func member(named name: String) -> MemberRef? { members.first { $0.name == name }?.ref }
}

enum ModelReader {
    struct Malformed: Error, CustomStringConvertible {
        var description: String
    }

    static func read(name: String, json: Data) throws -> ServiceModel {
        guard let root = try JSONSerialization.jsonObject(with: json) as? [String: Any],
            let meta = root["metadata"] as? [String: Any], let ops = root["operations"] as? [String: [String: Any]],
            let shapeTable = root["shapes"] as? [String: [String: Any]]
        else { throw Malformed(description: "no metadata, operations or shapes") }
        guard let protocolName = meta["protocol"] as? String, let wire = ServiceModel.WireProtocol(rawValue: protocolName) else {
            throw Malformed(description: "unsupported protocol \(meta["protocol"] ?? "none")")
        }
        let metadata = ServiceModel.Metadata(
            apiVersion: meta["apiVersion"] as? String ?? "", protocol: wire, xmlNamespace: meta["xmlNamespace"] as? String,
            targetPrefix: meta["targetPrefix"] as? String, jsonVersion: meta["jsonVersion"] as? String,
            signingName: meta["signingName"] as? String ?? meta["endpointPrefix"] as? String ?? name,
            endpointPrefix: meta["endpointPrefix"] as? String ?? name, serviceID: meta["serviceId"] as? String ?? name,
            awsQueryCompatible: meta["awsQueryCompatible"] != nil)
        var operations: [String: OperationModel] = [:]
        for (opName, op) in ops {
            let http = op["http"] as? [String: Any] ?? [:]
            operations[opName] = OperationModel(
                name: opName, method: http["method"] as? String ?? "POST", requestURI: http["requestUri"] as? String ?? "/",
                responseCode: http["responseCode"] as? Int, input: op["input"] as? String, output: op["output"] as? String,
                resultWrapper: op["resultWrapper"] as? String, errors: op["errors"] as? [String] ?? [],
                anonymous: op["anonymous"] as? Bool ?? false)
        }
        let names = shapeTable.keys.sorted()
        let positions = Dictionary(uniqueKeysWithValues: names.enumerated().map { ($0.element, $0.offset) })
        func memberRef(_ raw: [String: Any], in shape: String) throws -> MemberRef {
            var ref = try ModelReader.memberRef(raw, in: shape)
            guard let target = positions[ref.shape] else { throw Malformed(description: "\(shape) refers to a missing shape \(ref.shape)") }
            ref.target = target
            return ref
        }
        var shapeList: [Shape] = []
        shapeList.reserveCapacity(names.count)
        for shapeName in names {
            let raw = shapeTable[shapeName]!
            guard let kindName = raw["type"] as? String, let kind = Shape.Kind(rawValue: kindName) else {
                throw Malformed(description: "shape \(shapeName) has unsupported type \(raw["type"] ?? "none")")
            }
            let error = raw["error"] as? [String: Any]
            let required = Set(raw["required"] as? [String] ?? [])
            let members = try (raw["members"] as? [[Any]] ?? []).map { pair -> (name: String, ref: MemberRef) in
                guard pair.count == 2, let memberName = pair[0] as? String, let ref = pair[1] as? [String: Any] else {
                    throw Malformed(description: "shape \(shapeName) has a malformed member")
                }
                var member = try memberRef(ref, in: shapeName)
                member.queryName = queryName(memberName, member, shapes: shapeTable)
                member.isRequired = required.contains(memberName)
                return (memberName, member)
            }
            shapeList.append(
                Shape(
                    name: shapeName, kind: kind, members: members, required: required,
                    enumValues: raw["enum"] as? [String], min: (raw["min"] as? NSNumber)?.doubleValue,
                    max: (raw["max"] as? NSNumber)?.doubleValue, pattern: raw["pattern"] as? String,
                    flattened: raw["flattened"] as? Bool ?? false, sensitive: raw["sensitive"] as? Bool ?? false,
                    timestampFormat: raw["timestampFormat"] as? String,
                    member: try (raw["member"] as? [String: Any]).map { try memberRef($0, in: shapeName) },
                    key: try (raw["key"] as? [String: Any]).map { try memberRef($0, in: shapeName) },
                    value: try (raw["value"] as? [String: Any]).map { try memberRef($0, in: shapeName) },
                    isError: error != nil || raw["exception"] as? Bool == true, errorCode: error?["code"] as? String,
                    httpStatus: error?["httpStatusCode"] as? Int,
                    senderFault: error?["senderFault"] as? Bool ?? (raw["fault"] as? Bool != true)
                ))
        }
        return ServiceModel(name: name, metadata: metadata, operations: operations, shapeList: shapeList)
    }

    static func queryName(_ name: String, _ ref: MemberRef, shapes: [String: [String: Any]]) -> String {
        let target = shapes[ref.shape] ?? [:]
        if target["type"] as? String == "list", ref.flattened || target["flattened"] as? Bool == true,
            let item = (target["member"] as? [String: Any])?["locationName"] as? String
        {
            return item
        }
        // A member without a name of its own takes its shape's (SQS's flattened maps: `Tag.N.Key`).
        return ref.locationName ?? target["locationName"] as? String ?? name
    }

    static func memberRef(_ raw: [String: Any], in shape: String) throws -> MemberRef {
        guard let target = raw["shape"] as? String else { throw Malformed(description: "a member of \(shape) names no shape") }
        var location: MemberRef.Location?
        if let name = raw["location"] as? String {
            guard let known = MemberRef.Location(rawValue: name) else {
                throw Malformed(description: "a member of \(shape) has unsupported location \(name)")
            }
            location = known
        }
        return MemberRef(
            shape: target, location: location, locationName: raw["locationName"] as? String,
            flattened: raw["flattened"] as? Bool ?? false, timestampFormat: raw["timestampFormat"] as? String,
            idempotencyToken: raw["idempotencyToken"] as? Bool ?? false, queryName: nil)
    }
}
