import FerryCore
import FerryTestSupport
import Foundation
import PluginTestKit
import Testing
@testable import NpmMirrorSource

/// scan keeps the package listing without rescanning; the registry surface answers npm from
/// the storage (full and abbreviated packuments, scoped names, tarballs, missing versions hidden).
@Suite(.offPool) struct ScanAndServeTests {
    @Test func scanStoresTheListingAndASecondScanHashesNothing() async throws {
        let fixture = try await MirrorFixture.make()
        let records = MemoryRecords()
        let context = try fixture.context(upstream: "http://127.0.0.1:9", records: records)
        let first = try await NpmMirrorSource().run(action: "scan", revision: nil, params: .object([:]), context: context)
        let files = try #require(first.details["files"])
        #expect(first.details["hashed"] == files, "the first scan hashes every file")
        let names = Set(fixture.packed.map(\.name))
        #expect(try records.all(PackageSummary.collection).map(\.key) == names.sorted())
        let minipass = try #require(try records.value(PackageSummary.self, in: PackageSummary.collection, key: "minipass"))
        #expect(minipass.versions == 2 && minipass.tarballs == 2 && minipass.missing == 0 && minipass.latest == "5.0.0")
        #expect(minipass.bytes == (try ["3.3.6", "5.0.0"].reduce(Int64(0)) { $0 + Int64(try Data(contentsOf: fixture.tarball("minipass", $1)).count) }))
        #expect(try records.count(RecordQuery(collection: PackageSummary.collection, search: "mini")) == 3, "minipass, minizlib, fs-minipass")

        let second = try await NpmMirrorSource().run(action: "scan", revision: nil, params: .object([:]), context: context)
        #expect(second.details["hashed"] == .number(0))

        try Data("changed".utf8).write(to: fixture.layout().tarballFile("yallist", fileName: "yallist-4.0.0.tgz"))
        try FileManager.default.removeItem(at: fixture.layout().packageDirectory("chownr"))
        let third = try await NpmMirrorSource().run(action: "scan", revision: nil, params: .object([:]), context: context)
        #expect(third.details["hashed"] == .number(1), "only the changed file is hashed again")
        #expect(try records.get(PackageSummary.collection, key: "chownr") == nil, "a package gone from the storage leaves the listing")
    }

    private func surface(_ fixture: MirrorFixture) -> (NpmMirrorSource, TestSurfaceContext, LiveBuild) {
        let spec = WorkloadSpec(name: "mirror", source: SourceRef(kind: NpmMirrorSource.kind, config: .object(["storage": .string("verdaccio")])))
        let context = TestSurfaceContext(workload: spec, volumes: ["verdaccio": fixture.storage], publicBase: "http://mirror.example:8080/npm/mirror")
        let live = LiveBuild(id: "b1", objects: fixture.temp.url, manifest: BuildManifest(buildID: "b1", workload: "mirror", revision: nil, createdAt: "", files: [], meta: .null))
        return (NpmMirrorSource(), context, live)
    }

    private func get(_ path: String, accept: String? = nil, host: String? = nil, _ fixture: MirrorFixture) async throws -> (Int, JSONValue) {
        let (plugin, context, live) = surface(fixture)
        var headers: [String: String] = [:]
        headers["accept"] = accept
        headers["host"] = host
        let response = await plugin.serve(SurfaceRequest(method: "GET", base: "/npm/mirror", path: path, headers: headers), live: live, context: context)
        guard case .bytes(let bytes) = response.body else { return (response.status, .null) }
        return (response.status, try JSONDecoder().decode(JSONValue.self, from: Data(bytes)))
    }

    @Test func packumentsPointTarballsAtTheMountAndHideVersionsWithoutATarball() async throws {
        let fixture = try await MirrorFixture.make()
        try FileManager.default.removeItem(at: fixture.tarball("minipass", "5.0.0"))
        let (status, full) = try await get("minipass", fixture)
        #expect(status == 200)
        #expect(full["versions"]?.objectValue?.keys.sorted() == ["3.3.6"])
        #expect(full["dist-tags"]?["latest"] == .string("3.3.6"), "latest moves to the newest version present")
        #expect(full["versions"]?["3.3.6"]?["dist"]?["tarball"] == .string("http://mirror.example:8080/npm/mirror/minipass/-/minipass-3.3.6.tgz"))
        #expect(full["_uplinks"] == nil && full["_distfiles"] == nil)

        let (_, viaHost) = try await get("minipass", host: "127.0.0.1:4321", fixture)
        #expect(viaHost["versions"]?["3.3.6"]?["dist"]?["tarball"] == .string("http://127.0.0.1:4321/npm/mirror/minipass/-/minipass-3.3.6.tgz"))
    }

    @Test func abbreviatedPackumentsCarryOnlyWhatInstallNeeds() async throws {
        let fixture = try await MirrorFixture.make()
        let (_, corgi) = try await get("@npmcli%2ffs", accept: "application/vnd.npm.install-v1+json; q=1.0, application/json; q=0.8, */*", fixture)
        #expect(corgi["name"] == .string("@npmcli/fs") && corgi["modified"] != nil)
        let version = try #require(corgi["versions"]?["3.1.1"]?.objectValue)
        #expect(version["dependencies"]?["semver"] != nil && version["dist"]?["integrity"] != nil)
        #expect(version["description"] == nil && version["scripts"] == nil, "the abbreviated form leaves the rest out")
        #expect(version["dist"]?["tarball"]?.stringValue?.hasSuffix("/npm/mirror/@npmcli/fs/-/fs-3.1.1.tgz") == true)
    }

    @Test func tarballsPingAndUnknownNamesAnswerLikeARegistry() async throws {
        let fixture = try await MirrorFixture.make()
        let (plugin, context, live) = surface(fixture)
        let tarball = await plugin.serve(SurfaceRequest(method: "GET", base: "/npm/mirror", path: "@npmcli/fs/-/fs-3.1.1.tgz"), live: live, context: context)
        // Small enough to be answered from memory, byte for byte the stored file.
        guard case .bytes(let bytes) = tarball.body else { Issue.record("expected the tarball's bytes"); return }
        #expect(Data(bytes) == (try Data(contentsOf: fixture.tarball("@npmcli/fs", "3.1.1"))))
        #expect(tarball.headers["content-length"] == String(bytes.count))
        let etag = try #require(tarball.headers["etag"])
        let revalidated = await plugin.serve(
            SurfaceRequest(method: "GET", base: "/npm/mirror", path: "@npmcli/fs/-/fs-3.1.1.tgz", headers: ["if-none-match": etag]), live: live, context: context)
        #expect(revalidated.status == 304)
        #expect(try await get("-/ping", fixture).0 == 200)
        #expect(try await get("no-such-package", fixture).0 == 404)
        #expect(try await get("tar/-/..%2f..%2fetc%2fpasswd.tgz", fixture).0 == 404)
        let (_, one) = try await get("tar/latest", fixture)
        #expect(one["version"] == .string("6.2.1"))
        // A public GET: a version past 2^53 − 1 used to trap on `major + 1` and stop the server.
        #expect(try await get("tar/18446744073709551615", fixture).0 == 404)
        #expect(try await get("tar/%5E18446744073709551615", fixture).0 == 404)
    }

    @Test func aPackumentIsKeptUntilThePackageChangesAndRevalidatesWithItsETag() async throws {
        let fixture = try await MirrorFixture.make()
        let (plugin, context, live) = surface(fixture)
        func get(_ headers: [String: String] = [:]) async -> SurfaceResponse {
            await plugin.serve(SurfaceRequest(method: "GET", base: "/npm/mirror", path: "minipass", headers: headers), live: live, context: context)
        }
        let first = await get()
        let etag = try #require(first.headers["etag"])
        let again = await get()
        #expect(again.headers["etag"] == etag)
        guard case .bytes(let a) = first.body, case .bytes(let b) = again.body else { Issue.record("expected bytes"); return }
        #expect(a == b)
        #expect(await get(["if-none-match": etag]).status == 304)
        let corgi = await get(["accept": RegistrySurface.corgi])
        #expect(corgi.headers["etag"] != etag, "the abbreviated form is another document")

        // A tarball leaving the folder changes what is listed, though package.json is untouched.
        try FileManager.default.removeItem(at: fixture.tarball("minipass", "5.0.0"))
        let changed = await get(["if-none-match": etag])
        #expect(changed.status == 200)
        #expect(changed.headers["etag"] != etag)
        guard case .bytes(let c) = changed.body else { Issue.record("expected bytes"); return }
        let doc = try JSONValue(parsing: c)
        #expect(doc["versions"]?.objectValue?.keys.sorted() == ["3.3.6"])
    }
}
