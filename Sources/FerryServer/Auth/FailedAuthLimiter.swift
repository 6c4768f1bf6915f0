import Foundation
import Synchronization

/// Counts failed authentications per client address in a sliding window, so guessing tokens or
/// passwords costs a client `limit` tries per `window`. Bounded: at most `maxClients` addresses
/// are tracked, the stalest forgotten first, so a flood of addresses cannot grow it.
final class FailedAuthLimiter: Sendable {
    let limit: Int
    let window: TimeInterval
    let maxClients = 10_000
    private let failures = Mutex<[String: [Date]]>([:])

    init(limit: Int, window: Duration) {
        self.limit = limit
        self.window = window.inSeconds
    }

    /// Seconds until the client may try again, or nil when it may now.
    func retryAfter(_ client: String, now: Date = Date()) -> Int? {
        failures.withLock { all in
            let recent = (all[client] ?? []).filter { now.timeIntervalSince($0) < window }
            all[client] = recent.isEmpty ? nil : recent
            guard recent.count >= limit, let oldest = recent.first else { return nil }
            return max(1, Int((window - now.timeIntervalSince(oldest)).rounded(.up)))
        }
    }

    func fail(_ client: String, now: Date = Date()) {
        failures.withLock { all in
            if all[client] == nil, all.count >= maxClients,
               let stalest = all.min(by: { ($0.value.last ?? .distantPast) < ($1.value.last ?? .distantPast) })?.key {
                all.removeValue(forKey: stalest)
            }
            var list = (all[client] ?? []).filter { now.timeIntervalSince($0) < window }
            list.append(now)
            all[client] = Array(list.suffix(limit))
        }
    }
}
