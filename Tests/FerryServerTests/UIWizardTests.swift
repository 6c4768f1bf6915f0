import FerryCore
import FerryEngine
import FerryTestSupport
import Foundation
import PluginTestKit
import Testing

/// The wizard: a form generated from each kind's schema, mapped to a workload document by JSON
/// path, checked by the server's one validator, applied through `Engine.apply`.
@Suite(.offPool) struct UIWizardTests {
    @Test func aFilledFormBecomesTheWorkloadAndItsFirstDeployRuns() async throws {
        try await UIFerry.run { browser, engine, temp in
            let repo = try GitRepo(in: temp)
            try repo.commit(["public/index.html": "<h1>from the wizard</h1>"])
            let page = try await browser.post("/new", siteForm("wiz", repo: repo.url, extra: [
                ("source.config.markdown", "true"),
                ("triggers.0.kind", "git-push"), ("triggers.0.action", "deploy"), ("triggers.0.config.secret", "hook-secret-1"),
                ("triggers.0.config.branches.0", "main"), ("triggers.0.config.branches.1", "release/*"), ("triggers.0.config.branches.2", ""),
                ("env.0.key", "MODE"), ("env.0.value", "fast"), ("env.0.secret", "false"),
                ("env.1.key", "GIT_TOKEN"), ("env.1.value", "tok-123"), ("env.1.secret", "false"), ("env.1.secret", "true"),
                ("volumes.0.name", "cache"), ("volumes.0.scope", "workload"), ("volumes.0.path", ""),
            ]))
            #expect(page.status == .seeOther, "\(page.html)")
            #expect(page.location == "/workloads/wiz?notice=created")

            let spec = try engine.workload("wiz").spec
            #expect(spec.source.config == .object([
                "repo": .string(repo.url), "branch": .string("main"), "folder": .string("public"),
                "markdown": .bool(true), "tokenEnv": .string("GIT_TOKEN"), "allowInsecure": .bool(false),
            ]))
            #expect(spec.triggers.count == 1)
            #expect(spec.triggers[0].kind == "git-push")
            #expect(spec.triggers[0].config["branches"] == .array([.string("main"), .string("release/*")]))
            let sealedHook = try #require(spec.triggers[0].config["secret"]?.stringValue)
            #expect(try engine.secrets.open(sealedHook) == "hook-secret-1")
            #expect(spec.env["MODE"] == EnvValue("fast"))
            let token = try #require(spec.env["GIT_TOKEN"])
            #expect(token.secret)
            #expect(try engine.secrets.open(token.value) == "tok-123")
            #expect(spec.volumes == [VolumeSpec(name: "cache", scope: .workload)])

            let job = try #require(try engine.database.jobs(workload: "wiz").first)
            #expect(job.action == "deploy")
            try await browser.waitFor(job: job.id)
            #expect(try engine.workload("wiz").status.health == .healthy)
            let shown = try await browser.get("/workloads/wiz?notice=created")
            #expect(shown.html.contains(#"class="notice""#))
            let hook = try #require(try engine.workload("wiz").spec.triggers[0].id)
            #expect(shown.html.contains("data-binding=\"\(hook)\""))
            #expect(shown.html.contains("/hooks/\(hook)"))
            #expect(!shown.html.contains("hook-secret-1") && !shown.html.contains("tok-123"))
        }
    }

    @Test(arguments: [
        ("source.config.repo", "ftp://example.com/site.git", "expected a URL"),
        ("name", "Bad_Name", "is not a valid name"),
    ])
    func aWrongValueShowsTheServersMessageAtTheFieldAndCreatesNothing(field: String, value: String, message: String) async throws {
        try await UIFerry.run { browser, engine, temp in
            let repo = try GitRepo(in: temp)
            let form = siteForm("wrong", repo: repo.url).map { $0.0 == field ? ($0.0, value) : $0 }
            for op in ["review", "create"] {
                let page = try await browser.post("/new", form.map { $0.0 == "op" ? ("op", op) : $0 })
                #expect(page.status == .badRequest)
                let shown = try #require(page.error(at: field), "no message at \(field)")
                #expect(shown.contains(message), "\(shown)")
                #expect(page.html.contains(#"id="form-errors""#))
                #expect(page.attributes("value").contains(value), "the wrong value stays in the form to be fixed")
            }
            #expect(try engine.database.workloads().isEmpty)
            #expect(try engine.database.jobs().isEmpty)
        }
    }

    @Test func rowsAndTriggersAreAddedAndRemovedByRoundTrips() async throws {
        try await UIFerry.run { browser, _, _ in
            let added = try await browser.post("/new", siteForm("rows", repo: "file:///x", op: "add-trigger").map {
                $0.0 == "newTrigger" ? ("newTrigger", "git-push") : $0
            })
            #expect(added.status == .ok)
            let names = added.attributes("name")
            #expect(names.contains("triggers.0.kind") && names.contains("triggers.0.config.secret") && names.contains("triggers.0.action"))
            #expect(added.attributes("value").contains("rows"), "what was typed stays")

            let base = siteForm("rows", repo: "file:///x", op: "add:triggers.0.config.branches") + [("triggers.0.kind", "git-push")]
            let withRow = try await browser.post("/new", base)
            #expect(withRow.attributes("name").contains("triggers.0.config.branches.0"))
            let removed = try await browser.post("/new", base.map { $0.0 == "op" ? ("op", "remove:triggers.0") : $0 })
            #expect(!removed.attributes("name").contains("triggers.0.kind"))
            let env = try await browser.post("/new", siteForm("rows", repo: "file:///x", op: "add:env"))
            #expect(env.attributes("name").contains("env.0.key"))
        }
    }

    @Test func theReviewShowsTheFileWithoutTheSecretAndCreateKeepsIt() async throws {
        try await UIFerry.run { browser, engine, temp in
            let repo = try GitRepo(in: temp)
            try repo.commit(["public/index.html": "r"])
            let form = siteForm("rev", repo: repo.url, op: "review", extra: [("env.0.key", "API_KEY"), ("env.0.value", "plain-secret-42"), ("env.0.secret", "true")])
            let review = try await browser.post("/new", form)
            #expect(review.status == .ok)
            #expect(review.html.contains(#"id="review""#))
            #expect(review.html.contains("&quot;kind&quot; : &quot;static-site&quot;"))
            #expect(!review.html.contains("plain-secret-42"))
            #expect(try engine.database.workloads().isEmpty, "a review stores nothing")

            // The browser posts the reviewed form again; the secret comes back only sealed.
            let carried = try #require(review.attributes("value").first { $0.hasPrefix("enc:v1:") })
            let create = try await browser.post("/new", siteForm("rev", repo: repo.url, extra: [
                ("env.0.key", "API_KEY"), ("env.0.value", ""), ("env.0.secret", "true"), ("__sealed.env.0.value", carried),
            ]))
            #expect(create.status == .seeOther, "\(create.html)")
            let stored = try #require(try engine.workload("rev").spec.env["API_KEY"])
            #expect(try engine.secrets.open(stored.value) == "plain-secret-42")
        }
    }

    @Test func editingKeepsStoredSecretsThatThePageNeverHeld() async throws {
        try await UIFerry.run { browser, engine, temp in
            let repo = try GitRepo(in: temp)
            try engine.applyText(siteWorkload("ed", repo: repo)
                + "\nenv: { TOKEN: { secret: true, value: stored-secret } }\ntriggers: [ { kind: git-push, config: { secret: stored-hook } } ]")
            let form = try await browser.get("/workloads/ed/edit")
            #expect(!form.html.contains("stored-secret") && !form.html.contains("stored-hook") && !form.html.contains("enc:v1:"))
            #expect(form.attributes("name").contains("__keep.env.0.value"))
            #expect(form.attributes("name").contains("__keep.triggers.0.config.secret"))

            let saved = try await browser.post("/workloads/ed/edit", siteForm("ignored", repo: repo.url, extra: [
                ("source.config.folder", "site"),
                ("env.0.key", "TOKEN"), ("env.0.value", ""), ("env.0.secret", "true"), ("__keep.env.0.value", "env.TOKEN"),
                ("triggers.0.kind", "git-push"), ("triggers.0.action", "deploy"), ("triggers.0.config.secret", ""),
                ("__keep.triggers.0.config.secret", "triggers.0.config.secret"),
            ]))
            #expect(saved.status == .seeOther, "\(saved.html)")
            #expect(saved.location == "/workloads/ed?notice=saved")
            let spec = try engine.workload("ed").spec
            #expect(spec.source.config["folder"] == .string("site"))
            #expect(try engine.secrets.open(spec.env["TOKEN"]!.value) == "stored-secret")
            #expect(try engine.secrets.open(spec.triggers[0].config["secret"]!.stringValue!) == "stored-hook")
        }
    }

    @Test func theWizardRendersAFormForEveryRegisteredKind() async throws {
        try await UIFerry.run { browser, engine, _ in
            for (kind, source) in engine.registry.sources {
                let page = try await browser.get("/new?kind=\(kind)")
                #expect(page.status == .ok, "\(kind)")
                let names = page.attributes("name")
                for property in source.schema.properties where property.schema.format != .secret {
                    let controls = names.filter { $0 == "source.config.\(property.name)" || $0.hasPrefix("source.config.\(property.name).") }
                    let fieldset = page.html.contains(#"data-path="source.config.\#(property.name)""#)
                    #expect(!controls.isEmpty || fieldset, "\(kind): no control for \(property.name)")
                }
                for id in page.attributes("id") where id.hasPrefix("f-") {
                    #expect(page.html.contains(#"for="\#(id)""#) || !page.html.contains(#"<input id="\#(id)""#), "\(kind): \(id) has no label")
                }
            }
            for (kind, trigger) in engine.registry.triggers {
                let page = try await browser.post("/new", siteForm("k", repo: "file:///x", op: "add-trigger").map {
                    $0.0 == "newTrigger" ? ("newTrigger", kind) : $0
                })
                #expect(page.status == .ok, "\(kind)")
                #expect(page.html.contains(#"name="triggers.0.kind" value="\#(kind)""#))
                for property in trigger.schema.properties {
                    #expect(page.html.contains(#"data-path="triggers.0.config.\#(property.name)""#), "\(kind): no field for \(property.name)")
                }
            }
        }
    }
}
