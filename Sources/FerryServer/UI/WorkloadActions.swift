import FerryCore
import FerryEngine
import Foundation
import Hummingbird

/// The workload and job pages' buttons: each a POST form that calls one `Engine` operation and
/// redirects back (POST/redirect/GET) with a notice, or with the error's message. Two answer
/// with a page instead: an action whose parameters are wrong (the messages go beside the
/// fields) and a secret rotation (the new secret is shown once and must not be in a URL).
struct WorkloadActions {
    let ui: UIContext

    func register(on router: Router<FerryRequestContext>) {
        post(router, "workloads/{name}/actions/{action}") { form, p, r in
            let name = try p.require("name"), actionName = try p.require("action")
            let workload = try ui.engine.workload(name)
            let source = try ui.engine.registry.source(workload.spec.source.kind)
            guard let action = source.action(named: actionName) else { throw FerryError.notFound("action", actionName) }
            var mapper = FormMapper()
            var params = mapper.config(form.tree(under: "params"), action.params, path: "params")
            for (path, typed) in mapper.secrets {
                params.update(at: path.split(separator: ".").dropFirst().map(String.init)[...]) { $0 = .string(typed) }
            }
            do {
                let job = try ui.engine.run(workload: name, action: actionName, params: params, by: "ui")
                return UIContext.redirect("/jobs/\(job.id)")
            } catch let error as FerryError where error.code == .invalidInput {
                let model = try WorkloadPage(ui: ui, lang: r.lang, caller: r.caller).model(
                    name, actionErrors: [error.field ?? "params": error.message], failedAction: actionName)
                return ui.renderer.page("workload", model.merging(["hasFlashError": true, "flashError": error.message]) { $1 }, ui: r, status: .badRequest)
            }
        }
        post(router, "workloads/{name}/rollback") { form, p, _ in
            let name = try p.require("name")
            let to = form.nonEmpty("to")
            return try await back(name) { _ = try await ui.engine.rollback(workload: name, to: to); return "rolledBack" }
        }
        post(router, "workloads/{name}/promote") { _, p, _ in
            let name = try p.require("name")
            do {
                let job = try ui.engine.promote(child: name, by: "ui")
                return UIContext.redirect("/jobs/\(job.id)")
            } catch let error as FerryError {
                return UIContext.back("/workloads/\(name)", error: error.message)
            }
        }
        post(router, "workloads/{name}/env") { form, p, _ in
            let name = try p.require("name")
            return try await back(name) {
                guard let key = form.nonEmpty("key") else { throw FerryError.invalid("env", "name the entry (KEY)") }
                _ = try ui.engine.setEnv(workload: name, key: key, value: form["value"] ?? "", secret: form["secret"] == "true")
                return "envSet"
            }
        }
        post(router, "workloads/{name}/env/{key}/unset") { _, p, _ in
            let name = try p.require("name"), key = try p.require("key")
            return try await back(name) { _ = try ui.engine.unsetEnv(workload: name, key: key); return "envUnset" }
        }
        post(router, "workloads/{name}/suspend") { _, p, _ in
            let name = try p.require("name")
            return try await back(name) { _ = try ui.engine.setSuspended(workload: name, true); return "suspended" }
        }
        post(router, "workloads/{name}/resume") { _, p, _ in
            let name = try p.require("name")
            return try await back(name) { _ = try ui.engine.setSuspended(workload: name, false); return "resumed" }
        }
        post(router, "workloads/{name}/bindings/{id}/rotate-secret") { _, p, r in
            let name = try p.require("name"), id = try p.require("id")
            do {
                let (_, secret) = try ui.engine.rotateSecret(id)
                let model = try WorkloadPage(ui: ui, lang: r.lang, caller: r.caller).model(name, newSecret: (id, secret))
                return ui.renderer.page("workload", model, ui: r)
            } catch let error as FerryError {
                return UIContext.back("/workloads/\(name)", error: error.message)
            }
        }
        post(router, "jobs/{id}/cancel") { _, p, _ in
            let id = try p.require("id")
            do {
                _ = try ui.engine.cancel(jobID: id)
                return UIContext.back("/jobs/\(id)", notice: "cancelRequested")
            } catch let error as FerryError {
                return UIContext.back("/jobs/\(id)", error: error.message)
            }
        }
    }

    private func post(
        _ router: Router<FerryRequestContext>, _ path: RouterPath,
        _ body: @escaping @Sendable (FormData, Parameters, UIRequest) async throws -> Response
    ) {
        router.post(path) { request, context in
            await ui.guardedForm(request, context) { form, r in try await body(form, context.parameters, r) }
        }
    }

    /// Runs a change and goes back to the workload page with its notice, or with the error.
    private func back(_ name: String, _ change: () async throws -> String) async throws -> Response {
        do {
            return UIContext.back("/workloads/\(name)", notice: try await change())
        } catch let error as FerryError where error.code != .internal {
            return UIContext.back("/workloads/\(name)", error: error.message)
        }
    }
}
