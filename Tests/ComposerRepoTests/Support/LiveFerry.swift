import FerryCore
import FerryEngine
import FerryServer
import FerryTestSupport
import Foundation
import Hummingbird
import Logging
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// A real Ferry (router, SQLite file, job runner) listening on a loopback port chosen up front, so
/// the absolute URLs it writes (notify-batch, dist URLs) are the ones clients reach it at. (The
/// Hummingbird test harness always listens on a port of its own choosing, hence this runner.)
enum LiveFerry {
    /// With `auth`, the server runs with tokens on and the client sends an admin token.
    static func run<T: Sendable>(in temp: URL, auth: Bool = false, _ body: @escaping @Sendable (Client, Engine) async throws -> T) async throws -> T {
        let port = try freePort()
        var config = ServerConfiguration()
        config.port = port
        config.publicURL = "http://127.0.0.1:\(port)"
        config.dataDirectory = temp.appendingPathComponent("data")
        config.reconcile = false
        config.auth.mode = auth ? .token : .none
        config.gitFileRoots = [temp.standardizedFileURL.path]
        var logger = Logger(label: "ferry-composer-test")
        logger.logLevel = .warning
        let (app, engine) = try buildApplication(config, logger: logger)
        let admin = auth ? try engine.access.createToken(name: "root", role: .admin).secret : nil
        let client = Client(base: "http://127.0.0.1:\(port)", token: admin)
        return try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask {
                try await app.runService(gracefulShutdownSignals: [])
                return nil
            }
            group.addTask {
                try await client.waitUntilUp()
                return try await body(client, engine)
            }
            defer { group.cancelAll() }
            while let result = try await group.next() {
                if let result { return result }
            }
            throw FerryError(.internal, "the server stopped before the test ended")
        }
    }

    /// Plain HTTP to the running Ferry, through the engine's own client.
    struct Client: Sendable {
        let base: String
        /// The admin token sent with every request, when the server has auth on.
        let token: String?
        private let http = UpstreamHTTP()

        init(base: String, token: String? = nil) {
            self.base = base
            self.token = token
        }

        private func authorized(_ headers: [String: String]) -> [String: String] {
            var headers = headers
            if let token, headers["Authorization"] == nil { headers["Authorization"] = "Bearer \(token)" }
            return headers
        }

        func get(_ uri: String, headers: [String: String] = [:]) async throws -> FetchResponse {
            try await http.fetch(FetchRequest(url: base + uri, headers: authorized(headers), timeout: .seconds(60)))
        }

        func bytes(_ uri: String) async throws -> [UInt8] {
            let response = try await get(uri)
            #expect(response.status == 200, "GET \(uri): \(response.status)")
            return response.body
        }

        func text(_ uri: String) async throws -> String { String(decoding: try await bytes(uri), as: UTF8.self) }

        func json(_ uri: String) async throws -> JSONValue {
            try JSONDecoder().decode(JSONValue.self, from: Data(try await bytes(uri)))
        }

        func post(_ uri: String, _ body: String, contentType: String = "application/json", headers: [String: String] = [:]) async throws -> FetchResponse {
            let fields = authorized(headers.merging(["Content-Type": contentType]) { own, _ in own })
            return try await http.fetch(FetchRequest(url: base + uri, method: "POST", headers: fields, body: Array(body.utf8), timeout: .seconds(60)))
        }

        /// Runs an action through the API and waits for its job; returns the finished job.
        func run(_ workload: String, _ action: String, params: String = "{}") async throws -> JSONValue {
            let response = try await post("/api/workloads/\(workload)/actions/\(action)", "{\"params\": \(params)}")
            #expect(response.status == 202, "\(action): \(String(decoding: response.body, as: UTF8.self))")
            let job = try JSONDecoder().decode(JSONValue.self, from: Data(response.body))
            return try await wait(job: try #require(job["id"]?.stringValue))
        }

        /// Follows a job's log to its end; returns the finished job, expecting it succeeded.
        func wait(job id: String) async throws -> JSONValue {
            _ = try await http.fetch(FetchRequest(url: base + "/api/jobs/\(id)/log?follow=true", headers: authorized([:]), timeout: .seconds(300)))
            let done = try await json("/api/jobs/\(id)")
            let log = try await text("/api/jobs/\(id)/log")
            #expect(done["state"] == .string("succeeded"), "\(done["action"]?.stringValue ?? "job"): \(done)\n\(log)")
            return done
        }

        func waitUntilUp() async throws {
            for _ in 0..<200 {
                if let response = try? await get("/api/health"), response.status == 200 { return }
                try await Task.sleep(for: .milliseconds(50))
            }
            throw FerryError(.unavailable, "Ferry did not start listening on \(base)")
        }
    }

    static func freePort() throws -> Int { try LoopbackPort.free() }
}
