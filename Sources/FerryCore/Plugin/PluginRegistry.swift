/// The explicit list of plugins a Ferry process knows. Built once in the composition root
/// (`BuiltinPlugins`), never mutated after, so no plugin registers itself as a side effect.
public struct PluginRegistry: Sendable {
    public private(set) var sources: [String: any SourcePlugin] = [:]
    public private(set) var triggers: [String: any TriggerPlugin] = [:]
    /// The host's git policy (`git.fileRoots` of the server config), set by the composition root
    /// before the engine starts: every validator built from this registry checks git URLs
    /// against the same roots the jobs and watchers get in their contexts.
    public var git = GitPolicy()

    public init() {}

    /// Registering the same kind twice is a programming error, caught at start-up.
    public mutating func register(_ source: any SourcePlugin) {
        let kind = type(of: source).kind
        precondition(sources[kind] == nil, "duplicate source plugin \(source.id)")
        sources[kind] = source
    }

    public mutating func register(_ trigger: any TriggerPlugin) {
        let kind = type(of: trigger).kind
        precondition(triggers[kind] == nil, "duplicate trigger plugin \(trigger.id)")
        triggers[kind] = trigger
    }

    public func source(_ kind: String, field: String = "source.kind") throws -> any SourcePlugin {
        guard let plugin = sources[kind] else {
            throw FerryError.invalid(field, "unknown source kind \"\(kind)\" (known: \(sources.keys.sorted().joined(separator: ", ")))")
        }
        return plugin
    }

    public func trigger(_ kind: String, field: String) throws -> any TriggerPlugin {
        guard let plugin = triggers[kind] else {
            throw FerryError.invalid(field, "unknown trigger kind \"\(kind)\" (known: \(triggers.keys.sorted().joined(separator: ", ")))")
        }
        return plugin
    }

    /// Finds the source that serves a mount (`sites` → static-site).
    public func source(mountedAt mount: String) -> (any SourcePlugin)? {
        sources.values.first { type(of: $0).mount == mount }
    }
}
