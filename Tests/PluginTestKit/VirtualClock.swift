import FerryEngine
import Foundation
import Synchronization

/// A `WatchClock` that moves only when a test says so. Watchers sleeping on it are resumed by
/// `advance(to:)`; `waitForSleepers(_:)` waits until that many are asleep again, which is how
/// a test knows a watcher has finished reacting (no real-time sleeps in assertions).
public final class VirtualClock: WatchClock {
    private struct Sleeper {
        var id: UInt64
        var until: Date
        var continuation: CheckedContinuation<Void, any Error>
    }
    private struct State {
        var now: Date
        var sleepers: [Sleeper] = []
        var nextID: UInt64 = 0
    }
    private let state: Mutex<State>

    public init(_ start: Date) { state = Mutex(State(now: start)) }

    public var now: Date { state.withLock { $0.now } }

    public var sleeping: Int { state.withLock { $0.sleepers.count } }

    /// The earliest time a sleeper waits for.
    public var nextWake: Date? { state.withLock { $0.sleepers.map(\.until).min() } }

    public func sleep(until date: Date) async throws {
        let id = state.withLock { s -> UInt64 in
            s.nextID += 1
            return s.nextID
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let resumeNow: (any Error)?? = state.withLock { s in
                    if Task.isCancelled { return .some(CancellationError()) }
                    if date <= s.now { return .some(nil) }
                    s.sleepers.append(Sleeper(id: id, until: date, continuation: continuation))
                    return .none
                }
                switch resumeNow {
                case .some(.some(let error)): continuation.resume(throwing: error)
                case .some(.none): continuation.resume()
                case .none: break
                }
            }
        } onCancel: {
            let found = state.withLock { s -> Sleeper? in
                guard let i = s.sleepers.firstIndex(where: { $0.id == id }) else { return nil }
                return s.sleepers.remove(at: i)
            }
            found?.continuation.resume(throwing: CancellationError())
        }
    }

    /// Moves time forward and wakes every sleeper whose time has come.
    public func advance(to date: Date) {
        let due = state.withLock { s -> [Sleeper] in
            s.now = max(s.now, date)
            let due = s.sleepers.filter { $0.until <= s.now }
            s.sleepers.removeAll { $0.until <= s.now }
            return due
        }
        for sleeper in due { sleeper.continuation.resume() }
    }

    public func advance(by seconds: TimeInterval) { advance(to: now.addingTimeInterval(seconds)) }

    /// Waits (in real time, briefly polling) until `count` watchers sleep on this clock.
    public func waitForSleepers(_ count: Int = 1) async throws {
        for _ in 0..<5000 {
            if sleeping >= count { return }
            try await Task.sleep(for: .milliseconds(2))
        }
        throw VirtualClockError.nobodySleeps(expected: count, sleeping: sleeping)
    }

    /// Advances to the earliest wake-up and waits until the watchers sleep again.
    public func step(sleepers: Int = 1) async throws {
        try await waitForSleepers(sleepers)
        guard let next = nextWake else { return }
        advance(to: next)
        try await waitForSleepers(sleepers)
    }
}

public enum VirtualClockError: Error, CustomStringConvertible {
    case nobodySleeps(expected: Int, sleeping: Int)
    public var description: String {
        switch self {
        case .nobodySleeps(let expected, let sleeping): "expected \(expected) watcher(s) asleep, \(sleeping) are"
        }
    }
}
