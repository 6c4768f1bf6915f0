import FerryTestSupport
import Foundation
import Testing

/// `ferry npm apply` as an operator runs it on the offline side: no server, a diff archive made
/// with GNU tar and zstd, a Verdaccio storage folder.
@Suite struct NpmApplyCLITests {
    /// Writes `storage/demo/{package.json,demo-1.0.0.tgz}` and a manifest vouching for them into
    /// `work`, optionally with a wrong sha512 for the tarball, and packs `diff.tar.zst`.
    private func archive(in dir: URL, tamper: Bool = false) throws -> URL {
        let work = dir.appendingPathComponent("work")
        let files = ["demo/package.json": "{\n\t\"name\": \"demo\"\n}\n", "demo/demo-1.0.0.tgz": "pretend tarball bytes"]
        var entries: [String] = []
        for (path, content) in files.sorted(by: { $0.key < $1.key }) {
            let url = work.appendingPathComponent("storage").appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(content.utf8).write(to: url)
            var sha = String(try Shell.run(["sha512sum", url.path]).prefix(128))
            if tamper && path.hasSuffix(".tgz") { sha = String(repeating: "0", count: 128) }
            entries.append("{\"path\": \"\(path)\", \"size\": \(content.utf8.count), \"sha512\": \"\(sha)\", \"change\": \"new\"}")
        }
        let manifest = """
            {"format": "ferry-npm-diff/1", "workload": "npm", "baseline": null, "snapshot": "s-test",
             "createdAt": "2026-01-01T00:00:00Z", "files": [\(entries.joined(separator: ", "))], "removed": []}
            """
        try Data(manifest.utf8).write(to: work.appendingPathComponent("manifest.json"))
        let file = dir.appendingPathComponent("diff-202601010000.tar.zst")
        try Shell.run(["tar", "--zstd", "-cf", file.path, "-C", work.path, "manifest.json", "storage"])
        return file
    }

    @Test func applyMovesVerifiedFilesInAndASecondApplyChangesNothing() throws {
        let temp = try TempDir()
        let storage = temp.url.appendingPathComponent("storage")
        try FileManager.default.createDirectory(at: storage, withIntermediateDirectories: true)
        let file = try archive(in: temp.url)

        let sha256 = String(try Shell.run(["sha256sum", file.path]).prefix(64))
        let dry = try FerryProcess.run(["npm", "apply", file.path, "--storage", storage.path, "--dry-run", "--insecure"])
        #expect(dry.status == 0, "\(dry.stderr)")
        #expect(dry.stdout.contains("would write 2 file(s)"), "\(dry.stdout)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: storage.path).isEmpty)

        let first = try FerryProcess.run(["npm", "apply", file.path, "--storage", storage.path, "--expect-sha256", sha256])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.contains("wrote 2 file(s)") && first.stdout.contains("needs no restart"), "\(first.stdout)")
        #expect(try String(contentsOf: storage.appendingPathComponent("demo/demo-1.0.0.tgz"), encoding: .utf8) == "pretend tarball bytes")

        let second = try FerryProcess.run(["npm", "apply", file.path, "--storage", storage.path, "--expect-sha256", sha256])
        #expect(second.status == 0)
        #expect(second.stdout.contains("snapshot s-test was applied at") && second.stdout.contains("nothing to do"), "\(second.stdout)")
    }

    @Test func aTamperedArchiveIsRefusedWithExitCodeTwoAndNothingChanged() throws {
        let temp = try TempDir()
        let storage = temp.url.appendingPathComponent("storage")
        try FileManager.default.createDirectory(at: storage, withIntermediateDirectories: true)
        let file = try archive(in: temp.url, tamper: true)
        let result = try FerryProcess.run(["npm", "apply", file.path, "--storage", storage.path, "--insecure"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("archive refused, nothing changed") && result.stderr.contains("sha512"), "\(result.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: storage.path).isEmpty)
    }
}
