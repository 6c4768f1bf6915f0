import FerryCore
import FerryTestSupport
import Foundation
import PluginTestKit
import Testing
@testable import NpmMirrorSource

/// `platforms:` in the refresh policy: of a package's platform-specific optional dependencies,
/// a refresh fetches those the listed os/cpu pairs can install, and nothing else.
@Suite(.offPool) struct PlatformRefreshTests {
    /// The mirror holds `ferry-native@1.0.0` (no platform packages); upstream has 1.1.0 with three.
    private func fixture() async throws -> MirrorFixture {
        let fixture = try await MirrorFixture.make(mirrored: ["yallist"])
        let old = try await PackedPackages.made("ferry-native", "1.0.0", in: fixture.temp.url)
        try StorageFolder.write([old], to: fixture.storage, tarballBase: "https://registry.npmjs.org")
        try await fixture.publish([old] + NativePackages.make("1.1.0", in: fixture.temp.url))
        return fixture
    }

    private func refresh(_ fixture: MirrorFixture, platforms: [String]?) async throws -> JSONValue {
        try await fixture.upstream.run { base in
            let extra: [String: JSONValue] = platforms.map { ["platforms": .array($0.map(JSONValue.string))] } ?? [:]
            let context = try fixture.context(upstream: base, config: extra)
            return try await NpmMirrorSource().run(action: "refresh-full", revision: nil, params: .object(["diff": .bool(false)]), context: context).details
        }
    }

    private func stored(_ fixture: MirrorFixture) -> Set<String> { Set(fixture.layout().packageNames().filter { $0.hasPrefix("@ferry-native/") }) }

    @Test func onlyTheListedPlatformsAreFetched() async throws {
        let fixture = try await fixture()
        let details = try await refresh(fixture, platforms: ["linux-x64", "darwin-arm64"])
        let fetched = Set((details["fetched"]?.arrayValue ?? []).compactMap(\.stringValue))
        #expect(fetched == ["ferry-native@1.1.0", "@ferry-native/linux-x64@1.1.0", "@ferry-native/darwin-arm64@1.1.0"], "\(details)")
        #expect(details["skippedPlatforms"] == .array([.string("@ferry-native/win32-x64@1.1.0")]))
        #expect(details["errors"]?.arrayValue?.isEmpty == true, "\(details)")
        #expect(stored(fixture) == ["@ferry-native/linux-x64", "@ferry-native/darwin-arm64"], "no packument is left for a skipped platform")
    }

    @Test func withoutPlatformsEveryOptionalDependencyIsFetched() async throws {
        let fixture = try await fixture()
        let details = try await refresh(fixture, platforms: nil)
        #expect(details["skippedPlatforms"] == .array([]))
        #expect(stored(fixture) == Set(NativePackages.platforms.map { NativePackages.variant($0.0, $0.1) }))
    }

    @Test func aRegularDependencyIsFetchedWhateverItsPlatform() async throws {
        let fixture = try await fixture()
        try fixture.publish([try await PackedPackages.made("ferry-windows-tool", "1.0.0", dependencies: ["@ferry-native/win32-x64": "1.1.0"], in: fixture.temp.url)])
        try StorageFolder.write([try await PackedPackages.made("ferry-windows-tool", "0.9.0", in: fixture.temp.url)], to: fixture.storage, tarballBase: "https://registry.npmjs.org")
        _ = try await refresh(fixture, platforms: ["linux-x64"])
        #expect(stored(fixture).contains("@ferry-native/win32-x64"), "a package that needs it gets it")
    }

    @Test(arguments: ["linux-x86_64", "macos-arm64", "linux", "linux-x64-bionic", "linux-x64-musl-extra"])
    func aPlatformNpmDoesNotKnowIsAFieldError(_ text: String) {
        let config: JSONValue = .object(["storage": .string("s"), "platforms": .array([.string("linux-x64"), .string(text)])])
        let error = #expect(throws: FerryError.self) { try NpmMirrorConfig.load(from: config) }
        #expect(error?.field == "source.config.platforms[1]", "\(String(describing: error))")
        #expect(error?.message.contains(text) == true || error?.message.contains("\"") == true)
    }

    @Test func platformChecksFollowNpmInstallChecks() {
        let linux = NpmPlatform(os: "linux", cpu: "x64", libc: nil)
        #expect(linux.admits(os: ["linux"], cpu: ["x64", "arm64"], libc: []))
        #expect(!linux.admits(os: ["darwin"], cpu: ["x64"], libc: []))
        #expect(linux.admits(os: ["!win32"], cpu: [], libc: []), "only exclusions admit the rest")
        #expect(!linux.admits(os: ["!linux"], cpu: [], libc: []))
        #expect(linux.admits(os: ["linux"], cpu: ["x64"], libc: ["musl"]), "no libc listed: any libc")
        let musl = NpmPlatform(os: "linux", cpu: "x64", libc: "musl")
        #expect(!musl.admits(os: ["linux"], cpu: ["x64"], libc: ["glibc"]))
        #expect(musl.admits(os: ["linux"], cpu: ["x64"], libc: ["musl"]))
    }
}
