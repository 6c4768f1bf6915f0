import FerryCore
import FerryEngine
import Foundation

/// `/workloads/{name}`: spec and status with the reconciler's reason, deploy history with a
/// rollback button per deploy, jobs, env, volumes, bindings, the stage chain, the source's
/// actions and panels (`SourcePanels`). Every button is a POST form (`WorkloadActions`).
struct WorkloadPage {
    let ui: UIContext
    let lang: String
    /// Who the page is for: it shows only the buttons this caller may use (the server checks anyway).
    let caller: Caller

    func model(_ name: String, actionErrors: [String: String] = [:], failedAction: String? = nil, newSecret: (String, String)? = nil) throws -> [String: Any] {
        let catalog = ui.renderer.catalog
        let t = { (key: String) in catalog.text(key, lang) }
        let workload = try ui.engine.workload(name)
        let all = try ui.engine.database.workloads()
        let view = WorkloadView(workload, registry: ui.engine.registry, all: all)
        let status = workload.status
        let live = status.liveBuildID
        let jobs = try ui.engine.database.jobs(workload: name, limit: 20)
        let deploys = try ui.engine.database.deploys(workload: name, limit: 20)
        var m: [String: Any] = [
            "title": name, "name": name, "kind": view.kind, "url": view.url, "editHref": "/workloads/\(name)/edit",
            "health": status.health.rawValue, "healthLabel": t("health.\(status.health.rawValue)"), "reason": status.reason,
            "generation": workload.generation, "observedGeneration": status.observedGeneration,
            "liveBuild": live ?? "", "hasLive": live != nil, "liveRevision": UIFormat.revision(status.liveRevision),
            "suspended": workload.spec.suspend, "spec": UIFormat.json(view.spec),
            "live": jobs.contains { !$0.state.isFinished },
        ]
        m["deploys"] = try DeployView.list(deploys, database: ui.engine.database).map { view in
            let d = view.deploy
            var row: [String: Any] = [
                "id": d.id, "kind": d.kind.rawValue, "kindLabel": t("deployKind.\(d.kind.rawValue)"), "build": d.buildID,
                "revision": UIFormat.revision(d.revision?.label), "at": UIFormat.time(d.createdAt), "isLive": d.buildID == live,
                "job": d.jobID ?? "", "hasJob": d.jobID != nil, "hasOrigin": view.promotedFrom != nil,
            ]
            if let origin = view.promotedFrom {
                row["origin"] = [
                    "workload": origin.workload, "deploy": origin.deployID, "build": origin.buildID,
                    "revision": UIFormat.revision(origin.revision?.label),
                ]
            }
            return row
        }
        m["hasDeploys"] = !deploys.isEmpty
        let since = Date().addingTimeInterval(-Double(WorkloadCharts.days) * 86_400)
        let recentDeploys = try ui.engine.database.deploys(workload: name, limit: 1000).filter { $0.createdAt >= since }
        m["deployChart"] = WorkloadCharts.deploysPerDay(recentDeploys, now: Date(), label: t("workload.chartDeploys"))
        let jobChart = WorkloadCharts.jobDurations(try ui.engine.database.jobs(workload: name, limit: WorkloadCharts.jobCount * 2), label: t("workload.chartJobs"))
        m["jobChart"] = jobChart ?? ""
        m["hasJobChart"] = jobChart != nil
        m["sourceCharts"] = try ui.engine.sourceCharts(of: name).map { ["title": $0.title, "svg": $0.svg] }
        m["jobs"] = jobs.map { JobPage.summary($0, catalog: catalog, lang: lang) }
        m["hasJobs"] = !jobs.isEmpty
        m["env"] = workload.spec.env.keys.sorted().map { key in
            let entry = workload.spec.env[key]!
            return ["key": key, "secret": entry.secret, "value": entry.secret ? "" : entry.value] as [String: Any]
        }
        m["hasEnv"] = !workload.spec.env.isEmpty
        m["volumes"] = workload.spec.volumes.map { ["name": $0.name, "scope": $0.scope.rawValue, "path": $0.path ?? ""] }
        m["hasVolumes"] = !workload.spec.volumes.isEmpty
        let bindings = try ui.engine.database.bindings(targeting: name).map { b -> [String: Any] in
            let shown = BindingView(b, baseURL: ui.baseURL, ingress: ui.engine.registry.triggers[b.kind] is any IngressTrigger)
            return [
                "id": b.id, "kind": b.kind, "hookURL": shown.hookURL ?? "", "hasHook": shown.hookURL != nil,
                "action": b.workloads.first { $0.name == name }?.action ?? "", "suspended": b.suspend,
                "config": shown.config == .object([:]) ? "" : shown.config.plainText,
                "rotateHref": "/workloads/\(name)/bindings/\(b.id)/rotate-secret",
            ]
        }
        m["bindings"] = bindings
        m["hasBindings"] = !bindings.isEmpty
        if let (id, secret) = newSecret { m["newSecret"] = ["binding": id, "secret": secret] }
        m["hasNewSecret"] = newSecret != nil
        m["chain"] = view.chain.map { s in
            ["name": s.name, "href": "/workloads/\(s.name)", "role": t("chain.\(s.role)"), "build": s.liveBuildID ?? "",
             "revision": UIFormat.revision(s.liveRevision)] as [String: Any]
        }
        m["hasChain"] = !view.chain.isEmpty
        m["parent"] = workload.spec.parent ?? ""
        m["canPromote"] = workload.spec.parent != nil
        m["mayOperate"] = caller.may(.operate, on: name)
        m["mayEdit"] = caller.may(.administer, on: name)
        let panels = SourcePanels(ui: ui, lang: lang, workload: workload)
        m["actions"] = panels.actions(errors: actionErrors, failed: failedAction)
        m["listings"] = try panels.listings()
        let artifacts = try panels.artifacts()
        m["artifacts"] = artifacts
        m["hasArtifacts"] = !artifacts.isEmpty
        return m
    }
}
