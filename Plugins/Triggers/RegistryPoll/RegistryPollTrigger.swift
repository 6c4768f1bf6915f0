import FerryCore
import Foundation

/// Skeleton of the `registry-poll` trigger; its issue fills it in.
public struct RegistryPollTrigger: TriggerPlugin {
    public static let kind = "registry-poll"
    public static let mode = TriggerMode.watch
    public init() {}
    public var schema: ConfigSchema { .empty }
}
