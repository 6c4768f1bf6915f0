import FerryCore
import FerryStore
import Foundation

/// Resolves a workload's volumes to paths by scope: `workload` under the workload's folder,
/// `chain` under the folder of the chain's first stage, `absolute` as given (`Engine.apply`
/// checked it against the allow-list), `ephemeral` inside a job's scratch folder. Shared by
/// jobs and surfaces, so both see the same storage.
struct VolumeResolver: Sendable {
    let database: FerryDatabase
    let paths: FerryPaths

    /// `scratch` is the job's folder; without one (serving), ephemeral volumes are left out.
    func resolve(_ spec: WorkloadSpec, scratch: URL?) throws -> [String: URL] {
        var out: [String: URL] = [:]
        for volume in spec.volumes {
            let url: URL
            switch volume.scope {
            case .absolute: url = URL(fileURLWithPath: volume.path ?? "/")
            case .workload: url = paths.volume(spec.name, volume.name)
            case .chain: url = paths.volume(try chainRoot(of: spec), volume.name)
            case .ephemeral:
                guard let scratch else { continue }
                url = scratch.appendingPathComponent("volumes").appendingPathComponent(volume.name)
            }
            if volume.scope != .absolute { try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true) }
            out[volume.name] = url
        }
        return out
    }

    private func chainRoot(of spec: WorkloadSpec) throws -> String {
        var name = spec.name
        var parent = spec.parent
        var seen: Set<String> = [name]
        while let next = parent, seen.insert(next).inserted, let workload = try database.workload(next) {
            name = next
            parent = workload.spec.parent
        }
        return name
    }
}
