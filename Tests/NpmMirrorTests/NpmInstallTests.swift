import FerryCore
import FerryEngine
import FerryServer
import FerryTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import PluginTestKit
import Testing
@testable import NpmMirrorSource

/// End to end: a real Ferry (router, SQLite, job runner) on a loopback port serves an
/// npm-mirror workload over a Verdaccio storage of real tarballs, and the real npm client
/// installs packages with dependencies from it, integrity checks on.
@Suite(.serialized, .offPool) struct NpmInstallTests {
    func withFerry<T: Sendable>(
        _ fixture: MirrorFixture, auth: Bool = false, _ body: @Sendable (any TestClientProtocol, Int, Engine) async throws -> T
    ) async throws -> T {
        var config = ServerConfiguration()
        config.port = 0
        config.dataDirectory = fixture.temp.url.appendingPathComponent("data")
        config.reconcile = false
        config.auth.mode = auth ? .token : .none
        config.allowedVolumeRoots = [fixture.temp.url.path]
        var logger = Logger(label: "ferry-npm-test")
        logger.logLevel = .warning
        let (app, engine) = try buildApplication(config, logger: logger)
        return try await app.test(.live) { client in try await body(client, client.port!, engine) }
    }

    func workload(_ fixture: MirrorFixture, upstream: String, config extra: String = "") -> String {
        """
        name: mirror
        source:
          kind: npm-mirror
          config: { storage: verdaccio, upstream: "\(upstream)"\(extra) }
        volumes: [ { name: verdaccio, scope: absolute, path: "\(fixture.storage.path)" } ]
        """
    }

    func json(_ client: any TestClientProtocol, _ method: HTTPRequest.Method, _ uri: String, _ body: String? = nil, type: String = "application/json") async throws -> (HTTPResponse.Status, JSONValue) {
        let response = try await client.execute(uri: uri, method: method, headers: body == nil ? [:] : [.contentType: type], body: body.map { ByteBuffer(string: $0) })
        let value = (try? JSONDecoder().decode(JSONValue.self, from: Data(buffer: response.body))) ?? .string(String(buffer: response.body))
        return (response.status, value)
    }

    /// Starts an action and waits for its job to end (polling, so a job that logs nothing for a
    /// while on a loaded machine does not trip the test client's read timeout).
    func run(_ client: any TestClientProtocol, _ action: String, params: String = "{}") async throws -> JSONValue {
        let (status, job) = try await json(client, .post, "/api/workloads/mirror/actions/\(action)", "{\"params\": \(params)}")
        #expect(status == .accepted, "\(action): \(job)")
        let id = try #require(job["id"]?.stringValue)
        var done = job
        for _ in 0..<1200 {
            done = try await json(client, .get, "/api/jobs/\(id)").1
            if ["succeeded", "failed", "cancelled"].contains(done["state"]?.stringValue ?? "") { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(done["state"] == .string("succeeded"), "\(action): \(done)")
        return done
    }

    private func keptAnswers(_ client: any TestClientProtocol) async throws -> Int {
        let text = String(buffer: try await client.execute(uri: "/metrics", method: .get).body)
        let line = try #require(text.split(separator: "\n").first { $0.hasPrefix("ferry_surface_answers_kept_total ") })
        return try #require(Int(line.split(separator: " ")[1]))
    }

    @Test func aPackumentOrTarballAskedAgainIsAnsweredFromMemoryUntilTheStorageChanges() async throws {
        let fixture = try await MirrorFixture.make()
        try await withFerry(fixture) { client, _, _ in
            let applied = try await client.execute(
                uri: "/api/apply", method: .post, headers: [.contentType: "application/yaml"],
                body: ByteBuffer(string: workload(fixture, upstream: "http://127.0.0.1:9/")))
            #expect(applied.status == .ok)
            _ = try await run(client, "deploy")
            let before = try await keptAnswers(client)
            let first = try await json(client, .get, "/npm/mirror/minipass").1
            let again = try await json(client, .get, "/npm/mirror/minipass").1
            #expect(first == again && first["versions"]?.objectValue?.keys.sorted() == ["3.3.6", "5.0.0"])
            let tarball = "/npm/mirror/minipass/-/minipass-3.3.6.tgz"
            let bytes = try await client.execute(uri: tarball, method: .get).body
            #expect(try await client.execute(uri: tarball, method: .get).body == bytes)
            #expect(Data(buffer: bytes) == (try Data(contentsOf: fixture.tarball("minipass", "3.3.6"))))
            #expect(try await keptAnswers(client) == before + 2, "the second packument and the second tarball came from memory")

            // The storage changes under the same URLs: the kept answers are not sent again.
            try FileManager.default.removeItem(at: fixture.tarball("minipass", "5.0.0"))
            let changed = try await json(client, .get, "/npm/mirror/minipass").1
            #expect(changed["versions"]?.objectValue?.keys.sorted() == ["3.3.6"])
            try Data("not a tarball".utf8).write(to: fixture.tarball("minipass", "3.3.6"))
            #expect(String(buffer: try await client.execute(uri: tarball, method: .get).body) == "not a tarball")
        }
    }

    @Test func aPrivateMirrorNeedsTheReadTokenFromNpmrc() async throws {
        let fixture = try await MirrorFixture.make()
        let project = fixture.temp.url.appendingPathComponent("project")
        try FileManager.default.createDirectory(at: project, withIntermediateDirectories: true)
        try Data("{\"name\":\"consumer\",\"version\":\"1.0.0\",\"private\":true}".utf8).write(to: project.appendingPathComponent("package.json"))
        try await withFerry(fixture, auth: true) { client, port, engine in
            let (_, admin) = try engine.access.createToken(name: "root", role: .admin)
            let (_, reader) = try engine.access.createToken(name: "ci", role: .reader, scope: try WorkloadScope(parsing: "mirror"))
            let bearer: HTTPFields = [.authorization: "Bearer \(admin)", .contentType: "application/yaml"]
            let applied = try await client.execute(
                uri: "/api/apply", method: .post, headers: bearer,
                body: ByteBuffer(string: workload(fixture, upstream: "http://127.0.0.1:9/") + "\naccess: token\n"))
            #expect(applied.status == .ok, "\(String(buffer: applied.body))")
            let started = try await client.execute(
                uri: "/api/workloads/mirror/actions/deploy", method: .post, headers: [.authorization: "Bearer \(admin)", .contentType: "application/json"],
                body: ByteBuffer(string: "{}"))
            let job = try #require(try JSONDecoder().decode(JSONValue.self, from: Data(buffer: started.body))["id"]?.stringValue)
            for _ in 0..<600 where try engine.database.job(job)?.state.isFinished != true { try await Task.sleep(for: .milliseconds(100)) }
            #expect(try engine.database.job(job)?.state == .succeeded)

            let registry = "http://127.0.0.1:\(port)/npm/mirror/"
            let npmrc = fixture.temp.url.appendingPathComponent("npmrc")
            let install = [
                "npm_config_cache=\(fixture.temp.url.path)/npm-cache", "npm_config_userconfig=\(npmrc.path)",
                "npm", "install", "--registry", registry, "--no-audit", "--no-fund", "--loglevel=error", "tar@^6",
            ]
            try Data().write(to: npmrc)
            let refused = await #expect(throws: Shell.ShellError.self) { try await Shell.output(install, in: project) }
            #expect(refused?.description.contains("E401") == true, "\(refused?.description ?? "")")

            try Data("//127.0.0.1:\(port)/npm/mirror/:_authToken=\(reader)\n".utf8).write(to: npmrc)
            try await Shell.output(install, in: project)
            let lock = try String(contentsOf: project.appendingPathComponent("package-lock.json"), encoding: .utf8)
            #expect(lock.contains("\"node_modules/tar\""))
            #expect(!lock.contains(reader), "a tarball URL carries the token")
        }
    }

    @Test func offlineClientsCiAuditViewAndSearchAgainstTheMirror() async throws {
        let fixture = try await MirrorFixture.make()
        let project = fixture.temp.url.appendingPathComponent("ci-project")
        try FileManager.default.createDirectory(at: project, withIntermediateDirectories: true)
        try Data("{\"name\":\"consumer\",\"version\":\"1.0.0\",\"private\":true}".utf8).write(to: project.appendingPathComponent("package.json"))
        try Data().write(to: fixture.temp.url.appendingPathComponent("npmrc"))
        try await withFerry(fixture) { client, port, _ in
            _ = try await json(client, .post, "/api/apply", workload(fixture, upstream: "http://127.0.0.1:9/"), type: "application/yaml")
            _ = try await run(client, "deploy")
            _ = try await run(client, "scan")
            let registry = "http://127.0.0.1:\(port)/npm/mirror/"
            let env = ["npm_config_cache=\(fixture.temp.url.path)/npm-cache", "npm_config_userconfig=\(fixture.temp.url.path)/npmrc"]
            try await Shell.output(env + ["npm", "install", "--registry", registry, "--no-audit", "--no-fund", "--loglevel=error", "tar@^6"], in: project)

            // No signing keys: `/-/npm/v1/keys` answers 404, which npm reads as "this registry has
            // none". (`npm audit signatures` itself also fetches Sigstore's TUF root from the
            // internet, so it cannot run in an air gap whatever the registry answers.)
            let keys = try await client.execute(uri: "/npm/mirror/-/npm/v1/keys", method: .get)
            #expect(keys.status == .notFound)

            // A lockfile made online points at the public registry; npm ci offline must fetch
            // every tarball from the mirror (the public registry is unreachable here).
            let lockURL = project.appendingPathComponent("package-lock.json")
            let online = try String(contentsOf: lockURL, encoding: .utf8).replacingOccurrences(of: registry, with: "https://registry.npmjs.org/")
            #expect(online.contains("https://registry.npmjs.org/tar/-/tar-6.2.1.tgz"))
            try Data(online.utf8).write(to: lockURL)
            try FileManager.default.removeItem(at: project.appendingPathComponent("node_modules"))
            try FileManager.default.removeItem(atPath: "\(fixture.temp.url.path)/npm-cache")
            try await Shell.output(env + ["npm", "ci", "--registry", registry, "--no-fund", "--no-audit", "--loglevel=error"], in: project)
            #expect(FileManager.default.fileExists(atPath: project.appendingPathComponent("node_modules/tar/package.json").path))

            let audit = try await Shell.output(env + ["npm", "audit", "--registry", registry], in: project)
            #expect(audit.contains("found 0 vulnerabilities"), "\(audit)")
            let view = try await Shell.output(env + ["npm", "view", "--registry", registry, "tar@6.2.1", "version"], in: project)
            #expect(view.trimmingCharacters(in: .whitespacesAndNewlines) == "6.2.1")
            let search = try await Shell.output(env + ["npm", "search", "--registry", registry, "--parseable", "minipass"], in: project)
            #expect(search.contains("minipass"), "\(search)")
        }
    }

    @Test func npmInstallsPackagesWithDependenciesFromTheMirror() async throws {
        let fixture = try await MirrorFixture.make()
        let project = fixture.temp.url.appendingPathComponent("project")
        try FileManager.default.createDirectory(at: project, withIntermediateDirectories: true)
        try Data("{\"name\":\"consumer\",\"version\":\"1.0.0\",\"private\":true}".utf8).write(to: project.appendingPathComponent("package.json"))
        try Data().write(to: fixture.temp.url.appendingPathComponent("npmrc"))
        try await withFerry(fixture) { client, port, _ in
            let (applied, answer) = try await json(client, .post, "/api/apply", workload(fixture, upstream: "http://127.0.0.1:9/"), type: "application/yaml")
            #expect(applied == .ok, "\(answer)")
            _ = try await run(client, "deploy")
            let registry = "http://127.0.0.1:\(port)/npm/mirror/"
            try await Shell.output([
                "npm_config_cache=\(fixture.temp.url.path)/npm-cache", "npm_config_userconfig=\(fixture.temp.url.path)/npmrc",
                "npm", "install", "--registry", registry, "--no-audit", "--no-fund", "--loglevel=error",
                "tar@^6", "npm-package-arg", "@npmcli/fs",
            ], in: project)
            let lock = try JSONDecoder().decode(JSONValue.self, from: Data(contentsOf: project.appendingPathComponent("package-lock.json")))
            let packages = try #require(lock["packages"]?.objectValue)
            #expect(packages["node_modules/tar"]?["version"] == .string("6.2.1"))
            #expect(packages["node_modules/@npmcli/fs"]?["resolved"] == .string("\(registry)@npmcli/fs/-/fs-3.1.1.tgz"))
            let installed = packages.filter { $0.key.hasPrefix("node_modules/") }
            #expect(installed.count >= 14, "the dependencies came too: \(installed.keys.sorted())")
            #expect(installed.values.allSatisfy { $0["integrity"]?.stringValue?.hasPrefix("sha512-") == true }, "npm checked every tarball's integrity")
            let versions = Set(installed.values.compactMap { (entry: JSONValue) in entry["version"]?.stringValue })
            #expect(versions.isSuperset(of: ["3.3.6", "5.0.0"]), "both minipass majors")
            let output = try Shell.run(["node", "-e", "const tar = require('tar'); const npa = require('npm-package-arg'); console.log(typeof tar.x, npa('a@^1').type)"], in: project)
            #expect(output.trimmingCharacters(in: .whitespacesAndNewlines) == "function range")

            _ = try await run(client, "scan")
            let (_, listing) = try await json(client, .get, "/api/workloads/mirror/packages?q=mini&limit=2")
            #expect(listing.plainText.contains("\"minipass\""), "\(listing)")
        }
    }

    @Test func aRefreshThroughTheServerIsFollowedByADiffBuildWhoseArchiveIsListedAndDownloadable() async throws {
        let fixture = try await MirrorFixture.make(mirrored: ["yallist"])
        try fixture.publish([try await PackedPackages.made("yallist", "4.1.0", in: fixture.temp.url)])
        try await fixture.upstream.run { upstream in
            try await withFerry(fixture) { client, _, _ in
                _ = try await json(client, .post, "/api/apply", workload(fixture, upstream: upstream), type: "application/yaml")
                let refresh = try await run(client, "refresh-full")
                #expect(refresh["details"]?["fetched"] == .array([.string("yallist@4.1.0")]), "\(refresh)")
                var artifacts: [JSONValue] = []
                for _ in 0..<100 where artifacts.isEmpty {
                    artifacts = try await json(client, .get, "/api/artifacts?workload=mirror").1.arrayValue ?? []
                    if artifacts.isEmpty { try await Task.sleep(for: .milliseconds(100)) }
                }
                let artifact = try #require(artifacts.first, "the follow-up diff-build published an archive")
                let id = try #require(artifact["id"]?.stringValue)
                let download = try await client.execute(uri: "/api/artifacts/\(id)/download", method: .get)
                #expect(download.status == .ok)
                let bytes = Data(buffer: download.body)
                #expect(download.headers[HTTPField.Name("x-checksum-sha256")!] == artifact["sha256"]?.stringValue)
                let file = fixture.temp.url.appendingPathComponent(artifact["name"]!.stringValue!)
                try bytes.write(to: file)
                let offline = fixture.temp.url.appendingPathComponent("offline")
                try FileManager.default.createDirectory(at: offline, withIntermediateDirectories: true)
                _ = try DiffApplier(storage: offline).apply(archive: file, dryRun: false)
                #expect(try StorageFolder.digests(offline) == StorageFolder.digests(fixture.storage))

                // The package's history: which archive carried which versions.
                _ = try await run(client, "scan")
                let (status, detail) = try await json(client, .get, "/api/workloads/mirror/packages/yallist")
                #expect(status == .ok, "\(detail)")
                #expect(detail["name"] == .string("yallist") && (detail["tarballs"]?.numberValue ?? 0) >= 1)
                let carried = detail["history"]?.arrayValue ?? []
                #expect(carried.first?["archive"] == artifact["name"], "\(detail)")
                #expect(carried.first?["versions"]?.arrayValue?.contains(.string("4.1.0")) == true, "\(detail)")
                #expect(detail["firstSeen"]?.stringValue != nil)
                #expect(try await json(client, .get, "/api/workloads/mirror/packages/not-there").0 == .notFound)
                let page = try await client.execute(uri: "/workloads/mirror/items/packages/yallist", method: .get, headers: [.accept: "text/html"])
                #expect(page.status == .ok)
                let html = String(buffer: page.body)
                #expect(html.contains(#"data-table="history""#) && html.contains(artifact["name"]!.stringValue!), "the package page shows its history")
                let workloadPage = String(buffer: try await client.execute(uri: "/workloads/mirror", method: .get, headers: [.accept: "text/html"]).body)
                #expect(workloadPage.contains("mirror-growth") && workloadPage.contains(#"data-archive="\#(artifact["name"]!.stringValue!)""#),
                        "the workload page charts the mirror's size per diff")
            }
        }
    }
}
