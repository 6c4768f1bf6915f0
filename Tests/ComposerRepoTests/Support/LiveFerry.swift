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
#if canImport(Glibc)
import Glibc
#endif

/// A real Ferry (router, SQLite file, job runner) on a loopback port chosen up front, so the
/// absolute URLs it writes (notify-batch, dist URLs) are the ones clients reach it at.
enum LiveFerry {
    static func run<T: Sendable>(in temp: URL, _ body: @Sendable (Client, Engine) async throws -> T) async throws -> T {
        let port = try freePort()
        var config = ServerConfiguration()
        config.port = port
        config.publicURL = "http://127.0.0.1:\(port)"
        config.dataDirectory = temp.appendingPathComponent("data")
        config.reconcile = false
        var logger = Logger(label: "ferry-composer-test")
        logger.logLevel = .warning
        let (app, engine) = try buildApplication(config, logger: logger)
        return try await app.test(.live) { client in
            try await body(Client(raw: client, base: "http://127.0.0.1:\(port)"), engine)
        }
    }

    struct Client: Sendable {
        let raw: any TestClientProtocol
        let base: String

        func get(_ uri: String, headers: HTTPFields = [:]) async throws -> TestResponse {
            try await raw.execute(uri: uri, method: .get, headers: headers)
        }

        func bytes(_ uri: String) async throws -> [UInt8] {
            let response = try await get(uri)
            #expect(response.status == .ok, "GET \(uri): \(response.status)")
            return Array(buffer: response.body)
        }

        func text(_ uri: String) async throws -> String { String(decoding: try await bytes(uri), as: UTF8.self) }

        func json(_ uri: String) async throws -> JSONValue {
            try JSONDecoder().decode(JSONValue.self, from: Data(try await bytes(uri)))
        }

        func post(_ uri: String, _ body: String, contentType: String = "application/json") async throws -> TestResponse {
            try await raw.execute(uri: uri, method: .post, headers: [.contentType: contentType], body: ByteBuffer(string: body))
        }

        /// Runs an action through the API and waits for its job; returns the finished job.
        func run(_ workload: String, _ action: String, params: String = "{}") async throws -> JSONValue {
            let response = try await post("/api/workloads/\(workload)/actions/\(action)", "{\"params\": \(params)}")
            #expect(response.status == .accepted, "\(action): \(String(buffer: response.body))")
            let job = try JSONDecoder().decode(JSONValue.self, from: Data(buffer: response.body))
            let id = try #require(job["id"]?.stringValue)
            _ = try await get("/api/jobs/\(id)/log?follow=true")
            let done = try await json("/api/jobs/\(id)")
            let log = try await text("/api/jobs/\(id)/log")
            #expect(done["state"] == .string("succeeded"), "\(action) job: \(done)\n\(log)")
            return done
        }
    }

    /// A port the kernel says is free right now.
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw FerryError(.internal, "socket() failed") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
        guard bound == 0 else { throw FerryError(.internal, "bind() failed") }
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
