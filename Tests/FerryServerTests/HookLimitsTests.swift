import FerryCore
import FerryServer
import FerryTestSupport
import Foundation
import HTTPTypes
import PluginTestKit
import Testing

/// The webhook intake is bounded: deliveries beyond `limits.hookQueue` in progress get 503 with
/// Retry-After before their body is read, and deliveries to unknown binding ids cost a counter,
/// not a stored row.
@Suite(.offPool) struct HookLimitsTests {
    /// The value of a metric line `name value` from `/metrics`, or nil when it is not listed.
    static func metric(_ name: String, _ client: TestFerry.Client) async throws -> Double? {
        let (_, text) = try await client.page("/metrics")
        let line = text.split(separator: "\n").first { $0.hasPrefix(name + " ") }
        return line.flatMap { Double($0.split(separator: " ")[1]) }
    }

    @Test func aBurstBeyondTheQueueIs503WithRetryAfterAndTheHeldDeliveryStillCompletes() async throws {
        try await TestFerry.run(configure: { $0.limits.hookQueue = 1 }) { client, engine, _ in
            // One delivery holds the only place: its head and half its body are sent, the rest waits.
            let held = try RawHTTP(port: try #require(client.raw.port))
            try held.write("POST /hooks/nobody HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 8\r\n\r\n{\"a\"")
            for _ in 0..<600 where try await Self.metric("ferry_hook_deliveries_in_flight", client) != 1 {
                try await Task.sleep(for: .milliseconds(50))
            }
            #expect(try await Self.metric("ferry_hook_deliveries_in_flight", client) == 1)

            let burst = try await withThrowingTaskGroup(of: (HTTPResponse.Status, String?).self) { group in
                for _ in 0..<10 {
                    group.addTask {
                        let response = try await client.raw.execute(uri: "/hooks/nobody", method: .post, headers: [.contentType: "application/json"], body: .init(string: "{}"))
                        return (response.status, response.headers[.retryAfter])
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(burst.count == 10)
            #expect(burst.allSatisfy { $0.0 == .serviceUnavailable && $0.1 == "5" }, "\(burst)")

            try held.write(": 1}")
            let answer = try held.readResponse()
            #expect(answer.hasPrefix("HTTP/1.1 404"), "\(answer)")
            // The place is free again.
            #expect(try await client.deliver(to: "nobody", body: "{}", secret: nil).0 == .notFound)
            #expect(try await Self.metric("ferry_hook_deliveries_busy_total", client) == 10)
            #expect(try await Self.metric("ferry_hook_deliveries_in_flight", client) == 0)
            #expect(try engine.database.events(kind: "git-push", limit: 100).isEmpty)
        }
    }

    @Test func anUnknownBindingIsA404CountedInMetricsWithNoStoredRow() async throws {
        try await TestFerry.run { client, engine, _ in
            for id in ["ghost", "ghost", "other-ghost"] {
                let (status, answer) = try await client.deliver(to: id, body: "{}", secret: nil)
                #expect(status == .notFound)
                #expect(answer["message"] == .string("no binding \(id)"))
            }
            #expect(try await Self.metric("ferry_hook_deliveries_unknown_binding_total", client) == 3)
            #expect(try engine.database.events(kind: "git-push", limit: 100).isEmpty)
            #expect(try await client.json("/api/events?kind=git-push") == .array([]))
        }
    }

    @Test func anOversizeDeliveryIsRecordedWithTheLimitAndItsKey() async throws {
        try await TestFerry.run(configure: { $0.limits.hookBody = 4096 }) { client, engine, temp in
            try await client.apply(siteWorkload("site", repo: try GitRepo(in: temp)))
            _ = try await client.gitPushBinding("big", targets: [("site", .object([:]))])
            let (status, answer) = try await client.deliver(to: "big", body: String(repeating: "x", count: 8192), secret: nil)
            #expect(status == .contentTooLarge)
            #expect(answer["message"] == .string("request body is larger than 4 KiB (limits.hookBody)"))
            #expect(try engine.database.events(kind: "git-push", limit: 10).map(\.reason) == ["request body is larger than 4 KiB (limits.hookBody)"])
        }
    }
}
