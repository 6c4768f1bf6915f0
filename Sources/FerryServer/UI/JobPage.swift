import FerryCore
import FerryEngine
import Foundation

/// `/jobs/{id}`: state, progress, outcome and the log; while the job runs, `job.js` streams the
/// log over server-sent events (`GET /api/jobs/{id}/log`) and follows the progress.
struct JobPage {
    let ui: UIContext
    let lang: String
    /// Who the page is for: cancel shows only to one who may operate the job's workload.
    let caller: Caller

    /// What the dashboard and the workload page show of a job.
    static func summary(_ job: Job, catalog: Catalog, lang: String) -> [String: Any] {
        [
            "id": job.id, "href": "/jobs/\(job.id)", "action": job.action, "workload": job.workload,
            "state": job.state.rawValue, "stateLabel": catalog.text("state.\(job.state.rawValue)", lang),
            "active": !job.state.isFinished, "hasProgress": job.progress != nil,
            "progress": job.progress ?? 0, "percent": UIFormat.percent(job.progress), "note": job.progressNote ?? "",
            "message": job.message ?? "", "created": UIFormat.time(job.createdAt), "finished": UIFormat.time(job.finishedAt),
            "revision": UIFormat.revision(job.revision?.label),
        ]
    }

    func model(_ id: String) throws -> [String: Any] {
        let catalog = ui.renderer.catalog
        guard let job = try ui.engine.database.job(id) else { throw FerryError.notFound("job", id) }
        let log = FileManager.default.contents(atPath: ui.engine.paths.log(job.id).path).map { String(decoding: $0, as: UTF8.self) } ?? ""
        var m = Self.summary(job, catalog: catalog, lang: lang)
        m["title"] = catalog.text("job.title", lang) + " " + job.id
        m["log"] = log
        m["logURL"] = "/api/jobs/\(job.id)/log"
        m["statusURL"] = "/api/jobs/\(job.id)"
        m["workloadHref"] = "/workloads/\(job.workload)"
        m["started"] = UIFormat.time(job.startedAt)
        m["buildID"] = job.buildID ?? ""
        m["hasDetails"] = job.details.map { !$0.isNull } ?? false
        m["details"] = job.details.map { UIFormat.json($0) } ?? ""
        m["succeeded"] = job.state == .succeeded
        m["failed"] = job.state == .failed || job.state == .cancelled
        m["hasParams"] = job.params != .object([:])
        m["params"] = UIFormat.json(job.params)
        m["mayOperate"] = caller.may(.operate, on: job.workload)
        return m
    }
}
