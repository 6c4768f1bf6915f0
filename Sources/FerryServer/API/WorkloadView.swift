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
    /// The neighbouring stages and the build each runs: the parent first, then the children.
    var chain: [Stage]
    var url: String
    var createdAt: Date
    var updatedAt: Date

    /// A trigger's `secret` (sealed in the store) is shown as "set", like env secrets.
    static func hidingSecret(_ trigger: TriggerRef) -> TriggerRef {
        guard case .object(var config) = trigger.config, config["secret"] != nil, config["secret"] != .null else { return trigger }
        config["secret"] = .string("set")
        var shown = trigger
        shown.config = .object(config)
        return shown
    }

    struct Stage: Encodable {
        var name: String
        var role: String
        var liveBuildID: String?
        var liveRevision: String?
    }

    /// Parents and children by name, built once per listing so a page of N workloads costs
    /// O(N), not O(N²).
    struct StageIndex {
        let byName: [String: Workload]
        let children: [String: [Workload]]
        init(_ all: [Workload]) {
            byName = Dictionary(all.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
            children = Dictionary(grouping: all.filter { $0.spec.parent != nil }, by: { $0.spec.parent! })
        }
    }

    /// `all` is every stored workload, to find parent and children without another query.
    init(_ w: Workload, registry: PluginRegistry, all: [Workload] = []) {
        self.init(w, registry: registry, stages: StageIndex(all))
    }

    init(_ w: Workload, registry: PluginRegistry, stages: StageIndex) {
        name = w.name
        kind = w.spec.source.kind
        generation = w.generation
        let s = w.spec
        spec = SpecView(
            name: s.name, source: s.source,
            env: s.env.mapValues { EnvEntry(secret: $0.secret, value: $0.secret ? nil : $0.value, set: true) },
            volumes: s.volumes, parent: s.parent, triggers: s.triggers.map(Self.hidingSecret), suspend: s.suspend)
        status = w.status
        let parent = w.spec.parent.flatMap { stages.byName[$0] }
        chain = (parent.map { [Stage(name: $0.name, role: "parent", liveBuildID: $0.status.liveBuildID, liveRevision: $0.status.liveRevision)] } ?? [])
            + (stages.children[w.name] ?? []).map { Stage(name: $0.name, role: "child", liveBuildID: $0.status.liveBuildID, liveRevision: $0.status.liveRevision) }
        let mount = registry.sources[kind].map { type(of: $0).mount } ?? kind
        url = "/\(mount)/\(w.name)/"
        createdAt = w.createdAt
        updatedAt = w.updatedAt
    }
}
