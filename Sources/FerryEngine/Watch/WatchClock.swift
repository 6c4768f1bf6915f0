import Foundation

/// The time a watcher sees and waits on. Production uses the system clock; tests hand in a
/// virtual one so a schedule can be driven through days, downtimes and DST changes at once.
public protocol WatchClock: Sendable {
    var now: Date { get }
    /// Waits until `date`; throws `CancellationError` when the waiting task is cancelled.
    func sleep(until date: Date) async throws
}

/// Wall-clock time; sleeps are `Task.sleep`, so cancellation ends them at once.
public struct SystemWatchClock: WatchClock {
    public init() {}
    public var now: Date { Date() }
    public func sleep(until date: Date) async throws {
        let seconds = date.timeIntervalSinceNow
        guard seconds > 0 else { return try Task.checkCancellation() }
        try await Task.sleep(for: .milliseconds(Int64((seconds * 1000).rounded(.up))))
    }
}
