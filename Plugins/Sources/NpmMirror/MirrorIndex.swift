import FerryCore
import Foundation

/// What `deploy` builds: `index.json`, the list of packages the mirror serves (name, latest,
/// versions with a tarball present). The registry itself is answered from the storage volume,
/// so this small build is what makes the workload live and shows what it held when deployed.
struct MirrorIndex {
    static let fileName = "index.json"

    let layout: StorageLayout
    let config: NpmMirrorConfig

    func write(into directory: URL) throws -> ActionOutcome {
        var packages: [JSONValue] = []
        var served = 0
        for name in layout.packageNames() {
            guard let summary = PackageSummary.read(name, layout: layout) else { continue }
            let versions = config.serveMissing ? summary.versions : summary.versions - summary.missing
            served += versions
            packages.append(.object([
                "name": .string(name), "latest": summary.latest.map(JSONValue.string) ?? .null, "versions": .number(Double(versions)),
            ]))
        }
        let index: JSONValue = .object([
            "mirror": .string("npm"), "packages": .array(packages), "packageCount": .number(Double(packages.count)),
            "servedVersions": .number(Double(served)), "upstream": .string(config.upstreamBase),
        ])
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try JSONText.data(index).write(to: directory.appendingPathComponent(Self.fileName))
        return .built(meta: .object(["packages": .number(Double(packages.count)), "servedVersions": .number(Double(served))]))
    }
}
