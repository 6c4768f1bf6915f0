import Synchronization

/// The webhook endpoint's bounded intake and its counters.
///
/// At most `capacity` deliveries are read and processed at once; one more is answered 503 with
/// Retry-After before its body is read, so a burst costs bounded memory and the sender (every
/// forge retries) comes back later. Deliveries to binding ids that do not exist are only
/// counted here: storing an event for each would let anyone grow the database by guessing ids.
final class HookIngress: Sendable {
    struct Counts: Sendable {
        var inFlight = 0
        var busy = 0
        var unknownBinding = 0
    }

    let capacity: Int
    private let counts = Mutex(Counts())

    init(capacity: Int) {
        self.capacity = capacity
    }

    /// Takes a place for one delivery; false when all are taken (the delivery gets 503).
    func enter() -> Bool {
        counts.withLock { counts in
            guard counts.inFlight < capacity else {
                counts.busy += 1
                return false
            }
            counts.inFlight += 1
            return true
        }
    }

    func leave() {
        counts.withLock { $0.inFlight -= 1 }
    }

    func countUnknownBinding() {
        counts.withLock { $0.unknownBinding += 1 }
    }

    var snapshot: Counts { counts.withLock { $0 } }
}
