import Synchronization

/// What a source remembers about one live build while it stays live — a file's checked real
/// path, the bytes of a small file — so a request costs no lookups the first one already made.
/// It lives in the `LiveBuild` and goes with it when another build becomes live. Builds never
/// change after activation, so nothing in it goes stale. Bytes are held up to `byteBudget`.
public final class BuildMemo: Sendable {
    /// Bytes of file content one build may keep in memory.
    public static let defaultByteBudget = 64 << 20

    private let entries = Mutex<(values: [String: any Sendable], bytes: Int)>(([:], 0))
    public let byteBudget: Int

    public init(byteBudget: Int = BuildMemo.defaultByteBudget) { self.byteBudget = byteBudget }

    /// The value remembered under `key`, made by `make` the first time (two first requests at
    /// once may both make it; the first kept wins). `cost` is the bytes it holds: a value that
    /// would take the memo past its budget is handed back without being kept.
    public func value<T: Sendable>(_ key: String, cost: (T) -> Int = { _ in 0 }, make: () -> T) -> T {
        if let boxed = entries.withLock({ $0.values[key] }), let known = boxed as? T { return known }
        let made = make()
        let bytes = cost(made)
        return entries.withLock { state in
            if let boxed = state.values[key], let known = boxed as? T { return known }
            guard state.bytes + bytes <= byteBudget else { return made }
            state.values[key] = made
            state.bytes += bytes
            return made
        }
    }

    /// Files up to this size are worth keeping in memory; larger ones are streamed from disk.
    public static let smallFileLimit = 256 << 10

    /// Whether a file of `size` bytes is small enough and fits what is left of the budget.
    public func wouldKeep(_ size: Int64) -> Bool {
        size <= Int64(Self.smallFileLimit) && Int64(bytesKept) + size <= Int64(byteBudget)
    }

    /// Bytes of content kept so far.
    public var bytesKept: Int { entries.withLock { $0.bytes } }
}
