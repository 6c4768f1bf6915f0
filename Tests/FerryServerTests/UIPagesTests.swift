import FerryCore
import FerryEngine
import FerryTestSupport
import Foundation
import PluginTestKit
import Testing

/// Every page of the web UI renders from the real router with what it must show.
@Suite(.offPool) struct UIPagesTests {
    @Test func everyPageRendersWithItsParts() async throws {
        try await UIFerry.run { browser, engine, temp in
            let repo = try GitRepo(in: temp)
            try repo.commit(["public/index.html": "<h1>pages</h1>"])
            try engine.applyText(siteWorkload("pages", repo: repo) + "\nenv: { MODE: fast, TOKEN: { secret: true, value: s3cr3t-value } }")
            let job = try engine.run(workload: "pages", action: "deploy")
            try await browser.waitFor(job: job.id)

            let dashboard = try await browser.get("/")
            #expect(dashboard.status == .ok)
            #expect(dashboard.html.contains(#"data-workload="pages""#))
            #expect(dashboard.html.contains(#"<a href="/workloads/pages">pages</a>"#))
            #expect(dashboard.html.contains(#"data-health="healthy""#))

            let workload = try await browser.get("/workloads/pages")
            #expect(workload.status == .ok)
            for part in [#"id="deploys""#, #"id="jobs""#, #"id="env""#, #"id="volumes""#, #"id="bindings""#, #"id="chain""#,
                         #"id="artifacts""#, #"href="/sites/pages/""#, #"action="/workloads/pages/actions/deploy""#,
                         #"name="params.commit""#, #"data-env="TOKEN""#] {
                #expect(workload.html.contains(part), "workload page lacks \(part)")
            }
            #expect(!workload.html.contains("s3cr3t-value"))
            #expect(!workload.html.contains("enc:v1:"))

            let jobPage = try await browser.get("/jobs/\(job.id)")
            #expect(jobPage.status == .ok)
            #expect(jobPage.html.contains(#"data-state="succeeded""#))
            #expect(jobPage.html.contains(#"id="log""#))
            #expect(jobPage.html.contains("deployed main@sha1:"))
            #expect(!jobPage.html.contains(#"id="cancel""#), "a finished job has no cancel button")

            let events = try await browser.get("/events")
            #expect(events.status == .ok)
            #expect(events.html.contains(#"class="events""#))
            #expect(events.html.contains("deploy on pages"))

            let picker = try await browser.get("/new")
            #expect(picker.status == .ok)
            #expect(picker.html.contains(#"href="/new?kind=static-site""#))
            let wizard = try await browser.get("/new?kind=static-site")
            #expect(wizard.attributes("name").contains("source.config.repo"))
            let edit = try await browser.get("/workloads/pages/edit")
            #expect(edit.status == .ok)
            #expect(edit.html.contains(#"value="file://"#))
            #expect(!edit.html.contains("s3cr3t-value"))
            #expect(!edit.html.contains("enc:v1:"), "a stored secret is not carried, not even sealed")

            for file in ["ferry.css", "live.js", "job.js", "wizard.js"] {
                #expect(try await browser.get("/static/\(file)").status == .ok, "static \(file)")
            }
        }
    }

    @Test func theWorkloadPageDrawsJobRunTimesAndDeploysPerDayAndTheUIHasAnIcon() async throws {
        try await UIFerry.run { browser, engine, temp in
            let repo = try GitRepo(in: temp)
            try repo.commit(["public/index.html": "<h1>charts</h1>"])
            try engine.applyText(siteWorkload("charted", repo: repo))
            try await browser.waitFor(job: try engine.run(workload: "charted", action: "deploy").id)
            try repo.commit(["public/index.html": "<h1>charts 2</h1>"])
            try await browser.waitFor(job: try engine.run(workload: "charted", action: "deploy").id)
            try engine.applyText(siteWorkload("charted", repo: repo, folder: "missing"))
            try await browser.waitFor(job: try engine.run(workload: "charted", action: "deploy").id)

            let page = try await browser.get("/workloads/charted").html
            let start = try #require(page.range(of: #"<section id="charts">"#))
            let charts = String(page[start.lowerBound...].prefix { _ in true }).components(separatedBy: "</section>")[0]
            #expect(charts.contains(#"class="chart deploys-chart""#) && charts.contains(#"class="chart jobs-chart""#))
            let today = BarChart.day(Date())
            #expect(charts.contains(#"data-day="\#(today)" data-count="2""#), "two deploys today")
            #expect(charts.components(separatedBy: #"data-state="succeeded""#).count - 1 == 2)
            #expect(charts.components(separatedBy: #"data-state="failed""#).count - 1 == 1)
            #expect(charts.contains("3 jobs, 1 failed"))
            #expect(!charts.contains("<script"))

            let fresh = try await browser.get("/")
            #expect(fresh.html.contains(#"<link rel="icon" href="/static/favicon.svg""#))
            let icon = try await browser.get("/favicon.ico")
            #expect(icon.status == .ok && icon.headers[.contentType] == "image/svg+xml" && icon.html.hasPrefix("<svg"))
            #expect(try await browser.get("/static/favicon.svg").headers[.contentType] == "image/svg+xml")
        }
    }

    @Test func failingWorkloadsAndRefusedDeliveriesComeFirst() async throws {
        try await UIFerry.run { browser, engine, temp in
            let repo = try GitRepo(in: temp)
            try repo.commit(["public/index.html": "ok"])
            try engine.applyText(siteWorkload("aaa-fine", repo: repo))
            try engine.applyText(siteWorkload("zzz-broken", repo: repo, branch: "missing")
                + "\ntriggers: [ { kind: git-push, config: { secret: hook-secret } } ]")
            for name in ["aaa-fine", "zzz-broken"] {
                try await browser.waitFor(job: try engine.run(workload: name, action: "deploy").id)
            }
            let hook = try #require(try engine.workload("zzz-broken").spec.triggers[0].id)
            _ = try await browser.raw.execute(
                uri: "/hooks/\(hook)", method: .post, headers: [.init("X-GitHub-Event")!: "push", .contentType: "application/json"],
                body: .init(string: "{}"))

            let page = try await browser.get("/")
            let broken = try #require(page.html.range(of: #"data-workload="zzz-broken""#))
            let fine = try #require(page.html.range(of: #"data-workload="aaa-fine""#))
            #expect(broken.lowerBound < fine.lowerBound, "the failing workload is listed first")
            let refused = try #require(page.html.range(of: #"id="refused""#), "refused deliveries are shown")
            #expect(refused.lowerBound < fine.lowerBound)
            #expect(page.html.contains(hook))
            #expect(page.html.contains("branch \"missing\" not found") || page.html.contains("branch &quot;missing&quot; not found"))

            let filtered = try await browser.get("/events?outcome=refused")
            #expect(filtered.html.contains(#"class="outcome-refused""#))
            #expect(!filtered.html.contains(#"class="outcome-accepted""#))
        }
    }

    @Test func aSourcesListingsAndArtifactsAreItsPanels() async throws {
        try await UIFerry.run { browser, engine, _ in
            try engine.applyText("name: mirror\nsource: { kind: npm-mirror, config: { storage: verdaccio } }\nvolumes: [ { name: verdaccio, scope: workload } ]")
            let record: [String: JSONValue] = ["latest": .string("4.17.21"), "versions": .number(3)]
            try engine.records(of: "mirror").put("packages", RecordWrite(key: "lodash", value: record))
            let sha = String(repeating: "ab", count: 32)
            try engine.database.insertArtifact(Artifact(
                id: "a-test-1", workload: "mirror", jobID: nil, name: "diff-202611230000.tar.zst", size: 2048, sha256: sha, createdAt: Date()))

            let page = try await browser.get("/workloads/mirror")
            #expect(page.status == .ok)
            #expect(page.html.contains(#"data-listing="packages""#))
            #expect(page.html.contains(#"data-listing="broken""#))
            for cell in ["<th>latest</th>", "<th>versions</th>", "<code>lodash</code>", "<td>4.17.21</td>", "<td>3</td>"] {
                #expect(page.html.contains(cell), "listing lacks \(cell)")
            }
            #expect(page.html.contains(#"href="/api/artifacts/a-test-1/download""#))
            #expect(page.html.contains(sha))
            #expect(page.html.contains("2.0 KiB"))
            #expect(page.html.contains(#"href="/npm/mirror/""#))
            for action in engine.registry.sources["npm-mirror"]!.actions.map(\.name) {
                #expect(page.html.contains(#"action="/workloads/mirror/actions/\#(action)""#), "no form for \(action)")
            }
        }
    }

    @Test func anUnknownWorkloadIsAPageWithTheReason() async throws {
        try await UIFerry.run { browser, _, _ in
            let page = try await browser.get("/workloads/nobody")
            #expect(page.status == .notFound)
            #expect(page.html.contains("<html"))
            #expect(page.html.contains("workload &quot;nobody&quot; not found"))
            #expect(try await browser.get("/jobs/j-none").status == .notFound)
        }
    }
}
