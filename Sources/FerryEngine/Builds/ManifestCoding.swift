import FerryCore
import Foundation

/// `manifest.json` read and written by hand: `JSONEncoder`/`JSONDecoder` took about a second
/// each way for a 120,000-file build, several times what the rest of an incremental deploy costs.
/// Compact, keys sorted, so the same manifest is always the same bytes.
enum ManifestCoding {
    static func encode(_ manifest: BuildManifest) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(160 * manifest.files.count + 1024)
        out.append(contentsOf: #"{"buildID":"#.utf8)
        JSONWriter.string(manifest.buildID, into: &out)
        out.append(contentsOf: #","createdAt":"#.utf8)
        JSONWriter.string(manifest.createdAt, into: &out)
        out.append(contentsOf: #","files":["#.utf8)
        for (i, file) in manifest.files.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            if let modified = file.modified {
                out.append(contentsOf: #"{"modified":"#.utf8)
                out.append(contentsOf: String(modified).utf8)
                out.append(contentsOf: #","path":"#.utf8)
            } else {
                out.append(contentsOf: #"{"path":"#.utf8)
            }
            JSONWriter.string(file.path, into: &out)
            out.append(contentsOf: #","sha256":"#.utf8)
            JSONWriter.string(file.sha256, into: &out)
            out.append(contentsOf: #","size":"#.utf8)
            out.append(contentsOf: String(file.size).utf8)
            out.append(UInt8(ascii: "}"))
        }
        out.append(contentsOf: #"],"meta":"#.utf8)
        JSONWriter.write(manifest.meta, into: &out)
        if let revision = manifest.revision {
            out.append(contentsOf: #","revision":"#.utf8)
            JSONWriter.write(.object(["id": .string(revision.id), "label": .string(revision.label)]), into: &out)
        }
        out.append(contentsOf: #","workload":"#.utf8)
        JSONWriter.string(manifest.workload, into: &out)
        out.append(UInt8(ascii: "}"))
        return out
    }

    static func decode(_ data: Data) throws -> BuildManifest {
        let value = try JSONValue(parsing: data, maxDepth: 64)
        guard case .object(let m) = value, let buildID = m["buildID"]?.stringValue, let workload = m["workload"]?.stringValue,
              case .array(let list)? = m["files"]
        else { throw FerryError(.failed, "not a build manifest") }
        var files: [BuildManifest.File] = []
        files.reserveCapacity(list.count)
        for entry in list {
            guard case .object(let f) = entry, let path = f["path"]?.stringValue, let sha256 = f["sha256"]?.stringValue,
                  let size = f["size"]?.numberValue
            else { throw FerryError(.failed, "entry \(files.count) of \"files\" is not {path, sha256, size}") }
            files.append(BuildManifest.File(path: path, size: Int64(size), sha256: sha256, modified: f["modified"]?.numberValue.map { Int64($0) }))
        }
        let revision = m["revision"]?["id"]?.stringValue.map { Revision(id: $0, label: m["revision"]?["label"]?.stringValue) }
        return BuildManifest(
            buildID: buildID, workload: workload, revision: revision, createdAt: m["createdAt"]?.stringValue ?? "", files: files,
            meta: m["meta"] ?? .object([:]))
    }
}
