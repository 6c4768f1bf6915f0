import FerryCore
import FerryEngine
import Foundation
import Hummingbird

/// `/new` and `/workloads/{name}/edit`: the schema-driven wizard. Every round trip posts the
/// whole form; `op` says what to do (add or remove a row, review, create or save). Creating and
/// saving go through `Engine.apply`, the same path as `ferry apply`.
struct WizardController {
    let ui: UIContext

    func register(on router: Router<FerryRequestContext>) {
        router.get("new") { request, context in
            await ui.guarded(request, context) { r in
                let kind = r.query["kind"].flatMap { ui.engine.registry.sources[$0] != nil ? $0 : nil }
                return try render(kind.map(WizardState.init(kind:)), editing: nil, r)
            }
        }
        router.post("new") { request, context in
            await ui.guardedForm(request, context) { form, r in try submit(form, editing: nil, r) }
        }
        router.get("workloads/{name}/edit") { request, context in
            await ui.guarded(request, context) { r in
                let workload = try ui.engine.workload(try context.parameters.require("name"))
                return try render(WizardState(spec: workload.spec, registry: ui.engine.registry), editing: workload.name, r)
            }
        }
        router.post("workloads/{name}/edit") { request, context in
            await ui.guardedForm(request, context) { form, r in
                let name = try context.parameters.require("name")
                _ = try ui.engine.workload(name)
                return try submit(form, editing: name, r)
            }
        }
    }

    private func render(_ state: WizardState?, editing: String?, _ r: UIRequest, errors: [String: String] = [:], review: String? = nil) throws -> Response {
        let model = try WizardPage(ui: ui, lang: r.lang).model(state, editing: editing, errors: errors, review: review)
        return ui.renderer.page("wizard", model, ui: r, status: errors.isEmpty ? .ok : .badRequest)
    }

    private func submit(_ form: FormData, editing: String?, _ r: UIRequest) throws -> Response {
        let registry = ui.engine.registry
        var shown = try WizardState(form: form, registry: registry, keepEmpty: true)
        if let editing { shown.name = editing }
        let op = form["op"] ?? "review"
        guard op == "review" || op == "create" else {
            shown.perform(op, newTrigger: form["newTrigger"], registry: registry)
            return try render(shown, editing: editing, r)
        }
        var state = try WizardState(form: form, registry: registry, keepEmpty: false)
        if let editing {
            state.name = editing
            state.resolveKept(in: try ui.engine.database.workload(editing)?.spec)
        } else {
            state.resolveKept(in: nil)
        }
        let document = state.document()
        do {
            if editing == nil, !state.name.isEmpty, try ui.engine.database.workload(state.name) != nil {
                throw FerryError(.conflict, "workload \(state.name) already exists; pick another name or edit it", field: "name")
            }
            if op == "review" {
                _ = try WorkloadValidator(registry: registry).validate(document)
                return try render(shown, editing: editing, r, review: UIFormat.json(state.document(masking: true)))
            }
            let (workload, _) = try ui.engine.apply(document)
            if editing == nil {
                // The first deploy starts at once, so the workload page shows it running.
                _ = try ui.engine.run(workload: workload.name, action: "deploy", by: "ui")
                return UIContext.back("/workloads/\(workload.name)", notice: "created")
            }
            return UIContext.back("/workloads/\(workload.name)", notice: "saved")
        } catch let error as FerryError where error.field != nil || error.code == .invalidInput || error.code == .conflict {
            return try render(shown, editing: editing, r, errors: fieldErrors(error, state: state, rows: shown.env, registry: registry))
        }
    }

    /// The engine's error at its field, plus every other schema problem of the configs, so
    /// one round trip shows them all. Env errors (`env.KEY`) are shown at the row of that key.
    private func fieldErrors(_ error: FerryError, state: WizardState, rows: [WizardState.EnvRow], registry: PluginRegistry) -> [String: String] {
        var out: [String: String] = [:]
        let validator = SchemaValidator()
        if let source = registry.sources[state.kind] {
            for issue in validator.issues(state.config, against: source.schema, at: "source.config") { out[issue.path] = issue.message }
        }
        for (n, t) in state.triggers.enumerated() {
            guard let schema = registry.triggers[t.kind]?.schema else { continue }
            for issue in validator.issues(t.config, against: schema, at: "triggers.\(n).config") { out[issue.path] = issue.message }
        }
        var field = error.field ?? "(form)"
        if field.hasPrefix("env."), let i = rows.firstIndex(where: { "env.\($0.key)" == field || field.hasPrefix("env.\($0.key).") }) {
            field = "env.\(i).key"
        }
        // Beside the field its path goes without saying.
        out[field] = error.message.hasPrefix("\(field): ") ? String(error.message.dropFirst(field.count + 2)) : error.message
        return out
    }
}
