import FerryTestSupport
import Foundation
import NpmMirrorSource
import Testing

/// The air gap, trusted: `ferry npm keygen`, archives signed over their manifest, `apply --trust`
/// refusing what that key did not sign, diffs applied only in order, and the import history
/// `ferry npm status` shows. Every refusal leaves the storage as it was.
@Suite struct SignedDiffCLITests {
    struct Archive {
        var name: String
        var snapshot: String
        var baseline: String? = nil
        var baselineArchive: String? = nil
        var files: [String: String]
        var signWith: String? = nil
        var extraEntry: String? = nil
    }

    /// Packs an archive the way diff-build lays it out: manifest.json, manifest.sig, storage/….
    static func pack(_ spec: Archive, in dir: URL) throws -> URL {
        let work = dir.appendingPathComponent("work-\(spec.name)")
        var entries: [String] = []
        for (path, content) in spec.files.sorted(by: { $0.key < $1.key }) {
            let url = work.appendingPathComponent("storage").appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(content.utf8).write(to: url)
            let sha = String(try Shell.run(["sha512sum", url.path]).prefix(128))
            entries.append("{\"path\": \"\(path)\", \"size\": \(content.utf8.count), \"sha512\": \"\(sha)\", \"change\": \"new\"}")
        }
        let baseline = spec.baseline.map { "\"\($0)\"" } ?? "null"
        let baselineArchive = spec.baselineArchive.map { "\"\($0)\"" } ?? "null"
        let manifest = Data("""
            {"format": "ferry-npm-diff/1", "workload": "npm", "baseline": \(baseline), "baselineArchive": \(baselineArchive), "snapshot": "\(spec.snapshot)",
             "createdAt": "2026-01-01T00:00:00Z", "files": [\(entries.joined(separator: ", "))], "removed": []}
            """.utf8)
        try manifest.write(to: work.appendingPathComponent("manifest.json"))
        var members = ["manifest.json"]
        if let key = spec.signWith {
            let signature = try DiffSignature.sign(manifest, privateKey: try String(contentsOfFile: key, encoding: .utf8), field: "key")
            try JSONEncoder().encode(signature).write(to: work.appendingPathComponent("manifest.sig"))
            members.append("manifest.sig")
        }
        if let extra = spec.extraEntry {
            let url = work.appendingPathComponent("storage").appendingPathComponent(extra)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data("{}".utf8).write(to: url)
        }
        let file = dir.appendingPathComponent(spec.name)
        try Shell.run(["tar", "--zstd", "-cf", file.path, "-C", work.path] + members + ["storage"])
        return file
    }

    static func digests(_ storage: URL) throws -> [String] {
        try FileManager.default.subpathsOfDirectory(atPath: storage.path).sorted()
    }

    @Test func signedArchivesApplyWithTheTrustedKeyOnlyAndInOrder() throws {
        let temp = try TempDir()
        let keys = temp.url.appendingPathComponent("ferry-npm").path
        let keygen = try FerryProcess.run(["npm", "keygen", "--out", keys])
        #expect(keygen.status == 0, "\(keygen.stderr)")
        let mode = try FileManager.default.attributesOfItem(atPath: keys + ".key")[.posixPermissions] as? Int
        #expect(mode == 0o600, "the private key is readable by its owner only")
        #expect(try FerryProcess.run(["npm", "keygen", "--out", keys]).status != 0, "an existing key is never overwritten")
        let other = temp.url.appendingPathComponent("other").path
        _ = try FerryProcess.run(["npm", "keygen", "--out", other])

        let first = try Self.pack(.init(name: "diff-1.tar.zst", snapshot: "s-1", files: ["demo/package.json": "{\"name\":\"demo\"}", "demo/demo-1.0.0.tgz": "one"], signWith: keys + ".key"), in: temp.url)
        let second = try Self.pack(.init(name: "diff-2.tar.zst", snapshot: "s-2", baseline: "s-1", baselineArchive: "diff-1.tar.zst", files: ["demo/demo-1.1.0.tgz": "two"], signWith: keys + ".key"), in: temp.url)
        let third = try Self.pack(.init(name: "diff-3.tar.zst", snapshot: "s-3", baseline: "s-2", baselineArchive: "diff-2.tar.zst", files: ["demo/demo-1.2.0.tgz": "three"], signWith: keys + ".key"), in: temp.url)
        let unsigned = try Self.pack(.init(name: "unsigned.tar.zst", snapshot: "s-u", files: ["demo/x.tgz": "x"]), in: temp.url)
        let foreign = try Self.pack(.init(name: "foreign.tar.zst", snapshot: "s-f", files: ["demo/y.tgz": "y"], signWith: other + ".key"), in: temp.url)
        let storage = temp.url.appendingPathComponent("storage")
        try FileManager.default.createDirectory(at: storage, withIntermediateDirectories: true)
        let trust = ["--trust", keys + ".pub"]

        func refused(_ archive: URL, _ extra: [String], _ reason: String) throws {
            let before = try Self.digests(storage)
            let result = try FerryProcess.run(["npm", "apply", archive.path, "--storage", storage.path] + extra)
            #expect(result.status != 0 && result.stderr.contains(reason), "\(archive.lastPathComponent): \(result.stderr)")
            #expect(try Self.digests(storage) == before, "\(archive.lastPathComponent) changed the storage")
        }
        try refused(first, [], "refusing an archive nothing vouches for")
        try refused(unsigned, trust, "it is not signed")
        try refused(foreign, trust, "not by the trusted key")
        try refused(second, trust, "apply diff-1.tar.zst (snapshot s-1) first")
        try refused(first, ["--expect-sha256", String(repeating: "0", count: 64)], "its sha256 is")

        let applied = try FerryProcess.run(["npm", "apply", first.path, "--storage", storage.path] + trust)
        #expect(applied.status == 0, "\(applied.stderr)")
        #expect(applied.stdout.contains("signed by "), "\(applied.stdout)")
        try refused(third, trust, "apply diff-2.tar.zst (snapshot s-2) first")
        #expect(try FerryProcess.run(["npm", "apply", second.path, "--storage", storage.path] + trust).status == 0)
        #expect(try FerryProcess.run(["npm", "apply", third.path, "--storage", storage.path] + trust).status == 0)

        let status = try FerryProcess.run(["npm", "status", "--storage", storage.path])
        #expect(status.status == 0, "\(status.stderr)")
        let rows = status.stdout.split(separator: "\n").map(String.init)
        #expect(rows.filter { $0.contains("diff-") && !$0.hasPrefix("now at") }.map { $0.contains("diff-1") ? 1 : $0.contains("diff-2") ? 2 : 3 } == [1, 2, 3], "\(status.stdout)")
        #expect(rows.last == "now at snapshot s-3 (from diff-3.tar.zst)")
        #expect(try String(contentsOf: storage.appendingPathComponent("demo/demo-1.2.0.tgz"), encoding: .utf8) == "three")
    }

    @Test func forceAppliesOutOfOrderAndSaysSoAndVerdaccioStateIsRefused() throws {
        let temp = try TempDir()
        let storage = temp.url.appendingPathComponent("storage")
        try FileManager.default.createDirectory(at: storage, withIntermediateDirectories: true)
        let late = try Self.pack(.init(name: "diff-9.tar.zst", snapshot: "s-9", baseline: "s-8", baselineArchive: "diff-8.tar.zst", files: ["demo/z.tgz": "z"]), in: temp.url)
        let forced = try FerryProcess.run(["npm", "apply", late.path, "--storage", storage.path, "--insecure", "--force"])
        #expect(forced.status == 0 && forced.stdout.contains("recorded as forced"), "\(forced.stdout) \(forced.stderr)")
        #expect(forced.stderr.contains("--insecure"))
        let history = try JSONDecoder.iso.decode([DiffImportHistory.Import].self, from: Data(try FerryProcess.run(["npm", "status", "--storage", storage.path, "-o", "json"]).stdout.utf8))
        #expect(history.count == 1 && history[0].forced && history[0].trust == "insecure")

        for state in [".verdaccio-db.json", "htpasswd", "demo/.token-db.json"] {
            let sneaky = try Self.pack(.init(name: "state-\(state.replacingOccurrences(of: "/", with: "_")).tar.zst", snapshot: "s-x\(state.count)", files: ["demo/ok.tgz": "ok"], extraEntry: state), in: temp.url)
            let before = try Self.digests(storage)
            let result = try FerryProcess.run(["npm", "apply", sneaky.path, "--storage", storage.path, "--insecure"])
            #expect(result.status != 0 && result.stderr.contains("Verdaccio's own state"), "\(state): \(result.stderr)")
            #expect(try Self.digests(storage) == before)
        }
    }
}

extension JSONDecoder {
    static var iso: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }
}
