import Foundation

/// A value behind a lock. Sesame uses this rather than `Synchronization.Mutex`, whose Linux
/// implementation (priority-inheritance futexes) crashed here under load with "Unknown error
/// occurred while attempting to acquire a Mutex".
public final class Locked<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value

    public init(_ value: Value) {
        self.value = value
    }

    public func withLock<R>(_ body: (inout Value) throws -> R) rethrows -> R {
        lock.lock()
        defer { lock.unlock() }
        return try body(&value)
    }
}
