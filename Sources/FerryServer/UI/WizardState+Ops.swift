import FerryCore

/// The wizard's round-trip buttons: add or remove a row of an array, a trigger, an env entry
/// or a volume. They work without JavaScript: the form is posted, changed here and shown again.
extension WizardState {
    mutating func perform(_ op: String, newTrigger: String?, registry: PluginRegistry) {
        if op == "add-trigger", let kind = newTrigger, let trigger = registry.triggers[kind] {
            let defaults = SchemaValidator().applyingDefaults(.object([:]), trigger.schema)
            triggers.append(Trigger(kind: kind, action: "deploy", config: defaults))
            return
        }
        let parts = op.split(separator: ":", maxSplits: 1).map(String.init)
        guard parts.count == 2 else { return }
        let path = parts[1].split(separator: ".").map(String.init)
        switch (parts[0], path.first) {
        case ("add", "env"): env.append(EnvRow(key: "", value: "", secret: false))
        case ("add", "volumes"): volumes.append(VolumeRow(name: "", scope: "workload", path: ""))
        case ("remove", "env"): if let i = index(path), env.indices.contains(i) { env.remove(at: i) }
        case ("remove", "volumes"): if let i = index(path), volumes.indices.contains(i) { volumes.remove(at: i) }
        case ("remove", "triggers") where path.count == 2:
            if let i = index(path), triggers.indices.contains(i) {
                triggers.remove(at: i)
                secrets = secrets.filter { !$0.key.hasPrefix("triggers.") }
            }
        case (let verb, "source") where path.count > 2:
            guard let source = registry.sources[kind] else { return }
            Self.edit(&config, verb, Array(path.dropFirst(2)), schema: source.schema)
        case (let verb, "triggers") where path.count > 3:
            guard let i = index(path), triggers.indices.contains(i), let schema = registry.triggers[triggers[i].kind]?.schema else { return }
            Self.edit(&triggers[i].config, verb, Array(path.dropFirst(3)), schema: schema)
        default: break
        }
    }

    private func index(_ path: [String]) -> Int? { path.count > 1 ? Int(path[1]) : nil }

    /// `add` appends a blank item to the array at `path`; `remove` drops the item `path` names.
    private static func edit(_ config: inout JSONValue, _ verb: String, _ path: [String], schema: ConfigSchema) {
        if verb == "add", let map = schema.at(path), map.additionalProperties != nil, map.properties.isEmpty {
            config.update(at: path[...]) { value in
                var members = value?.objectValue ?? [:]
                if members[""] == nil { members[""] = .string("") }
                value = .object(members)
            }
        } else if verb == "remove", path.count >= 2, path[path.count - 2] == "__entries", let i = Int(path.last!) {
            // Rows of a map are shown in key order, the blank key last.
            config.update(at: path.dropLast(2)[...]) { value in
                guard var members = value?.objectValue else { return }
                let keys = members.keys.filter { !$0.isEmpty }.sorted() + (members[""] != nil ? [""] : [])
                if keys.indices.contains(i) { members.removeValue(forKey: keys[i]) }
                value = .object(members)
            }
        } else if verb == "add" {
            guard let array = schema.at(path), let items = array.items ?? (array.type == .array ? .string() : nil) else { return }
            let blank: JSONValue = items.type == .object ? SchemaValidator().applyingDefaults(.object([:]), items) : .string("")
            config.update(at: path[...]) { value in
                if case .array(let list)? = value { value = .array(list + [blank]) } else { value = .array([blank]) }
            }
        } else if verb == "remove", let last = path.last, let i = Int(last) {
            config.update(at: path.dropLast()[...]) { value in
                if case .array(var list)? = value, list.indices.contains(i) { list.remove(at: i); value = .array(list) }
            }
        }
    }
}

extension ConfigSchema {
    /// The schema of the member a path names (`rules.0.params`), or nil.
    func at(_ path: [String]) -> ConfigSchema? {
        var current: ConfigSchema = self
        for key in path {
            if current.type == .array, Int(key) != nil, let items = current.items {
                current = items
            } else if let next = current.property(key) {
                current = next
            } else {
                return nil
            }
        }
        return current
    }
}
