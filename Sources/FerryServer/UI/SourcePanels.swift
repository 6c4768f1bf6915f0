import FerryCore
import FerryEngine
import Foundation

/// The parts of the workload page that come from its source, generically: a form per action
/// (generated from the action's parameter schema), a table per listing (`packages`, `broken`),
/// and the artifacts the source's jobs published.
struct SourcePanels {
    let ui: UIContext
    let lang: String
    let workload: Workload

    func actions(errors: [String: String], failed: String?) -> [[String: Any]] {
        guard let source = ui.engine.registry.sources[workload.spec.source.kind] else { return [] }
        return source.actions.map { action in
            var form = SchemaForm(errors: action.name == failed ? errors : [:])
            form.idPrefix = "a-\(action.name)-"
            form.rowButtons = false
            form.spareRows = 2
            return [
                "name": action.name, "description": action.description,
                "href": "/workloads/\(workload.name)/actions/\(action.name)",
                "fields": form.fields(action.params, value: nil, path: "params"),
                "hasFields": !action.params.properties.isEmpty,
            ] as [String: Any]
        }
    }

    /// The first page of each listing, with the columns its records have.
    func listings() throws -> [[String: Any]] {
        guard let source = ui.engine.registry.sources[workload.spec.source.kind] else { return [] }
        return try source.listings.map { listing in
            let (total, items) = try ui.engine.listing(listing, of: workload.name, search: nil, offset: 0, limit: 50)
            var columns: [String] = []
            for item in items {
                if case .object(let members) = item.value {
                    for key in members.keys.sorted() where !columns.contains(key) && columns.count < 8 { columns.append(key) }
                }
            }
            let rows = items.map { item -> [String: Any] in
                let cells = columns.map { item.value[$0]?.plainText ?? "" }
                return ["key": item.key, "href": "/workloads/\(workload.name)/items/\(listing)/\(item.key)", "cells": cells.map { ["text": $0] }]
            }
            return [
                "name": listing, "total": total, "shown": items.count, "columns": columns.map { ["name": $0] },
                "rows": rows, "hasRows": !rows.isEmpty, "apiHref": "/api/workloads/\(workload.name)/\(listing)",
            ] as [String: Any]
        }
    }

    func artifacts() throws -> [[String: Any]] {
        try ui.engine.artifacts(workload: workload.name).map { a in
            [
                "id": a.id, "name": a.name, "size": UIFormat.bytes(a.size), "sha256": a.sha256, "at": UIFormat.time(a.createdAt),
                "href": "/api/artifacts/\(a.id)/download", "job": a.jobID ?? "",
            ] as [String: Any]
        }
    }
}
