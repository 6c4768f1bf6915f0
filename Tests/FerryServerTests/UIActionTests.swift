import FerryCore
import FerryEngine
import FerryTestSupport
import Foundation
import PluginTestKit
import Testing

/// The buttons of the workload and job pages: POST forms that change something through the
/// engine and redirect back, or show the server's reason.
@Suite(.offPool) struct UIActionTests {
    @Test func rollbackAndPromoteFromThePages() async throws {
        try await UIFerry.run { browser, engine, temp in
            let repo = try GitRepo(in: temp)
            try repo.commit(["public/index.html": "first"])
            try engine.applyText(siteWorkload("dev", repo: repo))
            try engine.applyText(siteWorkload("prod", repo: repo) + "\nparent: dev")
            let run = try await browser.post("/workloads/dev/actions/deploy", [("params.commit", "")])
            #expect(run.status == .seeOther)
            let firstJob = try #require(run.location?.split(separator: "/").last.map(String.init))
            #expect(run.location == "/jobs/\(firstJob)")
            try await browser.waitFor(job: firstJob)
            let firstBuild = try #require(try engine.workload("dev").status.liveBuildID)
            try repo.commit(["public/index.html": "second"])
            try await browser.waitFor(job: try engine.run(workload: "dev", action: "deploy").id)
            #expect(try engine.workload("dev").status.liveBuildID != firstBuild)

            let page = try await browser.get("/workloads/dev")
            let first = try #require(try engine.database.deploys(workload: "dev").last)
            #expect(page.html.contains(#"name="to" value="\#(first.id)""#), "a rollback button for the earlier deploy")
            let back = try await browser.post("/workloads/dev/rollback", [("to", first.id)])
            #expect(back.status == .seeOther)
            #expect(back.location == "/workloads/dev?notice=rolledBack")
            #expect(try engine.workload("dev").status.liveBuildID == firstBuild)
            #expect(try await browser.get(back.location!).html.contains(#"class="notice""#))

            let prodPage = try await browser.get("/workloads/prod")
            #expect(prodPage.html.contains(#"action="/workloads/prod/promote""#))
            let promote = try await browser.post("/workloads/prod/promote", [])
            #expect(promote.status == .seeOther)
            let promoteJob = try #require(promote.location?.split(separator: "/").last.map(String.init))
            try await browser.waitFor(job: promoteJob)
            #expect(try engine.workload("prod").status.liveBuildID != nil)
            #expect(try engine.database.deploys(workload: "prod").first?.kind == .promote)

            let refused = try await browser.post("/workloads/dev/rollback", [("to", "d-nope")])
            #expect(refused.status == .seeOther)
            let shown = try await browser.get(try #require(refused.location))
            #expect(shown.html.contains(#"class="error-banner""#))
            #expect(shown.html.contains("d-nope"))
        }
    }

    @Test func envSecretsAndHookSecretsFromThePage() async throws {
        try await UIFerry.run { browser, engine, temp in
            let repo = try GitRepo(in: temp)
            try engine.applyText(siteWorkload("envy", repo: repo) + "\ntriggers: [ { kind: git-push, config: { secret: first } } ]")
            let set = try await browser.post("/workloads/envy/env", [("key", "API_TOKEN"), ("value", "very-secret-9"), ("secret", "false"), ("secret", "true")])
            #expect(set.location == "/workloads/envy?notice=envSet")
            let entry = try #require(try engine.workload("envy").spec.env["API_TOKEN"])
            #expect(entry.secret)
            let opened = try engine.secrets.open(entry.value)
            #expect(opened == "very-secret-9")
            let page = try await browser.get("/workloads/envy")
            #expect(page.html.contains(#"data-env="API_TOKEN""#))
            #expect(!page.html.contains("very-secret-9") && !page.html.contains("enc:v1:"))

            let unset = try await browser.post("/workloads/envy/env/API_TOKEN/unset", [])
            #expect(unset.location == "/workloads/envy?notice=envUnset")
            #expect(try engine.workload("envy").spec.env["API_TOKEN"] == nil)

            let hook = try #require(try engine.workload("envy").spec.triggers[0].id)
            let rotated = try await browser.post("/workloads/envy/bindings/\(hook)/rotate-secret", [])
            #expect(rotated.status == .ok)
            #expect(rotated.html.contains(#"id="new-secret""#))
            let binding = try engine.binding(hook)
            let secret = try engine.secrets.open(binding.config["secret"]!.stringValue!)
            #expect(secret != "first")
            #expect(rotated.html.contains(secret), "the new secret is shown once")
            #expect(!(try await browser.get("/workloads/envy")).html.contains(secret), "and never again")
        }
    }

    @Test func wrongActionParametersAreShownAtTheirField() async throws {
        try await UIFerry.run { browser, engine, temp in
            let repo = try GitRepo(in: temp)
            try engine.applyText(siteWorkload("par", repo: repo))
            let page = try await browser.post("/workloads/par/actions/deploy", [("params.commit", "not-a-commit")])
            #expect(page.status == .badRequest)
            let message = try #require(page.error(at: "params.commit"))
            #expect(message.contains("does not match pattern"))
            #expect(try engine.database.jobs(workload: "par").isEmpty)
        }
    }

    @Test func aFormPostedFromAnotherSiteChangesNothing() async throws {
        try await UIFerry.run { browser, engine, temp in
            let repo = try GitRepo(in: temp)
            try engine.applyText(siteWorkload("guarded", repo: repo))
            let env = [("key", "X"), ("value", "1")]
            let foreign = try await browser.post("/workloads/guarded/env", env, origin: "http://evil.example")
            #expect(foreign.status == .forbidden)
            #expect(foreign.html.contains("http://evil.example"))
            let wizard = try await browser.post("/new", siteForm("sneaky", repo: repo.url), origin: "http://evil.example")
            #expect(wizard.status == .forbidden)
            // A missing Origin no longer passes, nor a form without its page's token or with a made-up one.
            #expect(try await browser.post("/workloads/guarded/env", env, origin: nil).status == .forbidden)
            #expect(try await browser.post("/workloads/guarded/env", env, csrf: .some(nil)).status == .forbidden)
            #expect(try await browser.post("/workloads/guarded/env", env, csrf: "f_guess").status == .forbidden)
            #expect(try await browser.post("/workloads/guarded/suspend", [], csrf: .some(nil)).status == .forbidden)
            #expect(try engine.workload("guarded").spec.env.isEmpty)
            #expect(try engine.workload("guarded").spec.suspend == false)
            #expect(try engine.database.workload("sneaky") == nil)
            let own = try await browser.post("/workloads/guarded/env", env, origin: "http://127.0.0.1:8080", host: "127.0.0.1:8080")
            #expect(own.status == .seeOther)
            #expect(try engine.workload("guarded").spec.env["X"] == EnvValue("1"))
        }
    }

    @Test func everyFormOnThePagesCarriesTheToken() async throws {
        try await UIFerry.run { browser, engine, temp in
            let repo = try GitRepo(in: temp)
            try engine.applyText(siteWorkload("formed", repo: repo))
            let token = try await browser.formToken()
            #expect(!token.isEmpty)
            for path in ["/workloads/formed", "/new?kind=static-site"] {
                let html = try await browser.get(path).html
                let forms = html.components(separatedBy: #"<form method="post""#).count - 1
                let tokens = html.components(separatedBy: #"name="_csrf" value="\#(token)""#).count - 1
                #expect(forms > 0 && tokens == forms, "\(path): \(forms) forms, \(tokens) tokens")
            }
        }
    }

    @Test func cancellingAFinishedJobSaysWhyNot() async throws {
        try await UIFerry.run { browser, engine, temp in
            let repo = try GitRepo(in: temp)
            try repo.commit(["public/index.html": "c"])
            try engine.applyText(siteWorkload("can", repo: repo))
            let job = try engine.run(workload: "can", action: "deploy")
            try await browser.waitFor(job: job.id)
            let answer = try await browser.post("/jobs/\(job.id)/cancel", [])
            #expect(answer.status == .seeOther)
            let page = try await browser.get(try #require(answer.location))
            #expect(page.html.contains(#"class="error-banner""#))
            #expect(page.html.contains("already ended"))
        }
    }
}
