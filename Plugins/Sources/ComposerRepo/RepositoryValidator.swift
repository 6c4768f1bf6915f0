import FerryCore
import Foundation

/// Checks a finished build before it may go live: packages.json is what the client needs, every
/// package it announces has its p2 files, every package's files are in the build, and every file
/// this build wrote reads back with its size and, for JSON, as the document it should be. Files
/// kept from the live build are the engine's to check (their objects' presence and size), so a
/// build costs what it wrote here too.
struct RepositoryValidator {
    /// Where a path of the new build can be read: written by this build, or kept from the live one.
    let locate: (String) -> String?

    /// `files`: every path of the new build with its size; `fresh`: those this build wrote.
    func validate(files: [String: Int64], packages: [String: ContentManifest.Package], fresh: Set<String>) throws {
        guard let data = locate("packages.json").flatMap({ FileManager.default.contents(atPath: $0) }),
              let root = JSONText.parse(data)
        else { throw invalid("packages.json is missing or not JSON") }
        guard root["packages"]?.objectValue != nil else { throw invalid("packages.json has no \"packages\" object") }
        guard let metadata = root["metadata-url"]?.stringValue, metadata.contains("%package%") else {
            throw invalid("packages.json has no metadata-url with %package%")
        }
        guard let notify = root["notify-batch"]?.stringValue, notify.hasPrefix("http://") || notify.hasPrefix("https://") else {
            throw invalid("packages.json's notify-batch is not an absolute URL")
        }
        if case .array(let names)? = root["available-packages"] {
            for name in names.compactMap(\.stringValue) where files["p2/\(name).json"] == nil || files["p2/\(name)~dev.json"] == nil {
                throw invalid("\(name) is announced but its p2 files are missing")
            }
        }
        for (name, entry) in packages {
            for path in entry.paths(name) where files[path] == nil { throw invalid("\(name): \(path) is not in the build") }
        }
        for path in fresh.sorted() {
            let size = files[path] ?? -1
            guard let location = locate(path), let bytes = FileManager.default.contents(atPath: location), Int64(bytes.count) == size else {
                throw invalid("\(path) is missing or not \(size) bytes")
            }
            if path.hasSuffix(".json"), path != "packages.json" {
                guard JSONText.parse(bytes)?["minified"]?.stringValue == "composer/2.0" else {
                    throw invalid("\(path) does not read back as Composer 2 metadata")
                }
            }
        }
    }

    private func invalid(_ what: String) -> FerryError {
        FerryError(.failed, "the build failed validation and was not activated: \(what)")
    }
}
