import Synchronization

/// A value set once after construction, to break an init-order cycle (the job executor queues
/// follow-ups through the dispatcher, which is built after the runner that owns the executor).
final class Late<Value: Sendable>: Sendable {
    private let value = Mutex<Value?>(nil)
    init() {}
    func set(_ newValue: Value) { value.withLock { $0 = newValue } }
    var get: Value? { value.withLock { $0 } }
}
