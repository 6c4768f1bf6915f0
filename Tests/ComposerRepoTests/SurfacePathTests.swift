import Crypto
import FerryCore
import FerryTestSupport
import Foundation
import PluginTestKit
import Testing
@testable import ComposerRepoSource

/// The composer surface joins request paths to the build only through `RelativePath`: however
/// `..` is spelled, and even when a tampered manifest lists the escape, nothing outside the build
/// is answered.
@Suite(.offPool) struct SurfacePathTests {
    static let secret = "TOP-SECRET-composer"

    final class Repository: @unchecked Sendable {
        let temp: TempDir
        let live: LiveBuild

        init() throws {
            temp = try TempDir()
            let objects = temp.url.appendingPathComponent("objects", isDirectory: true)
            let p2 = Data(#"{"packages":{"acme/lib":[]}}"#.utf8)
            let sha = Hex.string(SHA256.hash(data: p2))
            let object = URL(fileURLWithPath: LiveBuild.objectPath(sha, in: objects.path))
            try FileManager.default.createDirectory(at: object.deletingLastPathComponent(), withIntermediateDirectories: true)
            try p2.write(to: object)
            try Data(SurfacePathTests.secret.utf8).write(to: temp.url.appendingPathComponent("secret.json"))
            // The tampered entries point outside the build; a real manifest never lists such paths.
            let files = [
                BuildManifest.File(path: "p2/acme/lib.json", size: Int64(p2.count), sha256: sha),
                BuildManifest.File(path: "p2/../../../secret.json", size: 19, sha256: String(repeating: "b", count: 64)),
                BuildManifest.File(path: "dists/../../../secret.json", size: 19, sha256: String(repeating: "c", count: 64)),
            ]
            live = LiveBuild(id: "b1", objects: objects, manifest: BuildManifest(buildID: "b1", workload: "wp", revision: nil, createdAt: "", files: files))
        }

        func get(_ path: String) async -> SurfaceResponse {
            await ComposerRepoSource().serve(
                SurfaceRequest(method: "GET", base: "/composer/wp", path: path), live: live,
                context: TestSurfaceContext(workload: WorkloadSpec(name: "wp", source: SourceRef(kind: ComposerRepoSource.kind, config: .object([:])))))
        }
    }

    @Test(arguments: [
        "p2/../../../secret.json", "p2/%2e%2e/%2e%2e/%2e%2e/secret.json", "dists/..%2f..%2f..%2fsecret.json",
        "p2%2F..%2F..%2F..%2Fsecret.json", "p2/acme%00/lib.json", "p2/acme/lib.json%00", "p2\\..\\..\\secret.json",
        "p2//acme/lib.json", "p2/./acme/lib.json", "packages/../../secret",
    ])
    func escapesAreNotFoundAndNeverOutsideBytes(path: String) async throws {
        let repository = try Repository()
        let response = await repository.get(path)
        #expect(response.status == 404, "\(path) answered \(response.status)")
        if case .file(let file, _) = response.body { Issue.record("\(path) served \(file)") }
        if case .bytes(let bytes) = response.body { #expect(!String(decoding: bytes, as: UTF8.self).contains(Self.secret)) }
    }

    @Test func aListedFileInsideTheBuildIsServed() async throws {
        let repository = try Repository()
        let response = await repository.get("p2/acme/lib.json")
        #expect(response.status == 200)
        guard case .bytes(let bytes) = response.body else { Issue.record("a small p2 file is answered from memory"); return }
        let onDisk = try Data(contentsOf: URL(fileURLWithPath: repository.live.location(of: try #require(repository.live.file("p2/acme/lib.json")))))
        #expect(Data(bytes) == onDisk)
        #expect(repository.live.memo.bytesKept == onDisk.count, "kept in the live build's memo")
    }
}
