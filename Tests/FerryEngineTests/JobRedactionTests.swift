import FerryCore
import FerryEngine
import FerryStore
import Foundation
import Logging
import Testing

/// Job messages, details and progress notes are shown by the API and the UI, so they pass the
/// same redactor as the job log: a tool's error that quotes the secret it was given is masked.
@Suite struct JobRedactionTests {
    /// A source whose actions repeat their secret everywhere a plugin can write text.
    struct LeakySource: SourcePlugin {
        static let kind = "leaky"
        static let mount = "leaky"
        var schema: ConfigSchema { .object([]) }
        var actions: [ActionDescriptor] {
            ["deploy", "report", "count-nothing"].map { ActionDescriptor(name: $0, description: $0) }
        }
        func resolve(params: JSONValue, context: any SourceContext) async throws -> Revision? { nil }
        func run(action: String, revision: Revision?, params: JSONValue, context: any SourceContext) async throws -> ActionOutcome {
            let token = context.env["TOKEN"] ?? ""
            if action == "count-nothing" {
                let done = 0.0, total = 0.0
                context.progress(done / total, "checked \(Int(done)) of \(Int(total))")
                return .done(summary: "nothing to check")
            }
            context.progress(0.5, "asking https://bot:\(token)@git.example/x.git")
            if action == "report" {
                return .done(summary: "used \(token)", details: .object(["token": .string(token), "list": .array([.string("a \(token)")])]))
            }
            throw FerryError(.failed, "upstream refused token \(token)")
        }
        func serve(_ request: SurfaceRequest, live: LiveBuild, context: any SurfaceContext) async -> SurfaceResponse {
            SurfaceResponse(status: 404)
        }
    }

    static let token = "tok-9f8e7d6c5b4a"

    func finished(_ action: String) async throws -> Job {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ferry-redact-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        var registry = PluginRegistry()
        registry.register(LeakySource())
        var configuration = Engine.Configuration(dataDirectory: dir)
        configuration.runsReconciler = false
        configuration.runsWatchers = false
        configuration.runsRetention = false
        let engine = try Engine(configuration: configuration, registry: registry, logger: Logger(label: "test"))
        try engine.apply(.object(["name": .string("w"), "source": .object(["kind": .string("leaky")])]))
        _ = try engine.setEnv(workload: "w", key: "TOKEN", value: Self.token, secret: true)
        let job = try #require(try engine.dispatcher.dispatch(DispatchRequest(
            kind: "manual", summary: "run", targets: [.init(workload: "w", action: action)])).jobs.first)
        let runner = Task { try await engine.runner.run() }
        defer { runner.cancel() }
        while true {
            if let done = try engine.database.job(job.id), done.state.isFinished { return done }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    @Test func aFailureMessageQuotingTheSecretIsMasked() async throws {
        let job = try await finished("deploy")
        #expect(job.state == .failed)
        let message = try #require(job.message)
        #expect(message.contains("upstream refused token ***"), "\(message)")
        #expect(!message.contains(Self.token))
        #expect(!(job.progressNote ?? "").contains(Self.token))
        #expect(!(job.progressNote ?? "").contains("bot:"), "credentials in URLs are masked too")
    }

    /// `0 / 0` as a progress fraction used to reach `Int(_:)` as NaN and stop the whole server.
    @Test func aProgressFractionThatIsNotANumberIsShownAsNone() async throws {
        let job = try await finished("count-nothing")
        #expect(job.state == .succeeded)
        #expect(job.progressNote == "checked 0 of 0")
    }

    @Test func summaryAndDetailsOfASucceededJobAreMasked() async throws {
        let job = try await finished("report")
        #expect(job.state == .succeeded)
        #expect(job.message == "used ***")
        #expect(job.details == .object(["token": .string("***"), "list": .array([.string("a ***")])]))
    }
}
