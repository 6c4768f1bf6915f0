import FerryCore
import Foundation

/// A workload as the API shows it: spec with secrets reduced to "set", status, and where it is
/// served. Never carries a secret's value.
struct WorkloadView: Encodable {
    struct EnvEntry: Encodable {
        var secret: Bool
        var value: String?
        var set: Bool
    }
    struct SpecView: Encodable {
        var name: String
        var source: SourceRef
        var env: [String: EnvEntry]
        var volumes: [VolumeSpec]
        var parent: String?
        var triggers: [TriggerRef]
        var suspend: Bool
    }

    var name: String
    var kind: String
    var generation: Int
    var spec: SpecView
    var status: WorkloadStatus
    var url: String
    var createdAt: Date
    var updatedAt: Date

    init(_ w: Workload, registry: PluginRegistry) {
        name = w.name
        kind = w.spec.source.kind
        generation = w.generation
        let s = w.spec
        spec = SpecView(
            name: s.name, source: s.source,
            env: s.env.mapValues { EnvEntry(secret: $0.secret, value: $0.secret ? nil : $0.value, set: true) },
            volumes: s.volumes, parent: s.parent, triggers: s.triggers, suspend: s.suspend)
        status = w.status
        let mount = registry.sources[kind].map { type(of: $0).mount } ?? kind
        url = "/\(mount)/\(w.name)/"
        createdAt = w.createdAt
        updatedAt = w.updatedAt
    }
}
