import FerryCore
import FerryEngine
import Foundation
import Testing

/// `ManifestBuilder` and `ManifestVerifier`: a build is trusted only as far as it matches the
/// manifest of every file, its size and its sha256.
@Suite struct ManifestTests {
    static let now = Date(timeIntervalSince1970: 1_750_000_000)
    static let files = [
        "index.html": "<h1>home</h1>\n",
        "docs/guide.html": "<p>guide</p>",
        "docs/img/logo.svg": "<svg/>",
        "b.txt": "",
        "a-z.css": "body{}",
    ]

    func scan(_ dir: URL) throws -> BuildManifest {
        try ManifestBuilder.scan(dir, buildID: "b1", workload: "docs", revision: Revision(id: "abc1234"), meta: .object(["k": .number(1)]), now: Self.now)
    }

    /// The folder of a build that holds its files (the manifest sits beside it).
    func content(_ build: URL) -> URL { build.appendingPathComponent(BuildManifest.contentFolder) }

    /// A build directory with `files` and its manifest written at `manifestTime`; file times are older.
    func build(in root: URL, manifestTime: Date = now) throws -> URL {
        let dir = root.appendingPathComponent("b1")
        try Files.write(Self.files, in: content(dir))
        for path in Self.files.keys { try Files.setModified(content(dir).appendingPathComponent(path), manifestTime.addingTimeInterval(-60)) }
        try ManifestBuilder.write(try scan(content(dir)), to: dir)
        try Files.setModified(dir.appendingPathComponent(BuildManifest.fileName), manifestTime)
        return dir
    }

    @Test func scanListsEveryRegularFileSortedWithSizeAndSHA256() throws {
        try withTemporaryDirectory { root in
            let dir = root.appendingPathComponent("b1")
            try Files.write(Self.files, in: dir)
            try FileManager.default.createDirectory(at: dir.appendingPathComponent("empty/folder"), withIntermediateDirectories: true)
            let manifest = try scan(dir)

            #expect(manifest.files.map(\.path) == ["a-z.css", "b.txt", "docs/guide.html", "docs/img/logo.svg", "index.html"])
            let expected = try Files.sha256sum(Array(Self.files.keys), in: dir)
            for file in manifest.files {
                #expect(file.sha256 == expected[file.path], "\(file.path)")
                #expect(file.size == Int64(Self.files[file.path]!.utf8.count), "\(file.path)")
            }
            #expect(manifest.totalBytes == Int64(Self.files.values.map(\.utf8.count).reduce(0, +)))
            #expect(manifest.buildID == "b1")
            #expect(manifest.workload == "docs")
            #expect(manifest.revision == Revision(id: "abc1234"))
            #expect(manifest.meta == .object(["k": .number(1)]))
            #expect(manifest.createdAt == "2025-06-15T15:06:40Z")
        }
    }

    @Test func aSiteFileNamedLikeTheManifestIsPublishedAndVerified() throws {
        try withTemporaryDirectory { root in
            let dir = try build(in: root)
            try Files.write([BuildManifest.fileName: #"{"name": "a web app manifest"}"#], in: content(dir))
            try ManifestBuilder.write(try scan(content(dir)), to: dir)
            #expect(try scan(content(dir)).files.map(\.path).contains(BuildManifest.fileName))
            #expect(ManifestVerifier.problem(in: dir, depth: .full) == nil)
        }
    }

    @Test func aSymlinkInTheBuildIsRefused() throws {
        try withTemporaryDirectory { root in
            let dir = root.appendingPathComponent("b1")
            try Files.write(Self.files, in: dir)
            try FileManager.default.createSymbolicLink(atPath: dir.appendingPathComponent("docs/passwd").path, withDestinationPath: "/etc/passwd")
            let error = #expect(throws: FerryError.self) { try scan(dir) }
            #expect(error?.code == .failed)
            #expect(error?.message.contains("docs/passwd") == true)
        }
    }

    @Test func aSymlinkToAFolderIsRefusedToo() throws {
        try withTemporaryDirectory { root in
            let dir = root.appendingPathComponent("b1")
            try Files.write(Self.files, in: dir)
            try FileManager.default.createSymbolicLink(atPath: dir.appendingPathComponent("outside").path, withDestinationPath: root.path)
            #expect(throws: FerryError.self) { try scan(dir) }
        }
    }

    @Test func writeThenReadGivesTheSameManifestAndDigest() throws {
        try withTemporaryDirectory { root in
            let dir = try build(in: root)
            let read = try ManifestBuilder.read(from: dir)
            #expect(read == (try scan(content(dir))))
            #expect(ManifestBuilder.digest(read) == ManifestBuilder.digest(try scan(content(dir))))
            #expect(ManifestBuilder.digest(read).count == 64)
        }
    }

    @Test func theDigestFollowsTheContent() throws {
        try withTemporaryDirectory { root in
            let dir = try build(in: root)
            let before = ManifestBuilder.digest(try scan(content(dir)))
            try Files.write(["index.html": "<h1>HOME</h1>\n"], in: content(dir))
            #expect(ManifestBuilder.digest(try scan(content(dir))) != before)
        }
    }

    @Test func anUntouchedBuildVerifies() throws {
        try withTemporaryDirectory { root in
            let dir = try build(in: root)
            #expect(ManifestVerifier.problem(in: dir, depth: .quick) == nil)
            #expect(ManifestVerifier.problem(in: dir, depth: .full) == nil)
        }
    }

    @Test func aTruncatedFileIsNamed() throws {
        try withTemporaryDirectory { root in
            let dir = try build(in: root)
            let handle = try FileHandle(forWritingTo: content(dir).appendingPathComponent("docs/guide.html"))
            try handle.truncate(atOffset: 3)
            try handle.close()
            let problem = try #require(ManifestVerifier.problem(in: dir, depth: .quick))
            #expect(problem.contains("docs/guide.html"))
            #expect(problem.contains("3 bytes"))
        }
    }

    @Test func aMissingFileIsNamed() throws {
        try withTemporaryDirectory { root in
            let dir = try build(in: root)
            try FileManager.default.removeItem(at: content(dir).appendingPathComponent("docs/img/logo.svg"))
            #expect(ManifestVerifier.problem(in: dir, depth: .quick) == "docs/img/logo.svg is missing")
        }
    }

    @Test func aMissingManifestIsAProblem() throws {
        try withTemporaryDirectory { root in
            let dir = try build(in: root)
            try FileManager.default.removeItem(at: dir.appendingPathComponent(BuildManifest.fileName))
            #expect(ManifestVerifier.problem(in: dir, depth: .quick) != nil)
            #expect(ManifestVerifier.problem(in: dir, depth: .full) != nil)
        }
    }

    @Test func quickHashesFilesChangedAfterTheManifest() throws {
        try withTemporaryDirectory { root in
            let dir = try build(in: root)
            let file = content(dir).appendingPathComponent("index.html")
            try Data("<h1>HOME</h1>\n".utf8).write(to: file)
            try Files.setModified(file, Self.now.addingTimeInterval(5))
            #expect(ManifestVerifier.problem(in: dir, depth: .quick) == "index.html does not match its sha256 in the manifest")
        }
    }

    @Test func fullFindsAContentChangeEvenWithTheOldModificationTime() throws {
        try withTemporaryDirectory { root in
            let dir = try build(in: root)
            let file = content(dir).appendingPathComponent("index.html")
            let oldTime = try #require(try FileManager.default.attributesOfItem(atPath: file.path)[.modificationDate] as? Date)
            try Data("<h1>HOME</h1>\n".utf8).write(to: file)
            try Files.setModified(file, oldTime)
            #expect(ManifestVerifier.problem(in: dir, depth: .quick) == nil, "quick trusts files older than the manifest")
            #expect(ManifestVerifier.problem(in: dir, depth: .full) == "index.html does not match its sha256 in the manifest")
        }
    }
}
