import FerryCore

/// `GET /api/kinds`: every registered source and trigger kind with its schema and actions,
/// which is all the web wizard needs to generate its forms.
struct KindsView: Encodable {
    struct SourceKind: Encodable {
        var kind: String
        var id: String
        var mount: String
        var schema: ConfigSchema
        var actions: [ActionDescriptor]
    }
    struct TriggerKind: Encodable {
        var kind: String
        var id: String
        var mode: TriggerMode
        var schema: ConfigSchema
    }

    var sources: [SourceKind]
    var triggers: [TriggerKind]

    init(_ registry: PluginRegistry) {
        sources = registry.sources.keys.sorted().map { kind in
            let p = registry.sources[kind]!
            return SourceKind(kind: kind, id: p.id, mount: type(of: p).mount, schema: p.schema, actions: p.actions)
        }
        triggers = registry.triggers.keys.sorted().map { kind in
            let t = registry.triggers[kind]!
            return TriggerKind(kind: kind, id: t.id, mode: type(of: t).mode, schema: t.schema)
        }
    }
}
