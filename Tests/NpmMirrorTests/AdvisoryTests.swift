import FerryCore
import FerryTestSupport
import Foundation
import PluginTestKit
import Testing
@testable import NpmMirrorSource

/// Advisories cross the air gap with the packages: a refresh asks upstream's bulk advisory
/// endpoint about every stored version, the answers live in `_advisories/` in the storage, a diff
/// carries them, and the offline mirror answers `npm audit`'s (gzipped) bulk request from them.
@Suite(.offPool) struct AdvisoryTests {
    static let minipassAdvisory: JSONValue = .object([
        "id": .number(1_100_001), "url": .string("https://github.com/advisories/GHSA-ferr-y000-0001"),
        "title": .string("minipass before 4 drops the last chunk"), "severity": .string("moderate"),
        "vulnerable_versions": .string("<4.0.0"), "cwe": .array([.string("CWE-20")]),
        "cvss": .object(["score": .number(5.3), "vectorString": .string("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:L/A:N")]),
    ])

    private func refresh(_ fixture: MirrorFixture, records: MemoryRecords) async throws -> JSONValue {
        try await fixture.upstream.run { base in
            let context = try fixture.context(upstream: base, records: records)
            return try await NpmMirrorSource().run(action: "refresh-full", revision: nil, params: .object(["diff": .bool(false)]), context: context).details
        }
    }

    @Test func advisoriesCollectedOnlineTravelInTheDiffAndAnswerAuditOffline() async throws {
        let fixture = try await MirrorFixture.make(mirrored: RefreshTests.mirrored)
        fixture.upstream.advise(["minipass": [Self.minipassAdvisory]])
        let records = MemoryRecords()
        let details = try await refresh(fixture, records: records)
        #expect(details["advisories"]?["advisories"] == .number(1), "\(details)")
        let asked = fixture.upstream.advisoryRequests.reduce(into: [String: [String]]()) { $0.merge($1) { a, _ in a } }
        #expect(asked["minipass"].map(Set.init) == ["3.3.6", "5.0.0"], "every stored version is asked about: \(asked)")
        #expect(asked["@npmcli/fs"] != nil)
        let feed = AdvisoryFeed(layout: fixture.layout())
        #expect(feed.advisories("minipass") == [Self.minipassAdvisory])
        #expect(!FileManager.default.fileExists(atPath: feed.file("tar").path), "no file for a package without advisories")

        let again = try await refresh(fixture, records: records)
        #expect(again["advisories"]?["filesChanged"] == .number(0), "an unchanged feed rewrites nothing, so the next diff stays empty")

        let context = try fixture.context(upstream: "http://127.0.0.1:9", records: records)
        _ = try await NpmMirrorSource().run(action: "diff-build", revision: nil, params: .object([:]), context: context)
        let archive = context.artifactDirectory.appendingPathComponent(try #require(context.artifacts.last?.name))
        let offline = fixture.temp.url.appendingPathComponent("offline")
        try FileManager.default.createDirectory(at: offline, withIntermediateDirectories: true)
        let report = try DiffApplier(storage: offline).apply(archive: archive, dryRun: false)
        #expect(report.written.contains("_advisories/minipass.json"))
        #expect(PackageHistory.package(of: "_advisories/minipass.json") == nil, "the feed is no package of its own")
        #expect(PackageHistory.package(of: "@npmcli/fs/package.json") == "@npmcli/fs")

        let surface = RegistrySurface(
            layout: StorageLayout(root: offline), config: try NpmMirrorConfig.load(from: .object(["storage": .string("s")])),
            context: TestSurfaceContext(workload: WorkloadSpec(name: "mirror", source: SourceRef(kind: NpmMirrorSource.kind, config: .null)),
                                        volumes: [:], publicBase: "http://127.0.0.1/npm/mirror"))
        let gzipped = try Shell.run(["bash", "-c", "printf '%s' '{\"minipass\":[\"3.3.6\"],\"tar\":[\"6.2.1\"],\"gone\":[\"1.0.0\"]}' | gzip -c | base64 -w0"])
        let body = Array(try #require(Data(base64Encoded: gzipped.trimmingCharacters(in: .whitespacesAndNewlines))))
        let answer = surface.serve(SurfaceRequest(
            method: "POST", base: "/npm/mirror", path: "-/npm/v1/security/advisories/bulk", headers: ["content-encoding": "gzip"], body: body))
        #expect(answer.status == 200)
        #expect(try decoded(answer) == .object(["minipass": .array([Self.minipassAdvisory])]))

        let patched = surface.serve(SurfaceRequest(
            method: "POST", base: "/npm/mirror", path: "-/npm/v1/security/advisories/bulk", body: Array(#"{"minipass":["5.0.0"]}"#.utf8)))
        #expect(try decoded(patched) == .object([:]), "5.0.0 is outside <4.0.0")

        let garbage = surface.serve(SurfaceRequest(
            method: "POST", base: "/npm/mirror", path: "-/npm/v1/security/advisories/bulk", headers: ["content-encoding": "gzip"], body: Array("not gzip".utf8)))
        #expect(garbage.status == 400)
    }

    @Test func anUpstreamWithoutTheEndpointStillMirrorsThePackages() async throws {
        let fixture = try await MirrorFixture.make(mirrored: ["yallist"])
        let demo = try await PackedPackages.made("ferry-demo", "1.0.0", in: fixture.temp.url)
        try StorageFolder.write([demo], to: fixture.storage, tarballBase: "https://registry.npmjs.org")
        try fixture.publish([demo, try await PackedPackages.made("ferry-demo", "1.1.0", in: fixture.temp.url)])
        let details = try await refresh(fixture, records: MemoryRecords())
        #expect(details["fetched"] == .array([.string("ferry-demo@1.1.0")]))
        #expect(details["advisories"]?["error"]?.stringValue?.contains("404") == true, "\(details)")
    }

    @Test func advisoriesOffIsNoRequest() async throws {
        let fixture = try await MirrorFixture.make(mirrored: ["yallist"])
        fixture.upstream.advise([:])
        try await fixture.upstream.run { base in
            let context = try fixture.context(upstream: base, config: ["advisories": .bool(false)])
            let details = try await NpmMirrorSource().run(action: "refresh-full", revision: nil, params: .object(["diff": .bool(false)]), context: context).details
            #expect(details["advisories"] == nil)
        }
        #expect(fixture.upstream.advisoryRequests.isEmpty)
    }

    private func decoded(_ response: SurfaceResponse) throws -> JSONValue {
        guard case .bytes(let bytes) = response.body else { return .null }
        return try JSONDecoder().decode(JSONValue.self, from: Data(bytes))
    }
}
