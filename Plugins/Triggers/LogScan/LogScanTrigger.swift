import FerryCore
import Foundation

/// Skeleton of the `log-scan` trigger; its issue fills it in.
public struct LogScanTrigger: TriggerPlugin {
    public static let kind = "log-scan"
    public static let mode = TriggerMode.watch
    public init() {}
    public var schema: ConfigSchema { .empty }
}
