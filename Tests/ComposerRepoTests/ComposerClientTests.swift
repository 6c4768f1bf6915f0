import Crypto
import FerryCore
import FerryTestSupport
import Foundation
import PluginTestKit
import Testing

/// What a user of a Ferry Composer repository does, with the real `composer` client against a real
/// Ferry: WordPress.org is a loopback fake in its real shapes, git repositories are real.
@Suite(.serialized, .offPool) struct ComposerClientTests {
    /// Upstreams for one test: a fake WordPress.org with two plugins, a library repository and a
    /// stand-in for composer/installers (packagist.org is disabled, and every wp-plugin requires it).
    struct Upstreams: Sendable {
        let temp: TempDir
        let wp: FakeWordPressOrg
        let lib: GitRepo

        init() throws {
            temp = try TempDir()
            wp = FakeWordPressOrg(work: temp.url)
            try wp.set("hello-dolly", .plugin(.init(version: "1.7.2", versions: ["1.6", "1.7.2"], lastUpdated: "2024-10-03 2:31pm GMT")))
            try wp.set("closing-soon", .plugin(.init(version: "1.0", versions: ["1.0"], lastUpdated: "2024-09-01 8:00am GMT")))
            lib = try GitRepo(in: temp.url, name: "lib")
            try lib.commit([
                "composer.json": #"{"name": "acme/lib", "description": "Acme's library", "type": "library", "autoload": {"psr-4": {"Acme\\": "src/"}}}"#,
                "src/Lib.php": "<?php namespace Acme; class Lib { const V = 'one'; }\n",
            ])
            try lib.git("tag", "v1.0.0")
            let installers = try GitRepo(in: temp.url, name: "installers")
            try installers.commit(["composer.json": #"{"name": "composer/installers", "type": "library"}"#])
            try installers.git("tag", "v2.0.0")
        }

        /// Runs `body` against a running Ferry that has the workload applied and deployed once:
        /// how most end-to-end tests begin.
        func deployed(_ body: @escaping @Sendable (LiveFerry.Client) async throws -> Void) async throws {
            try await wp.run { base in
                try await LiveFerry.run(in: temp.url) { ferry, _ in
                    let applied = try await ferry.post("/api/apply", workload(base), contentType: "application/yaml")
                    #expect(applied.status == 200, "\(String(decoding: applied.body, as: UTF8.self))")
                    _ = try await ferry.run("wp", "deploy")
                    try await body(ferry)
                }
            }
        }

        /// `extra` is more YAML under `config:`, indented by four spaces.
        func workload(_ base: String, extra: String = "") -> String {
            """
            name: wp
            source:
              kind: composer-repo
              config:
                wordpress: { plugins: [hello-dolly, closing-soon], api: "\(base)", downloads: "\(base)", svn: "\(base)/svn", timeout: 15s }
                vcs: [ { url: "\(lib.url)" }, { url: "file://\(temp.url.path)/installers" } ]
            \(extra)
            """
        }
    }

    @Test func composerRequiresInstallsUpdatesAndReportsDownloads() async throws {
        let up = try Upstreams()
        try await up.wp.run { wpBase in
            try await LiveFerry.run(in: up.temp.url) { ferry, _ in
                let applied = try await ferry.post("/api/apply", up.workload(wpBase), contentType: "application/yaml")
                #expect(applied.status == 200, "\(String(decoding: applied.body, as: UTF8.self))")
                _ = try await ferry.run("wp", "deploy")

                let composer = try ComposerClient(in: up.temp.url, repository: "\(ferry.base)/composer/wp")
                try await composer.run(["require", "wp-plugin/hello-dolly:^1.6", "acme/lib:^1.0"])
                #expect(composer.installed("wp-plugin/hello-dolly/hello-dolly.php")?.contains("Version: 1.7.2") == true)
                #expect(composer.installed("acme/lib/src/Lib.php")?.contains("'one'") == true)

                // The lock file names Ferry's own dist for the git package, with the sha1 of exactly the bytes served.
                let lock = try JSONDecoder().decode(JSONValue.self, from: Data(contentsOf: composer.project.appendingPathComponent("composer.lock")))
                guard case .array(let locked)? = lock["packages"], let libLock = locked.first(where: { $0["name"] == .string("acme/lib") }) else {
                    Issue.record("acme/lib is not in composer.lock"); return
                }
                let distURL = try #require(libLock["dist"]?["url"]?.stringValue)
                let zip = try await ferry.bytes(String(distURL.dropFirst(ferry.base.count)))
                #expect(libLock["dist"]?["shasum"] == .string(Insecure.SHA1.hash(data: zip).map { String(format: "%02x", $0) }.joined()))

                // The client's notify-batch after the install landed in telemetry.
                _ = try await ferry.run("wp", "aggregate-installs")
                let listed = try await ferry.json("/api/workloads/wp/packages?q=hello-dolly")
                #expect(listed["items"]?[path: "0.installsTotal"] == .number(1), "\(listed)")
                let lib = try await ferry.json("/api/workloads/wp/packages?q=acme/lib")
                #expect(lib["items"]?[path: "0.installsTotal"] == .number(1), "\(lib)")

                // A new upstream version of each appears after the next pipeline, and `composer update` gets it.
                let firstBuildP2 = try await ferry.bytes("/composer/wp/p2/wp-plugin/hello-dolly.json")
                try up.wp.set("hello-dolly", .plugin(.init(version: "1.8.0", versions: ["1.6", "1.7.2", "1.8.0"], lastUpdated: "2024-11-20 9:05am GMT")))
                try up.lib.commit(["src/Lib.php": "<?php namespace Acme; class Lib { const V = 'two'; }\n"])
                try up.lib.git("tag", "v1.1.0")
                _ = try await ferry.run("wp", "deploy")
                try await composer.run(["update"])
                #expect(composer.installed("wp-plugin/hello-dolly/hello-dolly.php")?.contains("Version: 1.8.0") == true)
                #expect(composer.installed("acme/lib/src/Lib.php")?.contains("'two'") == true)

                // Rolling back serves the previous build byte for byte.
                #expect(try await ferry.bytes("/composer/wp/p2/wp-plugin/hello-dolly.json") != firstBuildP2)
                let rollback = try await ferry.post("/api/workloads/wp/rollback", "{}")
                #expect(rollback.status == 200, "\(String(decoding: rollback.body, as: UTF8.self))")
                #expect(try await ferry.bytes("/composer/wp/p2/wp-plugin/hello-dolly.json") == firstBuildP2)
            }
        }
    }

    @Test func aPrivateRepositoryNeedsAReadTokenInAuthJSON() async throws {
        let up = try Upstreams()
        try await up.wp.run { wpBase in
            try await LiveFerry.run(in: up.temp.url, auth: true) { ferry, engine in
                let applied = try await ferry.post("/api/apply", up.workload(wpBase) + "\naccess: token\n", contentType: "application/yaml")
                #expect(applied.status == 200, "\(String(decoding: applied.body, as: UTF8.self))")
                _ = try await ferry.run("wp", "deploy")
                let (_, reader) = try engine.access.createToken(name: "team", role: .reader, scope: try WorkloadScope(parsing: "wp"))

                let composer = try ComposerClient(in: up.temp.url, repository: "\(ferry.base)/composer/wp")
                // Without credentials composer names the 401, not a missing package.
                let refused = await #expect(throws: ComposerClient.Failure.self) {
                    try await composer.run(["require", "wp-plugin/hello-dolly:^1.6"])
                }
                #expect(refused?.description.contains("401") == true, "\(refused?.description ?? "")")

                let host = "127.0.0.1:\(ferry.base.split(separator: ":").last!)"
                try Data(#"{"http-basic": {"\#(host)": {"username": "team", "password": "\#(reader)"}}}"#.utf8)
                    .write(to: composer.project.appendingPathComponent("auth.json"))
                try await composer.run(["require", "wp-plugin/hello-dolly:^1.6", "acme/lib:^1.0"])
                #expect(composer.installed("acme/lib/src/Lib.php")?.contains("'one'") == true)
                let lock = try String(contentsOf: composer.project.appendingPathComponent("composer.lock"), encoding: .utf8)
                #expect(!lock.contains(reader), "a dist URL carries the token")

                // Bearer works as well; a token without the workload in scope gets 403.
                try Data(#"{"bearer": {"\#(host)": "\#(reader)"}}"#.utf8).write(to: composer.project.appendingPathComponent("auth.json"))
                try await composer.run(["update", "--no-cache"])
                let (_, other) = try engine.access.createToken(name: "others", role: .reader, scope: try WorkloadScope(parsing: "site"))
                let forbidden = try await ferry.get("/composer/wp/packages.json", headers: ["Authorization": "Bearer \(other)"])
                #expect(forbidden.status == 403)
                let notify = try await ferry.get("/composer/wp/packages.json", headers: ["Authorization": "Bearer nope"])
                #expect(notify.status == 401)
            }
        }
    }

    @Test func closedPluginsLeaveTheNextBuildAndThePagesShowIt() async throws {
        let up = try Upstreams()
        try await up.deployed { ferry in
            let packages = try await ferry.json("/composer/wp/packages.json")
            #expect(packages["notify-batch"] == .string("\(ferry.base)/composer/wp/downloads"))
            #expect(packages["metadata-url"] == .string("/composer/wp/p2/%package%.json"))
            #expect(packages["available-packages"] == .array(["acme/lib", "composer/installers", "wp-plugin/closing-soon", "wp-plugin/hello-dolly"].map(JSONValue.string)))

            // Conditional requests and unknown packages.
            let p2 = try await ferry.get("/composer/wp/p2/wp-plugin/closing-soon.json")
            let lastModified = try #require(p2.headers["last-modified"])
            let again = try await ferry.get("/composer/wp/p2/wp-plugin/closing-soon.json", headers: ["If-Modified-Since": lastModified])
            #expect(again.status == 304)
            #expect(again.body.isEmpty)
            #expect(try await ferry.get("/composer/wp/p2/wp-plugin/no-such-plugin.json").status == 404)

            try up.wp.set("closing-soon", .closed)
            let check = try await ferry.run("wp", "check-status")
            #expect(check[path: "details.changes"] == .number(1), "\(check)")
            _ = try await ferry.run("wp", "deploy")
            #expect(try await ferry.get("/composer/wp/p2/wp-plugin/closing-soon.json").status == 404)
            let after = try await ferry.json("/composer/wp/packages.json")
            #expect(after["available-packages"]?.plainText.contains("closing-soon") == false)

            let status = try await ferry.text("/composer/wp/status")
            #expect(status.contains("wp-plugin/closing-soon"))
            #expect(status.contains("deactivated"))
            #expect(status.contains("author-request"))

            let search = try await ferry.text("/composer/wp/?q=hello")
            #expect(search.contains("wp-plugin/hello-dolly"))
            #expect(!search.contains("acme/lib"))
            let libraries = try await ferry.text("/composer/wp/?type=library&sort=name")
            #expect(libraries.contains("acme/lib") && !libraries.contains("wp-plugin/hello-dolly"))
            let hostile = try await ferry.text("/composer/wp/?q=%3Cscript%3Ealert(1)%3C/script%3E")
            #expect(!hostile.contains("<script>"))
            #expect(hostile.contains("&lt;script&gt;"))
            let detail = try await ferry.text("/composer/wp/packages/wp-plugin/hello-dolly")
            #expect(detail.contains("composer require wp-plugin/hello-dolly"))
            #expect(detail.contains("1.7.2") && detail.contains("dev-trunk"))
            #expect(detail.contains("<svg class=\"installs\"") && detail.contains("Installs per day over the last 30 days"))

            let listing = try await ferry.json("/api/workloads/wp/packages")
            #expect(listing["total"] == .number(4))
        }
    }
}
