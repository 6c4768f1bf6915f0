import FerryCore
import FerryServer
import FerryTestSupport
import Foundation
import PluginTestKit
import Testing

/// Every input has a bound with a config key: over it, the request gets a 4xx naming the bound
/// and the key, nothing is stored, and the server keeps serving.
@Suite(.offPool) struct InputLimitsTests {
    /// Nine anchors, each listing the previous one ten times: a kilobyte that expands to 10⁹ nodes.
    static let billionLaughs: String = {
        var text = "name: laughs\nsource: { kind: static-site, config: { repo: \"file:///x\" } }\nl0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
        for level in 1...9 {
            text += "l\(level): &l\(level) [" + Array(repeating: "*l\(level - 1)", count: 10).joined(separator: ", ") + "]\n"
        }
        return text
    }()

    static func nested(_ depth: Int) -> String {
        #"{"name": "deep", "x": "# + String(repeating: "[", count: depth) + String(repeating: "]", count: depth) + "}"
    }

    @Test func anApplyOfFiveMiBIs413NamingTheLimitAndStoresNothing() async throws {
        try await TestFerry.run { client, _, _ in
            let big = "name: big\nsource: { kind: static-site, config: { repo: \"file:///x\" } }\n# " + String(repeating: "x", count: 5 << 20) + "\n"
            let response = try await client.send(.post, "/api/apply", big, contentType: "application/yaml")
            #expect(response.status == .contentTooLarge)
            #expect(try client.decode(response)[path: "error.message"] == .string("request body is larger than 4 MiB (limits.apiBody)"))
            #expect(try await client.json("/api/workloads") == .array([]))
            #expect(try await client.get("/api/health").status == .ok)
        }
    }

    @Test func aConfiguredBodyLimitIsTheOneEnforcedAndNamed() async throws {
        try await TestFerry.run(configure: { $0.limits.apiBody = 2048 }) { client, _, _ in
            let response = try await client.send(.put, "/api/workloads/w/env", #"{"A": ""# + String(repeating: "v", count: 4096) + #""}"#)
            #expect(response.status == .contentTooLarge)
            #expect(try client.decode(response)[path: "error.message"] == .string("request body is larger than 2 KiB (limits.apiBody)"))
        }
    }

    @Test func aWorkloadFileOverItsByteLimitIsRefusedNamingTheFileAndKey() {
        let limits = WorkloadFile.Limits(bytes: 2048, depth: 64, nodes: 1000, bytesKey: "limits.apiBody")
        #expect {
            try WorkloadFile.parse("name: big\n# " + String(repeating: "x", count: 4096), fileName: "big.yaml", limits: limits)
        } throws: { error in
            (error as? FerryError)?.message == "big.yaml: the file is larger than 2 KiB (limits.apiBody)"
        }
    }

    @Test func billionLaughsIs400NamingTheFileAndStoresNothing() async throws {
        try await TestFerry.run { client, _, _ in
            let response = try await client.send(.post, "/api/apply?file=laughs.yaml", Self.billionLaughs, contentType: "application/yaml")
            #expect(response.status == .badRequest)
            let message = try client.decode(response)[path: "error.message"].plainText
            #expect(message.hasPrefix("laughs.yaml: expands to more than 1000000 nodes once YAML aliases are followed (limits.documentNodes)"), "\(message)")
            #expect(try await client.json("/api/workloads") == .array([]))

            let create = try await client.send(.post, "/api/workloads", Self.billionLaughs, contentType: "application/yaml")
            #expect(create.status == .badRequest)
            #expect(try await client.json("/api/workloads") == .array([]))
        }
    }

    @Test func aWorkloadFileNamesItselfWhenItIsABillionLaughs() throws {
        #expect {
            try WorkloadFile.parse(Self.billionLaughs, fileName: "laughs.yaml")
        } throws: { error in
            (error as? FerryError)?.message.hasPrefix("laughs.yaml: expands to more than 1000000 nodes") == true
        }
        // Aliases that stay small are still read, values expanded.
        let small = try WorkloadFile.parse("base: &b { a: 1 }\ncopy: *b\n", fileName: "ok.yaml")
        #expect(small[0].value[path: "copy.a"] == .number(1))
    }

    @Test func aDocumentNestedHundredDeepIs400NamingTheDepthLimit() async throws {
        try await TestFerry.run { client, _, _ in
            for body in [Self.nested(100), String(repeating: "[", count: 1_000_000), String(repeating: "- ", count: 500_000) + "x"] {
                let response = try await client.send(.post, "/api/apply", body)
                #expect(response.status == .badRequest)
                #expect(try client.decode(response)[path: "error.message"] == .string("request body: nested deeper than 64 levels (limits.depth)"), "\(body.prefix(20)): \(String(buffer: response.body))")
            }
            let env = try await client.send(.put, "/api/workloads/w/env", #"{"A": "# + String(repeating: "[", count: 100) + String(repeating: "]", count: 100) + "}")
            #expect(env.status == .badRequest)
            #expect(try client.decode(env)[path: "error.message"] == .string("request body: nested deeper than 64 levels (limits.depth)"))
            // Deep through aliases counts too: each anchor nests the previous one 40 levels down.
            let chained = "a: &a " + String(repeating: "[", count: 40) + "1" + String(repeating: "]", count: 40) + "\nb: " + String(repeating: "[", count: 40) + "*a" + String(repeating: "]", count: 40) + "\n"
            #expect(try await client.send(.post, "/api/apply", chained, contentType: "application/yaml").status == .badRequest)
            #expect(try await client.json("/api/workloads") == .array([]))
            // 60 levels are fine as far as the reader is concerned (the validator then speaks).
            let fine = try await client.send(.post, "/api/apply", Self.nested(60))
            #expect(try !client.decode(fine)[path: "error.message"].plainText.contains("nested deeper"))
        }
    }

    @Test(arguments: [
        ("/api/jobs?limit=-1", "limit"), ("/api/jobs?limit=ten", "limit"), ("/api/events?limit=5000", "limit"),
        ("/api/events?limit=99999999999999999999999", "limit"), ("/api/jobs?limit=0", "limit"),
        ("/api/workloads/w/packages?offset=-1", "offset"), ("/api/workloads/w/packages?limit=1.5", "limit"),
    ])
    func badPagingValuesAre400NamingTheParameter(uri: String, field: String) async throws {
        try await TestFerry.run { client, _, _ in
            let response = try await client.get(uri)
            #expect(response.status == .badRequest, "\(uri)")
            #expect(try client.decode(response)[path: "error.field"] == .string(field), "\(uri)")
        }
    }

    @Test func pagingWithinTheBoundsIsServed() async throws {
        try await TestFerry.run { client, _, _ in
            let jobs = try await client.get("/api/jobs?limit=1000")
            let events = try await client.get("/api/events?limit=1")
            #expect(jobs.status == .ok && events.status == .ok)
        }
    }

    @Test func limitsAreReadFromTheConfigFileWithCheckedNumbers() throws {
        let temp = try TempDir()
        let file = temp.url.appendingPathComponent("ferry.yaml")
        try Data("jobs: { concurrency: 3 }\nlimits: { apiBody: 8192, hookQueue: 2, pageSize: 50 }\n".utf8).write(to: file)
        let config = try ServerConfiguration.load(file: file.path)
        #expect(config.concurrency == 3)
        #expect(config.limits.apiBody == 8192 && config.limits.hookQueue == 2 && config.limits.pageSize == 50)
        #expect(config.limits.formBody == 1 << 20)

        try Data("jobs: { concurrency: 2.5 }\n".utf8).write(to: file)
        #expect(throws: FerryError.self) { try ServerConfiguration.load(file: file.path) }
        try Data("limits: { hookQueue: 0 }\n".utf8).write(to: file)
        #expect(throws: FerryError.self) { try ServerConfiguration.load(file: file.path) }
    }
}
