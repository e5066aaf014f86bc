/// The handlers of one service's operations, keyed by operation name. A handler receives the
/// operation's typed input and returns its typed output; the table erases the types so a front
/// door can dispatch on the name. `Context` is whatever the front end passes along (the caller,
/// the region); the wire layer never looks inside it.
public struct AWSOperationTable<Context: Sendable>: Sendable {
    public typealias Handler = @Sendable (AWSValue, Context) async throws -> AWSValue

    public let model: ServiceModel
    public private(set) var handlers: [String: Handler] = [:]

    public init<Service: AWSService>(_ service: Service.Type) {
        self.model = Service.model
    }

    /// Serves `Op` with `body`.
    public mutating func on<Op: AWSOperation>(
        _ operation: Op.Type, _ body: @escaping @Sendable (Op.Input, Context) async throws -> Op.Output
    ) {
        precondition(Op.Service.model === model, "\(Op.name) belongs to another service")
        handlers[Op.name] = { value, context in
            let input: Op.Input
            do {
                input = try Op.Input(awsValue: value)
            } catch {
                // The codecs type-check and the validator checks required members first, so this
                // means the decoded value and the generated shape disagree.
                throw AWSError.validationError("The request does not match the \(Op.name) input shape: \(error)")
            }
            return try await body(input, context).awsValue
        }
    }

    /// The names of the operations served, sorted.
    public var implemented: [String] { handlers.keys.sorted() }
}
