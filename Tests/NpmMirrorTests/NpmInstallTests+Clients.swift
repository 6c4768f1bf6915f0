import FerryCore
import FerryTestSupport
import Foundation
import Testing
@testable import NpmMirrorSource

/// The other clients offline users run, each the real one against a live Ferry: yarn 1
/// (Debian's `yarnpkg`), `npm audit` answered from advisories the storage carries, and
/// platform-specific optional dependencies chosen by `platforms:`. pnpm is not here: Debian 12
/// does not package it and the npm registry is out of reach, so it cannot be installed.
extension NpmInstallTests {
    /// Debian's yarn loads its dependencies from Debian's node folders, which a Node.js from
    /// another source does not search by default.
    static let yarnEnvironment = ["NODE_PATH=/usr/share/nodejs:/usr/lib/nodejs"]

    private func project(_ fixture: MirrorFixture, _ name: String, dependencies: [String: String] = [:]) throws -> URL {
        let dir = fixture.temp.url.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let manifest: JSONValue = .object([
            "name": .string(name), "version": .string("1.0.0"), "private": .bool(true), "license": .string("MIT"),
            "dependencies": .object(dependencies.mapValues(JSONValue.string)),
        ])
        try manifest.canonicalData().write(to: dir.appendingPathComponent("package.json"))
        try Data().write(to: fixture.temp.url.appendingPathComponent("npmrc"))
        return dir
    }

    private func npm(_ fixture: MirrorFixture) -> [String] {
        ["npm_config_cache=\(fixture.temp.url.path)/npm-cache", "npm_config_userconfig=\(fixture.temp.url.path)/npmrc", "npm"]
    }

    @Test func yarnInstallsFromTheMirrorWithIntegrityAndAFrozenLockfile() async throws {
        let fixture = try await MirrorFixture.make()
        let dir = try project(fixture, "yarn-project", dependencies: ["tar": "^6", "@npmcli/fs": "^3"])
        try await withFerry(fixture) { client, port, _ in
            _ = try await json(client, .post, "/api/apply", workload(fixture, upstream: "http://127.0.0.1:9/"), type: "application/yaml")
            _ = try await run(client, "deploy")
            let registry = "http://127.0.0.1:\(port)/npm/mirror/"
            let yarn = Self.yarnEnvironment + [
                "HOME=\(fixture.temp.url.path)", "yarnpkg", "--registry", registry, "--cache-folder", "\(fixture.temp.url.path)/yarn-cache",
                "--non-interactive", "--no-progress", "--no-default-rc",
            ]
            try await Shell.output(yarn + ["install"], in: dir)
            let lock = try String(contentsOf: dir.appendingPathComponent("yarn.lock"), encoding: .utf8)
            #expect(lock.contains("resolved \"\(registry)tar/-/tar-6.2.1.tgz#"), "tarballs come from the mirror:\n\(lock)")
            #expect(lock.contains("resolved \"\(registry)@npmcli/fs/-/fs-3.1.1.tgz#"))
            let integrities = lock.components(separatedBy: "\n").filter { $0.contains("integrity sha512-") }
            #expect(integrities.count >= 10, "yarn recorded every package's integrity from the abbreviated metadata")
            let loaded = try await Shell.output(["node", "-e", "console.log(typeof require('tar').x, typeof require('@npmcli/fs').cp)"], in: dir)
            #expect(loaded.trimmingCharacters(in: .whitespacesAndNewlines) == "function function")

            try FileManager.default.removeItem(at: dir.appendingPathComponent("node_modules"))
            try FileManager.default.removeItem(atPath: "\(fixture.temp.url.path)/yarn-cache")
            try await Shell.output(yarn + ["install", "--frozen-lockfile", "--check-files"], in: dir)
            #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("node_modules/minipass/package.json").path))

            let corgi = try await client.execute(
                uri: "/npm/mirror/tar", method: .get,
                headers: [.accept: "application/vnd.npm.install-v1+json; q=1.0, application/json; q=0.8, */*"])
            #expect(corgi.headers[.contentType] == "application/vnd.npm.install-v1+json", "the abbreviated form says so")
        }
    }

    @Test func npmAuditOfflineReportsTheAdvisoriesTheStorageCarries() async throws {
        let fixture = try await MirrorFixture.make()
        let dir = try project(fixture, "audit-project")
        try await withFerry(fixture) { client, port, _ in
            _ = try await json(client, .post, "/api/apply", workload(fixture, upstream: "http://127.0.0.1:9/"), type: "application/yaml")
            _ = try await run(client, "deploy")
            let registry = "http://127.0.0.1:\(port)/npm/mirror/"
            try await Shell.output(npm(fixture) + ["install", "--registry", registry, "--no-audit", "--no-fund", "--loglevel=error", "tar@^6"], in: dir)
            // What a diff-build carried over from the online side's refresh.
            _ = try AdvisoryFeed(layout: fixture.layout()).store(["minipass": .array([AdvisoryTests.minipassAdvisory])], for: ["minipass"])
            let report = try await Shell.output(npm(fixture) + ["audit", "--registry", registry, "--audit-level=critical"], in: dir)
            // npm narrows the range to the versions the mirror's packument lists: 3.3.6, not 5.0.0.
            #expect(report.contains("minipass  3.3.6") && report.contains("minipass before 4 drops the last chunk"), "\(report)")
            #expect(report.contains("node_modules/fs-minipass/node_modules/minipass"), "\(report)")
            #expect(report.contains("4 moderate severity vulnerabilities"), "minipass and the three that depend on it: \(report)")
            let json = try await Shell.output(npm(fixture) + ["audit", "--json", "--registry", registry, "--audit-level=critical"], in: dir)
            let parsed = try JSONDecoder().decode(JSONValue.self, from: Data(json.utf8))
            let minipass = parsed["vulnerabilities"]?["minipass"]
            #expect(minipass?["range"] == .string("3.3.6"), "\(json)")
            #expect(minipass?["via"]?.arrayValue?.first?["url"] == .string("https://github.com/advisories/GHSA-ferr-y000-0001"))
            #expect(parsed["vulnerabilities"]?["tar"]?["via"] == .array([.string("fs-minipass"), .string("minizlib")]), "through its dependencies")
            #expect(parsed["vulnerabilities"]?["yallist"] == nil)
        }
    }

    @Test func anOfflineLinuxCiInstallsThePlatformPackageAMacLockfileNames() async throws {
        let fixture = try await MirrorFixture.make(mirrored: ["yallist"])
        let old = try await PackedPackages.made("ferry-native", "0.9.0", in: fixture.temp.url)
        try StorageFolder.write([old], to: fixture.storage, tarballBase: "https://registry.npmjs.org")
        try await fixture.publish([old] + NativePackages.make("1.0.0", in: fixture.temp.url))
        let dir = try project(fixture, "native-project")
        try await fixture.upstream.run { upstream in
            try await withFerry(fixture) { client, port, _ in
                let spec = workload(fixture, upstream: upstream, config: ", platforms: [linux-x64, darwin-arm64], diffAfterRefresh: false")
                let (status, applied) = try await json(client, .post, "/api/apply", spec, type: "application/yaml")
                #expect(status == .ok, "\(applied)")
                _ = try await run(client, "deploy")
                let refresh = try await run(client, "refresh-full")
                #expect(refresh["details"]?["skippedPlatforms"] == .array([.string("@ferry-native/win32-x64@1.0.0")]), "\(refresh)")
                let registry = "http://127.0.0.1:\(port)/npm/mirror/"
                // The lockfile as an online macOS laptop makes it.
                try await Shell.output(npm(fixture) + [
                    "install", "--registry", registry, "--os=darwin", "--cpu=arm64", "--no-audit", "--no-fund", "--loglevel=error", "ferry-native@^1",
                ], in: dir)
                let lock = try JSONDecoder().decode(JSONValue.self, from: Data(contentsOf: dir.appendingPathComponent("package-lock.json")))
                #expect(lock["packages"]?["node_modules/@ferry-native/linux-x64"]?["os"] == .array([.string("linux")]), "\(lock)")
                try FileManager.default.removeItem(at: dir.appendingPathComponent("node_modules"))
                try await Shell.output(npm(fixture) + ["ci", "--registry", registry, "--no-audit", "--no-fund", "--loglevel=error"], in: dir)
                let loaded = try await Shell.output(["node", "-e", "console.log(require('ferry-native'))"], in: dir)
                #expect(loaded.trimmingCharacters(in: .whitespacesAndNewlines) == "linux-x64")
            }
        }
    }
}
