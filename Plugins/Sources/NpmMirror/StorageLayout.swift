import FerryCore
import Foundation

/// Verdaccio's storage layout, in one place: `<root>/<name>/package.json` (the packument) with
/// the tarballs beside it, scoped packages under `<root>/@scope/<name>/`, `.verdaccio-db.json`
/// at the root. Every write goes to a `*.tmp-<random>` sibling first and is renamed into place,
/// as Verdaccio does, so a reader (Verdaccio or Ferry) never sees half a file.
public struct StorageLayout: Sendable {
    public let root: URL

    public init(root: URL) { self.root = root.standardizedFileURL }

    /// Files that belong to a running Verdaccio, never to a package: left out of diffs.
    public static func isLocalState(_ relativePath: String) -> Bool {
        let name = relativePath.split(separator: "/").last.map(String.init) ?? relativePath
        return relativePath == ".verdaccio-db.json" || relativePath == ".token-db.json" || name.contains(".tmp")
            || name.hasPrefix(".ferry-") || relativePath.hasPrefix(".ferry")
    }

    /// Whether `name` is a valid npm package name that maps to exactly one folder: lower-case
    /// URL-safe characters, at most one `@scope/` prefix, no `.`/`..` parts, and (as
    /// validate-npm-package-name rules) no leading `_`, which keeps `_advisories/` apart.
    public static func isValidName(_ name: String) -> Bool {
        guard !name.isEmpty, name.count <= 214 else { return false }
        let parts = name.split(separator: "/", omittingEmptySubsequences: false)
        let allowed = { (c: Character) in c.isASCIIDigit || ("a"..."z").contains(c) || "-._~".contains(c) || ("A"..."Z").contains(c) }
        func ok(_ p: Substring) -> Bool { !p.isEmpty && p != "." && p != ".." && !p.hasPrefix(".") && p.allSatisfy(allowed) }
        switch parts.count {
        case 1: return ok(parts[0]) && !parts[0].hasPrefix("_")
        case 2: return parts[0].first == "@" && ok(parts[0].dropFirst()) && ok(parts[1])
        default: return false
        }
    }

    /// The folder of package `name`; a name that would leave the storage (`..`, `/x`) maps to a
    /// folder nothing is ever stored in, so no caller can read or write outside the root.
    public func packageDirectory(_ name: String) -> URL {
        guard let path = try? RelativePath(name, what: "package name"), path.segments.count <= 2 else {
            return root.appendingPathComponent(".ferry-refused-name", isDirectory: true)
        }
        return path.resolved(under: root)
    }

    public func packumentFile(_ name: String) -> URL { packageDirectory(name).appendingPathComponent("package.json") }

    /// Where a tarball lives: beside the packument, named by the basename of `dist.tarball`. A
    /// name that is not one plain file name (never produced by `tarballFileName`) stays inside the
    /// package folder as a name nothing can match, rather than reaching outside it.
    public func tarballFile(_ name: String, fileName: String) -> URL {
        let safe = RelativePath.isPlainName(fileName) ? fileName : ".ferry-refused-name"
        return packageDirectory(name).appendingPathComponent(safe)
    }

    /// The basename of a `dist.tarball` URL (`lodash-4.17.21.tgz`), or nil when it has none that
    /// could be a file name. The URL's last segment is percent-decoded exactly once, so an
    /// upstream's `..%252F..%252Fx` stays one odd name instead of becoming `../../x`.
    public static func tarballFileName(_ tarballURL: String) -> String? {
        let path = URLComponents(string: tarballURL)?.percentEncodedPath ?? tarballURL
        guard !path.hasSuffix("/"), let last = path.split(separator: "/").last.map(String.init),
              let name = last.removingPercentEncoding,
              !name.hasPrefix("."), (try? RelativePath.name(name, what: "tarball name")) != nil
        else { return nil }
        return name
    }

    /// Every package in the storage, found the way Verdaccio's own listing does: a folder with a
    /// `package.json`, or one level deeper under an `@scope` folder.
    public func packageNames() -> [String] {
        let fm = FileManager.default
        var names: [String] = []
        let top = (try? fm.contentsOfDirectory(atPath: root.path)) ?? []
        for entry in top.sorted() where !entry.hasPrefix(".") {
            if entry.hasPrefix("@") {
                let scope = root.appendingPathComponent(entry).path
                for inner in ((try? fm.contentsOfDirectory(atPath: scope)) ?? []).sorted() where !inner.hasPrefix(".") {
                    if fm.fileExists(atPath: "\(scope)/\(inner)/package.json") { names.append("\(entry)/\(inner)") }
                }
            } else if fm.fileExists(atPath: root.appendingPathComponent(entry).path + "/package.json") {
                names.append(entry)
            }
        }
        return names
    }

    /// Writes `data` to `file` atomically: a `<file>.tmp-<random>` sibling, then rename.
    public static func writeAtomically(_ data: Data, to file: URL) throws {
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        let temp = temporarySibling(of: file)
        do {
            try data.write(to: temp)
            try rename(temp, to: file)
        } catch {
            try? FileManager.default.removeItem(at: temp)
            throw FerryError(.failed, "could not write \(file.path): \(error)", cause: error)
        }
    }

    /// A fresh temporary name beside `file`, matching Verdaccio's `<file>.tmp-<random>` pattern.
    public static func temporarySibling(of file: URL) -> URL {
        file.deletingLastPathComponent().appendingPathComponent(file.lastPathComponent + ".tmp-" + String(UInt64.random(in: 0...UInt64.max), radix: 36))
    }

    /// `rename(2)`: replaces `target` in one step (Foundation's move refuses an existing target).
    public static func rename(_ source: URL, to target: URL) throws {
        guard Foundation.rename(source.path, target.path) == 0 else {
            throw FerryError(.failed, "could not move \(source.lastPathComponent) to \(target.path): \(String(cString: strerror(errno)))")
        }
    }
}
