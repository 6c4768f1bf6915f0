import FerryCore
import FerryEngine
import Foundation
import Testing

/// `BuildAssembler`, `ObjectStore` and `ManifestVerifier`: a build is the list of its paths with
/// the object holding each one's bytes, named by their sha256; it is trusted only as far as
/// every object is there and still hashes to its name.
@Suite struct ManifestTests {
    static let now = Date(timeIntervalSince1970: 1_750_000_000)
    static let files = [
        "index.html": "<h1>home</h1>\n",
        "docs/guide.html": "<p>guide</p>",
        "docs/img/logo.svg": "<svg/>",
        "b.txt": "",
        "a-z.css": "body{}",
    ]

    /// A data dir's pieces under `root`: the object store and one build folder's content.
    struct Layout {
        let root: URL
        var objects: ObjectStore { ObjectStore(root: root.appendingPathComponent("objects")) }
        var build: URL { root.appendingPathComponent("builds/b1") }
        var content: URL { build.appendingPathComponent(BuildManifest.contentFolder) }
    }

    func assemble(_ layout: Layout, base: BuildManifest? = nil, keep: [String] = [], id: String = "b1", now: Date = now) throws -> BuildAssembler.Result {
        let baseline = BuildBaseline(base: base, objects: layout.objects.root)
        for path in keep { baseline.keep(path) }
        return try BuildAssembler(objects: layout.objects).assemble(
            content: layout.content, baseline: baseline, buildID: id, workload: "docs", revision: Revision(id: "abc1234"),
            meta: .object(["k": .number(1)]), now: now, progress: { _, _ in })
    }

    /// A finished build of `files`, its manifest written beside where its content was.
    func build(in root: URL) throws -> (Layout, BuildManifest) {
        let layout = Layout(root: root)
        try Files.write(Self.files, in: layout.content)
        let manifest = try assemble(layout).manifest
        try ManifestBuilder.write(manifest, to: layout.build)
        return (layout, manifest)
    }

    @Test func everyWrittenFileIsListedSortedWithSizeAndSHA256AndStoredAsAnObject() throws {
        try withTemporaryDirectory { root in
            let layout = Layout(root: root)
            try Files.write(Self.files, in: layout.content)
            try FileManager.default.createDirectory(at: layout.content.appendingPathComponent("empty/folder"), withIntermediateDirectories: true)
            let expected = try Files.sha256sum(Array(Self.files.keys), in: layout.content)
            let made = try assemble(layout)
            let manifest = made.manifest

            #expect(manifest.files.map(\.path) == ["a-z.css", "b.txt", "docs/guide.html", "docs/img/logo.svg", "index.html"])
            for file in manifest.files {
                #expect(file.sha256 == expected[file.path], "\(file.path)")
                #expect(file.size == Int64(Self.files[file.path]!.utf8.count), "\(file.path)")
                #expect(file.modified == Int64(Self.now.timeIntervalSince1970))
                #expect(try String(contentsOfFile: layout.objects.path(file.sha256), encoding: .utf8) == Self.files[file.path])
            }
            #expect(manifest.totalBytes == Int64(Self.files.values.map(\.utf8.count).reduce(0, +)))
            #expect(manifest.buildID == "b1" && manifest.workload == "docs" && manifest.revision == Revision(id: "abc1234"))
            #expect(manifest.meta == .object(["k": .number(1)]))
            #expect(manifest.createdAt == "2025-06-15T15:06:40Z")
            #expect((made.put, made.stored, made.kept) == (5, 5, 0))
            #expect(!FileManager.default.fileExists(atPath: layout.content.path), "the written files were moved, the folder removed")
        }
    }

    @Test func objectsAreReadOnlyAndStoredOnceHoweverManyFilesHaveTheBytes() throws {
        try withTemporaryDirectory { root in
            let layout = Layout(root: root)
            try Files.write(["a.txt": "same", "b/c.txt": "same"], in: layout.content)
            let made = try assemble(layout)
            #expect(made.stored == 1)
            let sha = made.manifest.files[0].sha256
            #expect(made.manifest.files.map(\.sha256) == [sha, sha])
            let mode = try #require(try FileManager.default.attributesOfItem(atPath: layout.objects.path(sha))[.posixPermissions] as? Int)
            #expect(mode & 0o222 == 0, "objects are never written again")
            #expect(layout.objects.all() == [sha])
        }
    }

    @Test func aBuildThatKeepsPathsStoresOnlyWhatItPutAndKeepsTheirTimes() throws {
        try withTemporaryDirectory { root in
            let (layout, first) = try build(in: root)
            try Files.write(["index.html": "<h1>new home</h1>\n"], in: layout.content)
            let later = Self.now.addingTimeInterval(0.2)  // the same second
            let made = try assemble(layout, base: first, keep: ["a-z.css", "docs/guide.html", "index.html"], id: "b2", now: later)
            #expect(made.manifest.files.map(\.path) == ["a-z.css", "docs/guide.html", "index.html"], "paths not kept are gone")
            #expect((made.put, made.stored, made.kept) == (1, 1, 2))
            let index = try #require(made.manifest.files.first { $0.path == "index.html" })
            let before = try #require(first.files.first { $0.path == "index.html" })
            #expect(index.modified! > before.modified!, "a changed file is dated after its previous version, even within one second")
            #expect(made.manifest.files.first { $0.path == "a-z.css" } == first.files.first { $0.path == "a-z.css" })
        }
    }

    @Test func aSiteFileNamedLikeTheManifestIsContentLikeAnyOther() throws {
        try withTemporaryDirectory { root in
            let layout = Layout(root: root)
            try Files.write(Self.files.merging([BuildManifest.fileName: #"{"name": "a web app manifest"}"#]) { $1 }, in: layout.content)
            let manifest = try assemble(layout).manifest
            #expect(manifest.files.map(\.path).contains(BuildManifest.fileName))
            try ManifestBuilder.write(manifest, to: layout.build)
            #expect(try ManifestBuilder.read(from: layout.build) == manifest)
        }
    }

    @Test func aSymlinkInTheBuildIsRefused() throws {
        try withTemporaryDirectory { root in
            let layout = Layout(root: root)
            try Files.write(Self.files, in: layout.content)
            try FileManager.default.createSymbolicLink(atPath: layout.content.appendingPathComponent("docs/passwd").path, withDestinationPath: "/etc/passwd")
            let error = #expect(throws: FerryError.self) { try assemble(layout) }
            #expect(error?.code == .failed)
            #expect(error?.message.contains("docs/passwd") == true)
        }
    }

    @Test func aSymlinkToAFolderIsRefusedToo() throws {
        try withTemporaryDirectory { root in
            let layout = Layout(root: root)
            try Files.write(Self.files, in: layout.content)
            try FileManager.default.createSymbolicLink(atPath: layout.content.appendingPathComponent("outside").path, withDestinationPath: root.path)
            #expect(throws: FerryError.self) { try assemble(layout) }
        }
    }

    @Test func writeThenReadGivesTheSameManifestAndDigest() throws {
        try withTemporaryDirectory { root in
            let (layout, manifest) = try build(in: root)
            let read = try ManifestBuilder.read(from: layout.build)
            #expect(read == manifest)
            #expect(ManifestBuilder.digest(read) == ManifestBuilder.digest(manifest))
            #expect(ManifestBuilder.digest(read).count == 64)
        }
    }

    @Test func awkwardPathsSurviveAndAManifestWrittenByJSONEncoderBeforeIsRead() throws {
        try withTemporaryDirectory { root in
            let files = ["a \"quoted\" name.html", "back\\slash.txt", "new\nline.txt", "é/ü.html", "tab\t.txt"].map {
                BuildManifest.File(path: $0, size: 3, sha256: String(repeating: "a", count: 64), modified: 1_700_000_000)
            }
            let manifest = BuildManifest(
                buildID: "b1", workload: "docs", revision: .git(branch: "main", commit: "abc"), createdAt: "2025-06-15T15:06:40Z",
                files: files, meta: .object(["commit": .string("abc"), "n": .number(2)]))
            try ManifestBuilder.write(manifest, to: root)
            #expect(try ManifestBuilder.read(from: root) == manifest)

            // The layout before: pretty-printed by JSONEncoder, no `modified`.
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            var old = manifest
            old.files = old.files.map { BuildManifest.File(path: $0.path, size: $0.size, sha256: $0.sha256) }
            try encoder.encode(old).write(to: root.appendingPathComponent(BuildManifest.fileName))
            #expect(try ManifestBuilder.read(from: root) == old)
        }
    }

    @Test func theDigestFollowsTheContent() throws {
        try withTemporaryDirectory { root in
            let (layout, manifest) = try build(in: root)
            try Files.write(Self.files.merging(["index.html": "<h1>HOME</h1>\n"]) { $1 }, in: layout.content)
            #expect(ManifestBuilder.digest(try assemble(layout, id: "b2").manifest) != ManifestBuilder.digest(manifest))
        }
    }

    @Test func anUntouchedBuildVerifies() throws {
        try withTemporaryDirectory { root in
            let (layout, _) = try build(in: root)
            #expect(ManifestVerifier.problem(in: layout.build, objects: layout.objects, depth: .present) == nil)
            #expect(ManifestVerifier.problem(in: layout.build, objects: layout.objects, depth: .full) == nil)
        }
    }

    @Test func aMissingOrTruncatedObjectIsNamed() throws {
        try withTemporaryDirectory { root in
            let (layout, manifest) = try build(in: root)
            let guide = try #require(manifest.files.first { $0.path == "docs/guide.html" })
            try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: layout.objects.path(guide.sha256))
            let handle = try #require(FileHandle(forWritingAtPath: layout.objects.path(guide.sha256)))
            try handle.truncate(atOffset: 3)
            try handle.close()
            let problem = try #require(ManifestVerifier.problem(in: layout.build, objects: layout.objects, depth: .present))
            #expect(problem.contains("docs/guide.html is missing"))
            layout.objects.remove(guide.sha256)
            #expect(ManifestVerifier.problem(in: layout.build, objects: layout.objects, depth: .present)?.contains("docs/guide.html") == true)
        }
    }

    @Test func aMissingManifestIsAProblem() throws {
        try withTemporaryDirectory { root in
            let (layout, _) = try build(in: root)
            try FileManager.default.removeItem(at: layout.build.appendingPathComponent(BuildManifest.fileName))
            #expect(ManifestVerifier.problem(in: layout.build, objects: layout.objects, depth: .present) != nil)
        }
    }

    @Test func fullFindsAnObjectWhoseBytesChangedInPlace() throws {
        try withTemporaryDirectory { root in
            let (layout, manifest) = try build(in: root)
            let index = try #require(manifest.files.first { $0.path == "index.html" })
            let path = layout.objects.path(index.sha256)
            try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: path)
            try Data("<h1>HOME</h1>\n".utf8).write(to: URL(fileURLWithPath: path))
            #expect(ManifestVerifier.problem(in: layout.build, objects: layout.objects, depth: .present) == nil, "same size: present trusts it")
            #expect(ManifestVerifier.problem(in: layout.build, objects: layout.objects, depth: .full) == "index.html does not match its sha256 in the manifest")
            #expect(!layout.objects.verify(index.sha256))
        }
    }
}
