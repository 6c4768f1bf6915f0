import FerryCore

/// The trigger people fire: a button in the UI, `POST /api/workloads/{name}/actions/{action}`,
/// `ferry run`. It has no config and nothing to watch; declaring it in a workload file only
/// documents which actions people are expected to start by hand.
public struct ManualTrigger: TriggerPlugin {
    public static let kind = "manual"
    public static let mode = TriggerMode.manual
    public let schema = ConfigSchema.object([], "Started by a person from the UI, the API or `ferry run`.")

    public init() {}
}
