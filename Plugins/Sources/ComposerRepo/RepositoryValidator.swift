import FerryCore
import Foundation

/// Checks a finished build before it may go live: packages.json is what the client needs, every
/// package it announces has its p2 files, every file the manifest lists is there with its size,
/// and every file this build wrote reads back as the JSON it should be.
struct RepositoryValidator {
    /// Where a path of the new build can be read: written by this build, or kept from the live one.
    let locate: (String) -> String?

    func validate(_ manifest: ContentManifest, fresh: Set<String>) throws {
        let byPath = Dictionary(manifest.files.map { ($0.path, $0) }, uniquingKeysWith: { a, _ in a })
        guard let data = locate("packages.json").flatMap({ FileManager.default.contents(atPath: $0) }),
              let packages = JSONText.parse(data)
        else { throw invalid("packages.json is missing or not JSON") }
        guard packages["packages"]?.objectValue != nil else { throw invalid("packages.json has no \"packages\" object") }
        guard let metadata = packages["metadata-url"]?.stringValue, metadata.contains("%package%") else {
            throw invalid("packages.json has no metadata-url with %package%")
        }
        guard let notify = packages["notify-batch"]?.stringValue, notify.hasPrefix("http://") || notify.hasPrefix("https://") else {
            throw invalid("packages.json's notify-batch is not an absolute URL")
        }
        if case .array(let names)? = packages["available-packages"] {
            for name in names.compactMap(\.stringValue) where byPath["p2/\(name).json"] == nil || byPath["p2/\(name)~dev.json"] == nil {
                throw invalid("\(name) is announced but its p2 files are missing")
            }
        }
        for (name, entry) in manifest.packages {
            for path in entry.files where byPath[path] == nil { throw invalid("\(name): \(path) is not in the manifest") }
        }
        for file in manifest.files {
            guard let path = locate(file.path), let attributes = try? FileManager.default.attributesOfItem(atPath: path),
                  (attributes[.size] as? NSNumber)?.int64Value == file.size
            else { throw invalid("\(file.path) is missing or not \(file.size) bytes") }
            if fresh.contains(file.path), file.path.hasSuffix(".json") {
                guard let doc = FileManager.default.contents(atPath: path).flatMap(JSONText.parse),
                      file.path == "packages.json" || doc["minified"]?.stringValue == "composer/2.0"
                else { throw invalid("\(file.path) does not read back as Composer 2 metadata") }
            }
        }
    }

    private func invalid(_ what: String) -> FerryError {
        FerryError(.failed, "the build failed validation and was not activated: \(what)")
    }
}
