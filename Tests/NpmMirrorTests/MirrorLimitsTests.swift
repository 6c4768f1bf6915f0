import FerryCore
import FerryEngine
import FerryTestSupport
import Foundation
import PluginTestKit
import Testing
@testable import NpmMirrorSource

/// `maxInflatedSize` and `maxPackumentSize` hold on the paths outside data reaches: a gzip bomb
/// upstream or in the storage, and a packument too large to read. Each fails with the limit
/// named, once (a limit is no hiccup to retry), and the rest of the run goes on.
@Suite(.offPool) struct MirrorLimitsTests {
    /// `ferry-bomb@1.0.0` is mirrored; upstream publishes `1.1.0`, whose tarball is a gzip bomb
    /// that inflates to 64 MiB (with its digest right: only the inflated size gives it away).
    private func fixtureWithBombUpstream() async throws -> MirrorFixture {
        let fixture = try await MirrorFixture.make(mirrored: ["yallist"])
        let first = try await PackedPackages.made("ferry-bomb", "1.0.0", in: fixture.temp.url)
        try StorageFolder.write([first], to: fixture.storage, tarballBase: "https://registry.npmjs.org")
        try fixture.publish([first])
        let bomb = try MadeTarballs.bomb(zeros: 64 << 20, in: fixture.temp.url)
        try fixture.publish([PackedVersion(name: "ferry-bomb", version: "1.1.0", manifest: ["name": .string("ferry-bomb"), "version": .string("1.1.0")], tarball: bomb)])
        return fixture
    }

    @Test func aGzipBombUpstreamFailsItsVersionOnceAndNeverReachesTheStorage() async throws {
        let fixture = try await fixtureWithBombUpstream()
        try await fixture.upstream.run { base in
            let context = try fixture.context(upstream: base, config: ["maxInflatedSize": .number(Double(16 << 20)), "dependencies": .bool(false)])
            let outcome = try await NpmMirrorSource().run(action: "refresh-full", revision: nil, params: .object(["diff": .bool(false)]), context: context)
            let errors = outcome.details["errors"]?.arrayValue ?? []
            #expect(errors.count == 1, "\(outcome.details)")
            #expect(errors.first?["package"]?.stringValue == "ferry-bomb")
            #expect(errors.first?["error"]?.stringValue?.contains("inflates past 16 MiB (maxInflatedSize)") == true, "\(errors)")
            #expect(fixture.upstream.requests.filter { $0 == "ferry-bomb/-/ferry-bomb-1.1.0.tgz" }.count == 1, "not retried: \(fixture.upstream.requests)")
        }
        let layout = fixture.layout()
        #expect(!FileManager.default.fileExists(atPath: layout.tarballFile("ferry-bomb", fileName: "ferry-bomb-1.1.0.tgz").path))
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: layout.packageDirectory("ferry-bomb").path).filter { $0.contains(".tmp") }
        #expect(leftovers.isEmpty, "\(leftovers)")
    }

    @Test func aGzipBombInTheStorageIsRecordedBrokenWithTheLimitNamed() async throws {
        let fixture = try await MirrorFixture.make(mirrored: ["tar", "yallist"])
        let bomb = try MadeTarballs.bomb(zeros: 64 << 20, in: fixture.temp.url)
        let target = fixture.tarball("yallist", "4.0.0")
        try FileManager.default.removeItem(at: target)
        try FileManager.default.copyItem(at: bomb, to: target)
        let records = MemoryRecords()
        let context = try fixture.context(upstream: "http://127.0.0.1:9", records: records, config: ["maxInflatedSize": .number(Double(16 << 20))])
        let outcome = try await NpmMirrorSource().run(action: "broken-scan", revision: nil, params: .object(["repair": .bool(false)]), context: context)
        #expect(outcome.details["broken"] == .number(1), "\(outcome.summary)")
        let stored = try records.all(BrokenScanner.collection).map { try $0.decode(BrokenScanner.Broken.self) }
        #expect(stored.map(\.file) == ["yallist-4.0.0.tgz"])
        #expect(stored.first?.reason == "inflates past 16 MiB (maxInflatedSize)", "\(stored)")
    }

    @Test func aPackumentLargerThanTheLimitFailsThatPackageOnly() async throws {
        let fixture = try await MirrorFixture.make(mirrored: ["tar", "yallist"])
        try await fixture.upstream.run { base in
            let sizes = try await ["tar", "yallist"].asyncMap { try await UpstreamHTTP().fetch(FetchRequest(url: "\(base)/\($0)")).body.count }
            #expect(sizes[0] > sizes[1] + 200, "tar's packument is the larger: \(sizes)")
            let limit = (sizes[0] + sizes[1]) / 2
            let context = try fixture.context(upstream: base, config: ["maxPackumentSize": .number(Double(limit)), "dependencies": .bool(false)])
            let before = fixture.upstream.requests.count
            let outcome = try await NpmMirrorSource().run(action: "refresh-full", revision: nil, params: .object(["diff": .bool(false)]), context: context)
            let errors = outcome.details["errors"]?.arrayValue ?? []
            #expect(errors.map { $0["package"]?.stringValue } == ["tar"], "\(outcome.details)")
            #expect(errors.first?["error"]?.stringValue == "upstream packument of tar is larger than \(limit) bytes (maxPackumentSize); raise source.config.maxPackumentSize to mirror it")
            #expect(fixture.upstream.requests.dropFirst(before).filter { $0 == "tar" }.count == 1, "not retried")
            #expect(outcome.summary.hasPrefix("2 packages checked"), "yallist is refreshed as usual: \(outcome.summary)")
        }
    }
}

extension Array {
    fileprivate func asyncMap<T>(_ body: (Element) async throws -> T) async rethrows -> [T] {
        var out: [T] = []
        for element in self { out.append(try await body(element)) }
        return out
    }
}
