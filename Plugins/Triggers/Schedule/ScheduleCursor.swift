import FerryCore
import Foundation

/// The schedule's cursor in the binding's records: the last slot it handled (fired, caught up
/// or skipped) and for which schedule, so a restart neither repeats nor forgets a slot.
struct ScheduleCursor: Codable, Sendable, Equatable {
    static let collection = "schedule"
    static let key = "cursor"

    var schedule: String
    var lastSlot: Date

    static func load(_ records: any RecordStore) throws -> ScheduleCursor? {
        try records.value(ScheduleCursor.self, in: collection, key: key)
    }

    func save(_ records: any RecordStore) throws {
        try records.put(Self.collection, RecordWrite(key: Self.key, value: self))
    }
}

/// What a schedule does when it wakes: the pure decision, tested without a clock.
enum ScheduleStep: Equatable {
    /// Nothing due yet.
    case wait
    /// One slot is due: fire it.
    case fire(slot: Date)
    /// Several slots passed unseen (Ferry was down or stalled): one run for the newest, never a pile-up.
    case catchUp(slot: Date, missed: Int, truncated: Bool)
    /// Several slots passed and `catchUp: skip`: record them as skipped, fire nothing.
    case skip(last: Date, missed: Int, truncated: Bool)

    static func decide(_ config: ScheduleConfig, lastSlot: Date, now: Date, startingUp: Bool) -> ScheduleStep {
        let (slots, truncated) = config.slots(after: lastSlot, until: now)
        guard let newest = slots.last else { return .wait }
        // A single slot that is due right now is on time, unless Ferry was down across it.
        if slots.count == 1 && !truncated && !startingUp { return .fire(slot: newest) }
        switch config.catchUp {
        case .once: return .catchUp(slot: newest, missed: slots.count, truncated: truncated)
        case .skip: return .skip(last: newest, missed: slots.count, truncated: truncated)
        }
    }
}
