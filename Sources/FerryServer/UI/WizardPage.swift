import FerryCore
import FerryEngine
import Foundation

/// The view model of the wizard (`/new`) and of the edit form (`/workloads/{name}/edit`): a
/// kind picker, then the kind's generated config form, triggers, env, volumes and a review of
/// the document that will be applied.
struct WizardPage {
    let ui: UIContext
    let lang: String

    func model(_ state: WizardState?, editing: String?, errors: [String: String] = [:], review: String? = nil) throws -> [String: Any] {
        let t = { (key: String) in ui.renderer.catalog.text(key, lang) }
        var m: [String: Any] = [
            "isEdit": editing != nil, "title": editing.map { t("wizard.editTitle") + " " + $0 } ?? t("wizard.title"),
            "formAction": editing.map { "/workloads/\($0)/edit" } ?? "/new",
            "hasErrors": !errors.isEmpty, "hasReview": review != nil, "review": review ?? "",
            "errors": errors.keys.sorted().map {
                ["field": $0, "message": errors[$0]!, "anchor": "f-" + $0.replacingOccurrences(of: ".", with: "-")]
            },
        ]
        let registry = ui.engine.registry
        m["kinds"] = registry.sources.keys.sorted().map { kind in
            let p = registry.sources[kind]!
            return ["kind": kind, "href": "/new?kind=\(kind)", "selected": kind == state?.kind, "mount": type(of: p).mount,
                    "description": p.schema.description ?? "", "actions": p.actions.map(\.name).joined(separator: ", ")] as [String: Any]
        }
        guard let state, let source = registry.sources[state.kind] else {
            m["hasKind"] = false
            return m
        }
        var form = SchemaForm(errors: errors)
        for (path, secret) in state.secrets { form.carried[path] = try carry(secret, path) }
        m["hasKind"] = true
        m["kind"] = state.kind
        var nameField = form.field(
            label: t("wizard.name"), schema: .string(t("wizard.nameHelp"), pattern: WorkloadValidator.namePattern),
            value: .string(state.name), path: "name", required: true)
        nameField["readonly"] = editing != nil
        m["nameField"] = nameField
        let others = try ui.engine.database.workloads().map(\.name).filter { $0 != state.name }
        m["parentField"] = form.field(
            label: t("wizard.parent"), schema: .string(t("wizard.parentHelp"), enum: others),
            value: state.parent.isEmpty ? nil : .string(state.parent), path: "parent", required: false)
        m["sourceFields"] = form.fields(source.schema, value: state.config, path: "source.config")
        m["triggers"] = state.triggers.enumerated().map { n, trigger in
            let schema = registry.triggers[trigger.kind]?.schema ?? .empty
            return [
                "index": n, "kind": trigger.kind, "kindPath": "triggers.\(n).kind", "removeOp": "remove:triggers.\(n)",
                "actionField": form.field(
                    label: t("wizard.triggerAction"), schema: .string(t("wizard.triggerActionHelp"), enum: source.actions.map(\.name)),
                    value: .string(trigger.action), path: "triggers.\(n).action", required: true),
                "fields": form.fields(schema, value: trigger.config, path: "triggers.\(n).config"),
                "hasFields": !schema.properties.isEmpty,
                "description": schema.description ?? "",
            ] as [String: Any]
        }
        m["triggerKinds"] = registry.triggers.keys.sorted().map { ["kind": $0] }
        m["envRows"] = try state.env.enumerated().map { i, row in
            [
                "i": i, "key": row.key, "value": row.value, "secret": row.secret,
                "secretSet": row.hidden != nil, "carryName": try row.hidden.map { try carry($0, "env.\(i).value").name } ?? "",
                "carryValue": try row.hidden.map { try carry($0, "env.\(i).value").value } ?? "",
                "keyError": errors["env.\(i).key"] ?? "", "hasKeyError": errors["env.\(i).key"] != nil,
            ] as [String: Any]
        }
        m["volumesField"] = form.field(label: t("wizard.volumes"), schema: volumeSchema(t), value: volumesJSON(state), path: "volumes", required: false)
        return m
    }

    /// The hidden field that stands for a secret on the page: what was typed, sealed with the
    /// server's key; a stored value only by where it is kept.
    private func carry(_ secret: WizardState.Secret, _ path: String) throws -> (name: String, value: String) {
        switch secret {
        case .sealed(let s): ("__sealed.\(path)", s)
        case .typed(let s): ("__sealed.\(path)", try ui.engine.secrets.seal(s))
        case .kept(let from): ("__keep.\(path)", from)
        }
    }

    private func volumesJSON(_ state: WizardState) -> JSONValue {
        .array(state.volumes.map { .object(["name": .string($0.name), "scope": .string($0.scope), "path": .string($0.path)]) })
    }

    private func volumeSchema(_ t: (String) -> String) -> ConfigSchema {
        .array(.object([
            .init("name", .string(t("wizard.volumeNameHelp"), pattern: WorkloadValidator.namePattern)),
            .init("scope", .string(t("wizard.volumeScopeHelp"), default: "workload", enum: VolumeSpec.Scope.allCases.map(\.rawValue))),
            .init("path", .string(t("wizard.volumePathHelp"))),
        ], required: ["name", "scope"]))
    }
}
