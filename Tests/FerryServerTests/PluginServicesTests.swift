import Crypto
import FerryCore
import FerryEngine
import FerryServer
import FerryTestSupport
import Foundation
import HummingbirdTesting
import PluginTestKit
import Testing

/// What the engine offers every source beyond builds: records listed by the API, artifacts
/// with their sha256, follow-up actions through the dispatcher, and surfaces that read records.
@Suite(.offPool) struct PluginServicesTests {
    static func registry() -> PluginRegistry {
        var registry = BuiltinPlugins.registry()
        registry.register(LedgerSource())
        return registry
    }

    static let workload = """
        name: books
        source: { kind: ledger, config: {} }
        """

    @Test func recordsAListingPagesAndSearchesThem() async throws {
        try await TestFerry.run(registry: Self.registry()) { client, _, _ in
            try await client.apply(Self.workload)
            let job = try await client.run("books", "collect", params: #"{"count": 25}"#)
            #expect(job["state"] == .string("succeeded"), "\(job)")
            #expect(job[path: "details.written"] == .number(25))

            let page = try await client.json("/api/workloads/books/packages?limit=10&offset=20")
            #expect(page["total"] == .number(25))
            guard case .array(let items)? = page["items"] else { Issue.record("no items: \(page)"); return }
            #expect(items.map { $0["name"]?.stringValue } == ["pkg-20", "pkg-21", "pkg-22", "pkg-23", "pkg-24"])
            let found = try await client.json("/api/workloads/books/packages?q=PKG-1")
            #expect(found["total"] == .number(10), "pkg-10…19")

            let (status, body) = try await client.page("/api/workloads/books/broken")
            #expect(status == .notFound, "ledger declares no broken listing: \(body)")
            let (badStatus, badBody) = try await client.page("/api/workloads/books/packages?limit=ten")
            #expect(badStatus == .badRequest)
            #expect(badBody.contains("limit"))
        }
    }

    @Test func anArtifactIsListedWithItsHashAndDownloadsByteForByte() async throws {
        try await TestFerry.run(registry: Self.registry()) { client, engine, _ in
            try await client.apply(Self.workload)
            let job = try await client.run("books", "collect", params: #"{"count": 1}"#)
            #expect(job["state"] == .string("succeeded"), "\(job)")
            let list = try await client.json("/api/artifacts?workload=books")
            guard case .array(let artifacts) = list, let artifact = artifacts.first else { Issue.record("no artifact: \(list)"); return }
            #expect(artifact["name"]?.stringValue == "ledger-\(job["id"]!.stringValue!).txt")
            let id = artifact["id"]!.stringValue!
            let download = try await client.get("/api/artifacts/\(id)/download")
            #expect(download.status == .ok)
            let bytes = Data(buffer: download.body)
            #expect(bytes == Data("1 records\n".utf8))
            #expect(artifact["sha256"]?.stringValue == SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined())
            #expect(download.headers[.init("x-checksum-sha256")!] == artifact["sha256"]?.stringValue)
            #expect(FileManager.default.fileExists(atPath: engine.paths.artifacts("books").appendingPathComponent(artifact["name"]!.stringValue!).path))
            #expect(try await client.page("/api/artifacts/a-nope/download").0 == .notFound)
        }
    }

    @Test func aFollowUpRunsAfterSuccessWithTheJobsEventInItsCauses() async throws {
        try await TestFerry.run(registry: Self.registry()) { client, engine, _ in
            try await client.apply(Self.workload)
            let first = try await client.run("books", "collect", params: #"{"count": 2, "then": "tally"}"#)
            #expect(first["state"] == .string("succeeded"))
            var tally: JSONValue?
            for _ in 0..<100 {
                if let job = try engine.database.jobs(workload: "books", states: [.succeeded]).first(where: { $0.action == "tally" }) {
                    tally = try await client.json("/api/jobs/\(job.id)")
                    break
                }
                try await Task.sleep(for: .milliseconds(50))
            }
            let job = try #require(tally, "the follow-up never ran")
            #expect(job["message"]?.stringValue == "2 records")
            let event = try #require(try engine.database.event(job["eventID"]!.stringValue!))
            #expect(event.kind == "follow-up")
            #expect(event.causes == [first["eventID"]!.stringValue!])
        }
    }

    @Test func aFailedJobQueuesNoFollowUp() async throws {
        try await TestFerry.run(registry: Self.registry()) { client, engine, _ in
            try await client.apply(Self.workload)
            let job = try await client.run("books", "collect", params: #"{"count": 2, "then": "tally", "fail": true}"#)
            #expect(job["state"] == .string("failed"))
            try await Task.sleep(for: .milliseconds(200))
            #expect(try engine.database.jobs(workload: "books", states: [.queued, .running, .succeeded]).filter { $0.action == "tally" }.isEmpty)
        }
    }
}

/// A source that keeps a ledger in its records, to exercise what the engine gives sources.
struct LedgerSource: SourcePlugin {
    static let kind = "ledger"
    static let mount = "ledger"
    var schema: ConfigSchema { .empty }
    var listings: [String] { ["packages"] }
    var actions: [ActionDescriptor] {
        [
            ActionDescriptor(name: "deploy", description: "build", producesBuild: true),
            ActionDescriptor(
                name: "collect", description: "write records",
                params: .object([
                    .init("count", .integer("how many")),
                    .init("then", .string("follow-up action")),
                    .init("fail", .boolean("fail after writing")),
                ])),
            ActionDescriptor(name: "tally", description: "count records"),
        ]
    }

    struct Entry: Codable { var name: String }

    func resolve(params: JSONValue, context: any SourceContext) async throws -> Revision? { nil }

    func run(action: String, revision: Revision?, params: JSONValue, context: any SourceContext) async throws -> ActionOutcome {
        switch action {
        case "collect":
            let count = Int(params["count"]?.plainText ?? "0") ?? 0
            let names = (0..<count).map { String(format: "pkg-%02d", $0) }
            try context.records.put("packages", names.map { try RecordWrite(key: $0, value: Entry(name: $0)) })
            let file = context.scratchDirectory.appendingPathComponent("ledger.txt")
            try Data("\(count) records\n".utf8).write(to: file)
            _ = try context.publishArtifact(file, name: "ledger-\(context.jobID).txt", details: .object(["count": .number(Double(count))]))
            if let then = params["then"]?.stringValue { context.followUp(action: then, params: .object([:])) }
            if params["fail"] == .bool(true) { throw FerryError(.failed, "asked to fail") }
            return .done(summary: "wrote \(count)", details: .object(["written": .number(Double(count))]))
        case "tally":
            return .done(summary: "\(try context.records.count(RecordQuery(collection: "packages"))) records")
        default:
            try Data("ledger".utf8).write(to: context.buildDirectory.appendingPathComponent("index.txt"))
            return .built(meta: .null)
        }
    }

    func serve(_ request: SurfaceRequest, live: LiveBuild, context: any SurfaceContext) async -> SurfaceResponse {
        .text(200, "\((try? context.records.count(RecordQuery(collection: "packages"))) ?? -1) records")
    }
}
