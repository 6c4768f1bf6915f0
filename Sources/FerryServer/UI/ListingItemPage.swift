import FerryCore
import FerryEngine
import Foundation

/// `/workloads/{name}/items/{listing}/{key}`: one item of a source's listing as the source
/// presents it (`SourcePlugin.detail`): its plain fields, and each list of records in it (an npm
/// package's history of diffs) as a table.
struct ListingItemPage {
    let ui: UIContext

    func model(workload: String, listing: String, key: String) throws -> [String: Any] {
        let item = try ui.engine.listingItem(listing, of: workload, key: key)
        var facts: [[String: Any]] = []
        var tables: [[String: Any]] = []
        for (field, value) in (item.objectValue ?? [:]).sorted(by: { $0.key < $1.key }) {
            if case .array(let rows) = value, rows.contains(where: { $0.objectValue != nil }) {
                var columns: [String] = []
                for row in rows { for column in (row.objectValue ?? [:]).keys.sorted() where !columns.contains(column) { columns.append(column) } }
                tables.append([
                    "name": field, "columns": columns.map { ["name": $0] },
                    "rows": rows.reversed().map { row in ["cells": columns.map { ["text": Self.text(row[$0])] }] },
                    "hasRows": !rows.isEmpty,
                ])
            } else {
                facts.append(["name": field, "value": Self.text(value)])
            }
        }
        return [
            "title": "\(key) · \(workload)", "workload": workload, "workloadHref": "/workloads/\(workload)", "listing": listing, "key": key,
            "facts": facts, "tables": tables, "apiHref": "/api/workloads/\(workload)/\(listing)/\(key)",
        ]
    }

    private static func text(_ value: JSONValue?) -> String {
        switch value {
        case .array(let items)?: items.map(\.plainText).joined(separator: ", ")
        case let other?: other.plainText
        case nil: ""
        }
    }
}
