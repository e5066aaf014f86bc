/// One AWS API as its generated code describes it: the model and every operation.
public protocol AWSService {
    static var model: ServiceModel { get }
    static var operations: [any AWSOperation.Type] { get }
}

/// One operation of a generated service: its name and typed input and output.
public protocol AWSOperation: SendableMetatype {
    associatedtype Service: AWSService
    associatedtype Input: AWSShape
    associatedtype Output: AWSShape
    static var name: String { get }
}
