import FerryCore
import Foundation

/// The finding endpoints beside the metadata, in Packagist's shapes: `search.json` (what
/// `composer search` asks), `list.json` (package names, for `composer show --all` and tools;
/// `?filter=` glob, `?vendor=`, `?type=`) and `metadata/changes.json?since=` (Packagist's change
/// feed, so another mirror can follow this one). All answer from the live build's browse rows, so
/// only what is served can be found.
struct PackageIndex {
    let rows: [BrowseCache.Row]
    /// The repository's URL (`…/composer/NAME`), for package page links and `next`.
    let mount: String

    static let defaultPerPage = 15
    static let maxPerPage = 100

    /// Every word of `q` must appear in the name or the description (case-insensitive); exact
    /// names first, then names containing the query, then by installs.
    func search(_ query: Query) -> SurfaceResponse {
        let words = (query["q"] ?? "").lowercased().split(whereSeparator: \.isWhitespace).map(String.init)
        let type = query["type"]
        let perPage = min(Self.maxPerPage, max(1, query["per_page"].flatMap(Int.init) ?? Self.defaultPerPage))
        let page = max(1, query["page"].flatMap(Int.init) ?? 1)
        let phrase = words.joined(separator: " ")
        let hits = rows.filter { row in
            if let type, row.type != type { return false }
            let text = row.name.lowercased() + " " + row.description.lowercased()
            return words.allSatisfy(text.contains)
        }.sorted { a, b in
            let rank = { (r: BrowseCache.Row) in r.name == phrase ? 0 : r.name.contains(phrase) ? 1 : 2 }
            return (rank(a), -a.installs, a.name) < (rank(b), -b.installs, b.name)
        }
        let start = (page - 1) * perPage
        let shown = start < hits.count ? Array(hits[start..<min(hits.count, start + perPage)]) : []
        var body: [String: JSONValue] = [
            "results": .array(shown.map { row in
                .object([
                    "name": .string(row.name), "description": .string(row.description), "url": .string("\(mount)/packages/\(row.name)"),
                    "downloads": .number(Double(row.installs)), "favers": .number(0),
                ])
            }),
            "total": .number(Double(hits.count)),
        ]
        if start + perPage < hits.count {
            var next = "\(mount)/search.json?q=\(Self.encode(query["q"] ?? ""))&page=\(page + 1)&per_page=\(perPage)"
            if let type { next += "&type=\(Self.encode(type))" }
            body["next"] = .string(next)
        }
        return SurfaceResponse.json(200, body)
    }

    /// `{"packageNames": […]}`, sorted; `filter` is a glob where `*` is any run of characters.
    func list(_ query: Query) -> SurfaceResponse {
        let filter = query["filter"].map { StarPattern($0.lowercased()) }
        let vendor = query["vendor"].map { $0.lowercased() + "/" }
        let type = query["type"]
        let names = rows.filter { row in
            (filter?.matches(row.name.lowercased()) ?? true) && (vendor.map(row.name.lowercased().hasPrefix) ?? true)
                && (type.map { row.type == $0 } ?? true)
        }.map(\.name).sorted()
        return SurfaceResponse.json(200, ["packageNames": .array(names.map(JSONValue.string))])
    }

    /// Packagist's change feed: `since` is a timestamp in 1/10,000 s as the previous answer gave
    /// it. An `update` for each package whose metadata file changed after it, a `delete` for each
    /// that was closed after it and is not served now. Without a valid `since` the answer is 400
    /// with the timestamp to start from, as Packagist answers.
    func changes(_ query: Query, closures: [StatusChange], now: Date) -> SurfaceResponse {
        let timestamp = Int64(now.timeIntervalSince1970 * 10_000)
        guard let since = query["since"].flatMap(Int64.init), since > 0 else {
            return SurfaceResponse.json(400, [
                "error": .string("Invalid or outdated ?since parameter, use this as the new timestamp: \(timestamp)"),
                "timestamp": .number(Double(timestamp)),
            ])
        }
        // File times have whole seconds: the second `since` falls in counts, so a change is
        // reported twice rather than never.
        let sinceSeconds = Int(since / 10_000)
        var actions: [(time: Int, type: String, package: String)] = rows.compactMap { row in
            guard let modified = row.modified, modified >= sinceSeconds else { return nil }
            return (modified, "update", row.name)
        }
        let served = Set(rows.map(\.name))
        for change in closures where !change.active && Int(change.at.timeIntervalSince1970) >= sinceSeconds && !served.contains(change.name) {
            actions.append((Int(change.at.timeIntervalSince1970), "delete", change.name))
        }
        actions.sort { ($0.time, $0.package) < ($1.time, $1.package) }
        return SurfaceResponse.json(200, [
            "actions": .array(actions.map { .object(["type": .string($0.type), "package": .string($0.package), "time": .number(Double($0.time))]) }),
            "timestamp": .number(Double(timestamp)),
        ])
    }

    private static func encode(_ s: String) -> String {
        s.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~/"))) ?? s
    }
}
