import FerryCore
import Foundation

/// Skeleton of the `schedule` trigger; its issue fills it in.
public struct ScheduleTrigger: TriggerPlugin {
    public static let kind = "schedule"
    public static let mode = TriggerMode.watch
    public init() {}
    public var schema: ConfigSchema { .empty }
}
