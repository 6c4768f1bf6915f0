import FerryCore
import FerryStore
import Foundation

extension Engine {
    /// What the API shows about a watched binding: the status its watcher last reported, and
    /// what the trigger says of its config now (a schedule's `nextFires`). Nil for other kinds.
    public func watchStatus(of binding: Binding) -> JSONValue? {
        guard let trigger = registry.triggers[binding.kind] as? any WatchTrigger else { return nil }
        let records = OwnedRecords(database: database, owner: OwnedRecords.binding(binding.id))
        var status = (try? records.get(EngineWatchContext.statusCollection, key: EngineWatchContext.statusKey))?.value.objectValue ?? [:]
        if case .object(let described) = trigger.describe(config: binding.config, now: watchers.clock.now) {
            status.merge(described) { _, new in new }
        }
        status["watching"] = .bool(watchers.watchedBindings.contains(binding.id))
        return .object(status)
    }
}
