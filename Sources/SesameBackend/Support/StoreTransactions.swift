import SesameCore
public import SesameStorage

extension Store {
    /// A write transaction whose storage-level conflict (a unique key taken by a concurrent
    /// writer) becomes `SesameError.concurrentModification`: the backend is where storage errors
    /// become Sesame's, so no front end knows `StoreConflict`.
    public func transaction<R: Sendable>(_ body: @escaping @Sendable (any StoreSession) async throws -> R) async throws -> R {
        do {
            return try await write(body)
        } catch let conflict as StoreConflict {
            throw SesameError(.concurrentModification, "The request conflicts with a concurrent change; retry it.", reason: conflict.detail)
        }
    }
}
