/// Values made once per key and kept: the metric objects of each label set, which cost more to
/// make (a registry lookup, label arrays) than to use.
public final class MadeOnce<Key: Hashable, Value>: @unchecked Sendable {
    let made = Locked([Key: Value]())

    public init() {}

    public func value(for key: Key, _ make: () -> Value) -> Value {
        made.withLock { made in
            if let known = made[key] { return known }
            let value = make()
            made[key] = value
            return value
        }
    }
}
