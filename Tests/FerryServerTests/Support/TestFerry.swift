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
import Testing

/// Runs a real Ferry (real router, SQLite file, job runner) on a loopback port for one test.
/// The reconcile loop is off so tests drive each pass themselves.
enum TestFerry {
    /// `logs`, when given, receives everything the server logs (at every level).
    /// `registry` replaces the built-in plugins (tests add fake sources beside them);
    /// `configure` changes the server configuration (limits, for instance) before it starts.
    static func run<T: Sendable>(
        logs: LogCapture? = nil, registry: PluginRegistry = BuiltinPlugins.registry(),
        configure: (inout ServerConfiguration) -> Void = { _ in },
        _ body: @Sendable (Client, Engine, URL) async throws -> T
    ) async throws -> T {
        let temp = try TempDir()
        var config = ServerConfiguration()
        config.port = 0
        config.dataDirectory = temp.url.appendingPathComponent("data")
        config.reconcile = false
        config.auth.mode = .none
        config.gitFileRoots = [temp.url.standardizedFileURL.path]
        configure(&config)
        var logger = logs?.logger() ?? Logger(label: "ferry-test")
        if logs == nil { logger.logLevel = .warning }
        let (app, engine) = try buildApplication(config, registry: registry, logger: logger)
        return try await app.test(.live) { client in
            try await body(Client(raw: client), engine, temp.url)
        }
    }

    /// JSON helpers over the testing client.
    struct Client: Sendable {
        let raw: any TestClientProtocol

        func get(_ uri: String, headers: HTTPFields = [:]) async throws -> TestResponse {
            try await raw.execute(uri: uri, method: .get, headers: headers)
        }

        func send(_ method: HTTPRequest.Method, _ uri: String, _ body: String? = nil, contentType: String = "application/json") async throws -> TestResponse {
            try await raw.execute(
                uri: uri, method: method, headers: body == nil ? [:] : [.contentType: contentType],
                body: body.map { ByteBuffer(string: $0) })
        }

        func json(_ uri: String) async throws -> JSONValue {
            let response = try await get(uri)
            #expect(response.status == .ok, "GET \(uri): \(String(buffer: response.body))")
            return try JSONDecoder().decode(JSONValue.self, from: Data(buffer: response.body))
        }

        func decode(_ response: TestResponse) throws -> JSONValue {
            try JSONDecoder().decode(JSONValue.self, from: Data(buffer: response.body))
        }

        /// Applies a workload document (JSON text) and returns the API's answer.
        @discardableResult
        func apply(_ document: String) async throws -> JSONValue {
            let response = try await send(.post, "/api/apply", document, contentType: "application/yaml")
            #expect(response.status == .ok, "apply: \(String(buffer: response.body))")
            return try decode(response)
        }

        /// Starts an action and waits for its job to end. Returns the finished job.
        func run(_ workload: String, _ action: String = "deploy", params: String = "{}") async throws -> JSONValue {
            let response = try await send(.post, "/api/workloads/\(workload)/actions/\(action)", "{\"params\": \(params)}")
            #expect(response.status == .accepted, "run: \(String(buffer: response.body))")
            let job = try decode(response)
            return try await waitFor(job: job["id"]!.stringValue!)
        }

        /// Polls until the job ends (at most two minutes), rather than following its log: a job
        /// that logs nothing for a while on a loaded machine would trip the client's read timeout.
        func waitFor(job id: String) async throws -> JSONValue {
            var job = try await json("/api/jobs/\(id)")
            for _ in 0..<1200 {
                if ["succeeded", "failed", "cancelled"].contains(job["state"]?.stringValue ?? "") { return job }
                try await Task.sleep(for: .milliseconds(100))
                job = try await json("/api/jobs/\(id)")
            }
            return job
        }

        func log(_ job: String) async throws -> String {
            String(buffer: try await get("/api/jobs/\(job)/log").body)
        }

        func page(_ uri: String) async throws -> (HTTPResponse.Status, String) {
            let response = try await get(uri)
            return (response.status, String(buffer: response.body))
        }
    }
}

/// A static-site workload file for a test repo.
func siteWorkload(_ name: String, repo: GitRepo, branch: String = "main", folder: String = "public", markdown: Bool = false) -> String {
    """
    name: \(name)
    source:
      kind: static-site
      config: { repo: "\(repo.url)", branch: \(branch), folder: "\(folder)", markdown: \(markdown) }
    """
}
