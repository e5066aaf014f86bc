import Foundation

/// The REST-JSON protocol (SES v2) from the model: routes each request to its operation by
/// method and URI template, reads URI labels, query-string members, headers and the JSON body
/// into the input shape, and writes outputs and errors (`x-amzn-ErrorType`, `{"message": …}`).
public struct RESTJSONCodec: Sendable {
    public let model: ServiceModel
    let routes: [Route]

    struct Route: Sendable {
        enum Segment: Sendable, Equatable {
            case literal(String)
            case label(String)
            case greedy(String)
        }
        var operation: OperationModel
        var segments: [Segment]
        var literalCount: Int { segments.filter { if case .literal = $0 { true } else { false } }.count }
    }

    public init(model: ServiceModel) {
        self.model = model
        var routes: [Route] = []
        for operation in model.operations.values {
            let template = operation.requestURI.split(separator: "?", maxSplits: 1).first.map(String.init) ?? ""
            let segments = template.split(separator: "/", omittingEmptySubsequences: true).map { part -> Route.Segment in
                if part.hasPrefix("{") && part.hasSuffix("+}") { return .greedy(String(part.dropFirst().dropLast(2))) }
                if part.hasPrefix("{") && part.hasSuffix("}") { return .label(String(part.dropFirst().dropLast())) }
                return .literal(String(part))
            }
            routes.append(Route(operation: operation, segments: segments))
        }
        // The most literal template wins (`/identities/{Id}/policies` before `/identities/{Id}/{X}`).
        self.routes = routes.sorted {
            ($0.literalCount, $0.segments.count, $0.operation.name) > ($1.literalCount, $1.segments.count, $1.operation.name)
        }
    }

    /// The operation a method and path name, with the URI labels (percent-decoded); nil when no
    /// template matches.
    public func route(method: String, path: String) -> (operation: OperationModel, labels: [String: String])? {
        let parts = path.split(separator: "/", omittingEmptySubsequences: true).map { URIEncoding.decode(String($0), plusAsSpace: false) }
        for route in routes where route.operation.method == method {
            if let labels = Self.match(route.segments, parts) { return (route.operation, labels) }
        }
        return nil
    }

    /// Whether some operation lives at this path under another method.
    public func hasRoute(path: String) -> Bool {
        let parts = path.split(separator: "/", omittingEmptySubsequences: true).map { URIEncoding.decode(String($0), plusAsSpace: false) }
        return routes.contains { Self.match($0.segments, parts) != nil }
    }

    static func match(_ segments: [Route.Segment], _ parts: [String]) -> [String: String]? {
        var labels: [String: String] = [:]
        var index = 0
        for segment in segments {
            switch segment {
            case .literal(let text):
                guard index < parts.count, parts[index] == text else { return nil }
                index += 1
            case .label(let name):
                guard index < parts.count, !parts[index].isEmpty else { return nil }
                labels[name] = parts[index]
                index += 1
            case .greedy(let name):
                guard index < parts.count else { return nil }
                labels[name] = parts[index...].joined(separator: "/")
                index = parts.count
            }
        }
        return index == parts.count ? labels : nil
    }

    /// Decodes and validates the input of `operation`.
    public func decode(_ request: AWSHTTPRequest, operation: OperationModel, labels: [String: String]) throws(AWSError) -> AWSValue {
        guard let inputName = operation.input else { return .structure([:]) }
        let shape = model.shape(inputName)
        var problems: [String] = []
        var members = AWSMembers()
        var query: [String: [String]] = [:]
        for (key, value) in URIEncoding.parsePairs(Array(request.rawQuery.utf8), plusAsSpace: false) {
            query[key, default: []].append(value)
        }
        for (name, ref) in shape.members {
            let wireName = ref.locationName ?? name
            let path = ShapeValidator.fieldName(name)
            let memberShape = model.shape(ref)
            switch ref.location {
            case .uri:
                if let text = labels[wireName], let value = QueryInputDecoder.scalar(text, memberShape, path: path, problems: &problems) {
                    members[name] = value
                }
            case .querystring:
                if memberShape.kind == .list, let member = memberShape.member {
                    guard let texts = query[wireName] else { continue }
                    let itemShape = model.shape(member)
                    members[name] = .list(texts.compactMap { QueryInputDecoder.scalar($0, itemShape, path: path, problems: &problems) })
                } else if let text = query[wireName]?.first,
                    let value = QueryInputDecoder.scalar(text, memberShape, path: path, problems: &problems)
                {
                    members[name] = value
                }
            case .header:
                if let text = request.headers[wireName.lowercased()],
                    let value = QueryInputDecoder.scalar(text, memberShape, path: path, problems: &problems)
                {
                    members[name] = value
                }
            case .headers, .statusCode:
                continue
            case nil:
                continue
            }
        }
        JSONShapeCodec(model: model).decodeBody(request.body, shape: shape, into: &members, problems: &problems)
        let value = AWSValue.structure(members)
        try throwIfInvalid(problems)
        try throwIfInvalid(ShapeValidator(model: model).problems(in: value, shape: inputName))
        return value
    }

    /// A successful answer: the model's status (200 unless it names another) and the JSON body.
    public func encode(_ output: AWSValue, operation: OperationModel, requestID: String) -> AWSHTTPResponse {
        var body: [UInt8] = Array("{}".utf8)
        if let outputName = operation.output { body = JSONShapeCodec(model: model).encodeBody(output, shape: model.shape(outputName)) }
        return AWSHTTPResponse(
            status: operation.responseCode ?? 200,
            headers: [("Content-Type", "application/json"), ("x-amzn-RequestId", requestID)], body: body)
    }

    /// An error: the code in `x-amzn-ErrorType`, the message in the body.
    public static func encode(_ error: AWSError, requestID: String) -> AWSHTTPResponse {
        AWSHTTPResponse(
            status: error.status,
            headers: [("Content-Type", "application/json"), ("x-amzn-RequestId", requestID), ("x-amzn-ErrorType", error.code)],
            body: JSONShapeCodec.object([("message", error.message)]))
    }
}
