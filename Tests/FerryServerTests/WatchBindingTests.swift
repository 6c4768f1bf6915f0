import FerryCore
import Foundation
import PluginTestKit
import Testing

/// Watch triggers through the API: the seeds' timetable applies, each schedule binding shows
/// its next three fire times, and configs the schema cannot judge are still refused with the
/// field named and nothing stored.
@Suite(.offPool) struct WatchBindingTests {
    static let timetable = """
        name: repo
        source:
          kind: static-site
          config: { repo: "http://127.0.0.1:9/none.git" }
        triggers:
          - { kind: schedule, action: deploy, config: { cron: "*/5 * * * *" } }
          - { kind: schedule, action: deploy, config: { cron: "@hourly" } }
          - { kind: schedule, action: deploy, config: { cron: "0 */12 * * *" } }
          - { kind: schedule, action: deploy, config: { cron: "0 3 * * *", timezone: Europe/Berlin, catchUp: skip } }
        """

    @Test func scheduleBindingsShowTheirNextThreeFireTimes() async throws {
        try await TestFerry.run { client, engine, _ in
            try await client.apply(Self.timetable)
            let ids = try engine.workload("repo").spec.triggers.compactMap(\.id)
            try #require(ids.count == 4)
            let gaps: [String: TimeInterval] = [ids[0]: 300, ids[1]: 3600, ids[2]: 43200, ids[3]: 86400]
            for (id, gap) in gaps {
                let binding = try await client.json("/api/bindings/\(id)")
                guard case .array(let fires)? = binding["status"]?["nextFires"] else {
                    Issue.record("\(id) has no nextFires: \(binding)")
                    continue
                }
                let dates = fires.compactMap { $0.stringValue.flatMap(ISO8601DateFormatter().date(from:)) }
                #expect(dates.count == 3, "\(id)")
                #expect(zip(dates, dates.dropFirst()).allSatisfy { $1.timeIntervalSince($0) == gap }, "\(id): \(fires)")
            }
            #expect(try await client.json("/api/bindings/\(ids[3])")["status"]?["timezone"] == .string("Europe/Berlin"))
        }
    }

    @Test(arguments: [
        ("{ kind: schedule, config: { cron: \"*/5 * * *\" } }", "triggers.0.config.cron"),
        ("{ kind: schedule, config: { cron: \"0 3 * * *\", timezone: Mars/Olympus } }", "triggers.0.config.timezone"),
        ("{ kind: registry-poll, config: { git: { url: \"file:///x\" }, npm: { registry: \"http://127.0.0.1:1/\", package: x } } }", "triggers.0.config"),
        ("{ kind: log-scan, config: { file: /tmp/x.log, rules: [ { regex: \"(?<p>x)\", params: { p: \"$q\" } } ] } }", "triggers.0.config.rules.0.params.p"),
    ])
    func badWatchConfigIsRefusedWithTheFieldNamed(_ trigger: String, _ field: String) async throws {
        try await TestFerry.run { client, engine, _ in
            let document = """
                name: bad
                source:
                  kind: static-site
                  config: { repo: "http://127.0.0.1:9/none.git" }
                triggers:
                  - \(trigger)
                """
            let response = try await client.send(.post, "/api/apply", document, contentType: "application/yaml")
            #expect(response.status == .badRequest)
            let error = try client.decode(response)["error"]
            #expect(error?["field"] == .string(field), "\(String(describing: error))")
            #expect(try engine.database.workload("bad") == nil)
        }
    }

    @Test func bindingsCreatedThroughTheAPIAreCheckedToo() async throws {
        try await TestFerry.run { client, _, _ in
            try await client.apply(Self.timetable)
            let response = try await client.send(.post, "/api/bindings", """
                {"kind": "schedule", "config": {"cron": "61 * * * *"}, "workloads": [{"name": "repo", "action": "deploy"}]}
                """)
            #expect(response.status == .badRequest)
            #expect(try client.decode(response)["error"]?["field"] == .string("config.cron"))
        }
    }
}
