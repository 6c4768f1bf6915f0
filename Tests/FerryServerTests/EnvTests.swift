import FerryCore
import FerryEngine
import FerryServer
import FerryTestSupport
import Foundation
import HummingbirdTesting
import Logging
import PluginTestKit
import Testing

/// Env entries through the API, and secrets: encrypted at rest, decrypted only into the
/// plugin's context, never in an API answer, a job or a log.
@Suite(.offPool) struct EnvTests {
    static let secret = "tok-Zq8v1Rk3pW"

    /// Every file under the data dir (SQLite file, WAL, job logs, builds) that holds `needle`.
    static func filesContaining(_ needle: String, under root: URL) -> [String] {
        let bytes = Data(needle.utf8)
        var found: [String] = []
        let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey])
        while let url = walker?.nextObject() as? URL {
            guard (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true,
                let data = try? Data(contentsOf: url)
            else { continue }
            if data.range(of: bytes) != nil { found.append(url.path) }
        }
        return found
    }

    /// The forms of the secret that must never show: itself, its base64, git's Basic header.
    static var forms: [String] {
        [secret, Data(secret.utf8).base64EncodedString(), Data("x-access-token:\(secret)".utf8).base64EncodedString()]
    }

    static func expectHidden(_ text: String, _ where_: String, sourceLocation: SourceLocation = #_sourceLocation) {
        for form in forms {
            #expect(!text.contains(form), "\(where_) shows the secret (\(form == secret ? "plain" : "encoded"))", sourceLocation: sourceLocation)
        }
    }

    static func generation(_ client: TestFerry.Client, _ name: String) async throws -> Int {
        Int(try await client.json("/api/workloads/\(name)")["generation"]!.plainText)!
    }

    @Test func aSecretSetThroughTheAPIIsStoredSealedAndNeverShown() async throws {
        try await TestFerry.run { client, engine, temp in
            let repo = try GitRepo(in: temp)
            try repo.commit(["public/index.html": "hello"])
            try await client.apply(siteWorkload("site", repo: repo))

            let put = try await client.send(.put, "/api/workloads/site/env/GIT_TOKEN", #"{"value": "\#(Self.secret)", "secret": true}"#)
            #expect(put.status == .ok, "\(String(buffer: put.body))")
            Self.expectHidden(String(buffer: put.body), "PUT answer")
            let entry = try client.decode(put)
            #expect(entry["key"] == .string("GIT_TOKEN"))
            #expect(entry["secret"] == .bool(true))
            #expect(entry["set"] == .bool(true))
            #expect(entry["value"] == nil)
            let plain = try await client.send(.put, "/api/workloads/site/env/MODE", #"{"value": "fast"}"#)
            #expect(plain.status == .ok)

            // At rest: sealed in the stored spec, and no byte of the plaintext anywhere on disk.
            let stored = try #require(try engine.database.workload("site")?.spec.env["GIT_TOKEN"])
            #expect(stored.secret)
            #expect(stored.value.hasPrefix("enc:v1:"))
            #expect(try engine.secrets.open(stored.value) == Self.secret)
            #expect(try engine.database.workload("site")?.spec.env["MODE"] == EnvValue("fast"))
            let dataDir = engine.paths.root
            for form in Self.forms {
                #expect(Self.filesContaining(form, under: dataDir).isEmpty, "found a form of the secret on disk")
            }
            #expect(!Self.filesContaining("enc:v1:", under: dataDir).isEmpty, "the sealed value should be in the database")

            // The API shows it as set, never its value.
            let workload = try await client.page("/api/workloads/site")
            Self.expectHidden(workload.1, "GET /api/workloads/site")
            let view = try await client.json("/api/workloads/site")
            #expect(view[path: "spec.env.GIT_TOKEN"] == .object(["secret": .bool(true), "set": .bool(true)]))
            #expect(view[path: "spec.env.MODE.value"] == .string("fast"))
            Self.expectHidden(try await client.page("/api/workloads").1, "GET /api/workloads")
            let list = try await client.page("/api/workloads/site/env")
            Self.expectHidden(list.1, "GET .../env")
            #expect(!list.1.contains("enc:v1:"))
            let entries = try await client.json("/api/workloads/site/env")
            #expect(entries == .array([
                .object(["key": .string("GIT_TOKEN"), "secret": .bool(true), "set": .bool(true)]),
                .object(["key": .string("MODE"), "secret": .bool(false), "set": .bool(true), "value": .string("fast")]),
            ]))
            let one = try await client.page("/api/workloads/site/env/GIT_TOKEN")
            #expect(one.0 == .ok)
            Self.expectHidden(one.1, "GET .../env/GIT_TOKEN")
            #expect(!one.1.contains("enc:v1:"))

            // A deploy with the secret in its env: the job, its log and the event log stay clean.
            let job = try await client.run("site")
            #expect(job["state"] == .string("succeeded"), "\(job)")
            let id = job["id"]!.stringValue!
            Self.expectHidden(try await client.page("/api/jobs/\(id)").1, "GET /api/jobs/\(id)")
            Self.expectHidden(try await client.page("/api/jobs").1, "GET /api/jobs")
            Self.expectHidden(try await client.page("/api/events").1, "GET /api/events")
            Self.expectHidden(try await client.log(id), "job log")
            for form in Self.forms {
                #expect(Self.filesContaining(form, under: temp).isEmpty, "found a form of the secret on disk after a deploy")
            }
        }
    }

    @Test func settingTheSameValueAgainChangesNothingAndAChangeBumpsTheGeneration() async throws {
        try await TestFerry.run { client, engine, temp in
            let repo = try GitRepo(in: temp)
            try repo.commit(["public/index.html": "hello"])
            try await client.apply(siteWorkload("gen", repo: repo))
            #expect(try await Self.generation(client, "gen") == 1)

            func put(_ key: String, _ body: String) async throws -> Int {
                let response = try await client.send(.put, "/api/workloads/gen/env/\(key)", body)
                #expect(response.status == .ok, "\(String(buffer: response.body))")
                return try await Self.generation(client, "gen")
            }
            #expect(try await put("T", #"{"value": "first-secret", "secret": true}"#) == 2)
            let sealed = try engine.database.workload("gen")!.spec.env["T"]!.value
            #expect(try await put("T", #"{"value": "first-secret", "secret": true}"#) == 2)
            #expect(try await put("T", #"{"value": "first-secret"}"#) == 2, "leaving out secret keeps a secret secret")
            #expect(try engine.database.workload("gen")!.spec.env["T"]!.value == sealed, "the same plaintext keeps its sealed bytes")
            #expect(try await put("T", #"{"value": "second-secret", "secret": true}"#) == 3)
            #expect(try engine.secrets.open(try engine.database.workload("gen")!.spec.env["T"]!.value) == "second-secret")
            #expect(try await put("MODE", #"{"value": "a"}"#) == 4)
            #expect(try await put("MODE", #"{"value": "a"}"#) == 4)
            #expect(try await put("MODE", #"{"value": "b"}"#) == 5)

            // Turning a secret into a plain value stores it plain (and is a change).
            #expect(try await put("T", #"{"value": "now-public", "secret": false}"#) == 6)
            #expect(try engine.database.workload("gen")!.spec.env["T"] == EnvValue("now-public"))

            let delete = try await client.send(.delete, "/api/workloads/gen/env/MODE")
            #expect(delete.status == .ok)
            #expect(try await Self.generation(client, "gen") == 7)
            #expect(try await client.send(.delete, "/api/workloads/gen/env/MODE").status == .notFound)
            #expect(try await client.get("/api/workloads/gen/env/MODE").status == .notFound)
            #expect(try await client.get("/api/workloads/nope/env").status == .notFound)
            #expect(try await Self.generation(client, "gen") == 7)

            // Bad keys and bodies are refused with the field named, and change nothing.
            let badKey = try await client.send(.put, "/api/workloads/gen/env/1BAD", #"{"value": "x"}"#)
            #expect(badKey.status == .badRequest)
            #expect(try client.decode(badKey)[path: "error.field"] == .string("env.1BAD"))
            #expect(try await client.send(.put, "/api/workloads/gen/env/K", #"{"secret": true}"#).status == .badRequest)
            #expect(try await Self.generation(client, "gen") == 7)
        }
    }

    @Test(arguments: ["\u{0C}{}", #"{"A": "1",}"#, #"{"A": "\x"}"#, ""])
    func anEnvThatIsNotJSONIsRefusedAndNothingChanges(_ body: String) async throws {
        try await TestFerry.run { client, engine, temp in
            let repo = try GitRepo(in: temp)
            try await client.apply(siteWorkload("bad", repo: repo))
            #expect(try await client.send(.put, "/api/workloads/bad/env", #"{"KEEP": "1"}"#).status == .ok)
            let answer = try await client.send(.put, "/api/workloads/bad/env", body)
            #expect(answer.status == .badRequest, "\(String(buffer: answer.body))")
            #expect(String(buffer: answer.body).contains("request body"))
            #expect(try engine.database.workload("bad")?.spec.env.keys.sorted() == ["KEEP"])
        }
    }

    @Test func replacingTheWholeEnvSealsSecretsAndKeepsUnchangedOnesAsTheyWere() async throws {
        try await TestFerry.run { client, engine, temp in
            let repo = try GitRepo(in: temp)
            try await client.apply(siteWorkload("all", repo: repo))
            let body = #"{"A": "1", "N": 5, "T": {"value": "\#(Self.secret)", "secret": true}}"#
            let first = try await client.send(.put, "/api/workloads/all/env", body)
            #expect(first.status == .ok, "\(String(buffer: first.body))")
            Self.expectHidden(String(buffer: first.body), "PUT .../env answer")
            #expect(try client.decode(first) == .array([
                .object(["key": .string("A"), "secret": .bool(false), "set": .bool(true), "value": .string("1")]),
                .object(["key": .string("N"), "secret": .bool(false), "set": .bool(true), "value": .string("5")]),
                .object(["key": .string("T"), "secret": .bool(true), "set": .bool(true)]),
            ]))
            #expect(try await Self.generation(client, "all") == 2)
            #expect(try engine.database.workload("all")!.spec.env["T"]!.value.hasPrefix("enc:v1:"))
            #expect(try await client.send(.put, "/api/workloads/all/env", body).status == .ok)
            #expect(try await Self.generation(client, "all") == 2)

            let replaced = try await client.send(.put, "/api/workloads/all/env", #"{"T": {"value": "\#(Self.secret)", "secret": true}}"#)
            #expect(replaced.status == .ok)
            #expect(try engine.database.workload("all")!.spec.env.keys.sorted() == ["T"])
            #expect(try await Self.generation(client, "all") == 3)

            let bad = try await client.send(.put, "/api/workloads/all/env", #"{"T": {"value": "x", "hidden": true}}"#)
            #expect(bad.status == .badRequest)
            #expect(try client.decode(bad)[path: "error.field"] == .string("env.T.hidden"))
            #expect(try await client.send(.put, "/api/workloads/all/env", #"["A"]"#).status == .badRequest)
            #expect(try await Self.generation(client, "all") == 3)
        }
    }

    @Test func applyingAFileWithASecretTwiceKeepsGenerationOne() async throws {
        try await TestFerry.run { client, engine, temp in
            let repo = try GitRepo(in: temp)
            let file = siteWorkload("applied", repo: repo) + "\nenv:\n  T: {secret: true, value: \(Self.secret)}\n  PLAIN: visible\n"
            let first = try await client.apply(file)
            #expect(first[path: "0.result"] == .string("created"))
            Self.expectHidden(String(decoding: first.canonicalData(), as: UTF8.self), "apply answer")
            let sealed = try engine.database.workload("applied")!.spec.env["T"]!.value
            #expect(sealed.hasPrefix("enc:v1:"))

            let second = try await client.apply(file)
            #expect(second[path: "0.result"] == .string("unchanged"))
            #expect(second[path: "0.workload.generation"] == .number(1))
            #expect(try engine.database.workload("applied")!.spec.env["T"]!.value == sealed)

            // A stored sealed value handed back (e.g. from a backup of the spec) is kept as is.
            let again = siteWorkload("applied", repo: repo) + "\nenv:\n  T: {secret: true, value: \"\(sealed)\"}\n  PLAIN: visible\n"
            #expect(try await client.apply(again)[path: "0.result"] == .string("unchanged"))

            // One sealed with another key cannot be used: refused on env.T, without the value.
            let other = try SecretBox(paths: engine.paths, environment: ["FERRY_SECRET_KEY": "some other key"])
            let foreign = try other.seal(Self.secret)
            let refused = try await client.send(
                .post, "/api/apply", siteWorkload("applied", repo: repo) + "\nenv:\n  T: {secret: true, value: \"\(foreign)\"}\n",
                contentType: "application/yaml")
            #expect(refused.status == .badRequest)
            let error = try client.decode(refused)
            #expect(error[path: "error.field"] == .string("env.T"))
            #expect(!String(buffer: refused.body).contains(foreign))
            #expect(try engine.database.workload("applied")!.generation == 1)

            let changed = siteWorkload("applied", repo: repo) + "\nenv:\n  T: {secret: true, value: another-one}\n  PLAIN: visible\n"
            #expect(try await client.apply(changed)[path: "0.result"] == .string("updated"))
            #expect(try engine.database.workload("applied")!.generation == 2)
        }
    }

    @Test func anEnvChangeMakesTheReconcilerRedeploy() async throws {
        try await TestFerry.run { client, engine, temp in
            let repo = try GitRepo(in: temp)
            try repo.commit(["public/index.html": "hello"])
            try await client.apply(siteWorkload("redeploy", repo: repo))
            let first = try engine.reconciler.pass()
            #expect(first.map(\.action) == ["deploy"])
            #expect(try await client.waitFor(job: first[0].id)["state"] == .string("succeeded"))
            #expect(try engine.reconciler.pass().isEmpty)

            try engine.setEnv(workload: "redeploy", key: "GIT_TOKEN", value: Self.secret, secret: true)
            let second = try engine.reconciler.pass()
            #expect(second.map(\.action) == ["deploy"], "a changed env must be redeployed")
            #expect(try await client.waitFor(job: second[0].id)["state"] == .string("succeeded"))
            #expect(try engine.database.workload("redeploy")!.status.observedGeneration == 2)

            try engine.setEnv(workload: "redeploy", key: "GIT_TOKEN", value: Self.secret, secret: true)
            #expect(try engine.reconciler.pass().isEmpty, "setting the same value again is no change")
        }
    }

    /// A tool that prints the token (as git's trace or a careless script would) leaves only
    /// `***` in the log, and the plugin's context gets the plaintext.
    @Test func thePluginContextGetsThePlaintextAndTheLogOnlyMasks() async throws {
        try await withProbeFerry(expecting: Self.secret) { client, engine, temp in
            try await client.apply("name: probe\nsource: {kind: env-probe}\n")
            try engine.setEnv(workload: "probe", key: "T", value: Self.secret, secret: true)
            try engine.setEnv(workload: "probe", key: "PLAIN", value: "plain-value", secret: false)
            let job = try await client.run("probe", "probe")
            #expect(job["state"] == .string("succeeded"), "\(job)")
            #expect(job["message"] == .string("T matches; PLAIN=plain-value"))
            let log = try await client.log(job["id"]!.stringValue!)
            #expect(log.contains("said: ***"), "\(log)")
            #expect(log.contains("base64: ***"), "\(log)")
            #expect(log.contains("basic: ***"), "\(log)")
            #expect(log.contains("url: https://***@git.example/"), "\(log)")
            #expect(log.contains("PLAIN is plain-value"))
            Self.expectHidden(log, "job log")
            for form in Self.forms {
                #expect(Self.filesContaining(form, under: temp).isEmpty)
            }
        }
    }

    /// A static site whose private-repo token is a secret: a failing fetch over http does not
    /// print the token either.
    @Test func aFailingFetchWithATokenLeavesNoTrace() async throws {
        let logs = LogCapture()
        try await TestFerry.run(logs: logs) { client, engine, temp in
            try await client.apply("""
                name: private
                source:
                  kind: static-site
                  config: { repo: "http://127.0.0.1:1/private.git", branch: main, tokenEnv: GIT_TOKEN }
                env:
                  GIT_TOKEN: {secret: true, value: "\(Self.secret)"}
                """)
            let job = try await client.run("private")
            #expect(job["state"] == .string("failed"))
            let id = job["id"]!.stringValue!
            Self.expectHidden(try await client.log(id), "job log")
            Self.expectHidden(try await client.page("/api/jobs/\(id)").1, "job")
            Self.expectHidden(try await client.page("/api/workloads/private").1, "workload")
            for form in Self.forms {
                #expect(Self.filesContaining(form, under: temp).isEmpty)
            }
            #expect(logs.text.contains("private"), "the server logged the workload")
            Self.expectHidden(logs.text, "the server's own log")
        }
    }
}

/// A source whose `probe` action reports whether its context's `T` is the expected plaintext,
/// and prints the token in the ways tools leak it.
struct EnvProbeSource: SourcePlugin {
    static let kind = "env-probe"
    static let mount = "probe"
    let expected: String
    var schema: ConfigSchema { .empty }
    var actions: [ActionDescriptor] {
        [ActionDescriptor(name: "deploy", description: "unused", producesBuild: true), ActionDescriptor(name: "probe", description: "check env")]
    }

    func resolve(params: JSONValue, context: any SourceContext) async throws -> Revision? { nil }

    func run(action: String, revision: Revision?, params: JSONValue, context: any SourceContext) async throws -> ActionOutcome {
        let token = context.env["T"] ?? ""
        context.log("said: \(token)")
        context.log("url: https://x-access-token:\(token)@git.example/repo.git")
        _ = try await context.run(
            ["/bin/sh", "-c", #"printf 'base64: %s\n' "$(printf %s "$T" | base64 -w0)"; printf 'basic: %s\n' "$(printf x-access-token:%s "$T" | base64 -w0)"; echo "PLAIN is $PLAIN""#],
            in: nil, environment: context.env)
        return .done(summary: "T \(token == expected ? "matches" : "differs"); PLAIN=\(context.env["PLAIN"] ?? "-")")
    }

    func serve(_ request: SurfaceRequest, live: LiveBuild, context: any SurfaceContext) async -> SurfaceResponse { .text(404, "none") }
}

/// `TestFerry.run` with the probe source registered beside the built-in plugins.
func withProbeFerry(expecting: String, _ body: @Sendable (TestFerry.Client, Engine, URL) async throws -> Void) async throws {
    let temp = try TempDir()
    var config = ServerConfiguration()
    config.port = 0
    config.dataDirectory = temp.url.appendingPathComponent("data")
    config.reconcile = false
    config.auth.mode = .none
    config.gitFileRoots = [temp.url.standardizedFileURL.path]
    var logger = Logger(label: "ferry-test")
    logger.logLevel = .warning
    var registry = BuiltinPlugins.registry()
    registry.register(EnvProbeSource(expected: expecting))
    let (app, engine) = try buildApplication(config, registry: registry, logger: logger)
    try await app.test(.live) { client in
        try await body(TestFerry.Client(raw: client), engine, temp.url)
    }
}
