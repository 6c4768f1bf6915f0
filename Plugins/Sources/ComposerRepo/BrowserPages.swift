import FerryCore
import Foundation

/// The public HTML pages: the package browser (search, type filter, sort, pagination), one page
/// per package with its versions and `composer require` line, and the status page. Rendered on
/// the server with every value escaped; no scripts, no build step.
struct BrowserPages {
    let live: LiveBuild
    let context: any SurfaceContext
    let browse: BrowseCache
    let base: String
    static let pageSize = 25

    func browser(query: Query) -> SurfaceResponse {
        var rows = browse.rows(live: live, context: context)
        let types = Set(rows.map(\.type)).sorted()
        if let q = query["q"]?.lowercased() {
            rows = rows.filter { $0.name.contains(q) || $0.description.lowercased().contains(q) }
        }
        if let type = query["type"] { rows = rows.filter { $0.type == type } }
        let sort = query["sort"] ?? "name"
        switch sort {
        case "installs": rows.sort { ($0.installs, $1.name) > ($1.installs, $0.name) }
        case "updated": rows.sort { ($0.updated ?? .distantPast, $1.name) > ($1.updated ?? .distantPast, $0.name) }
        default: rows.sort { $0.name < $1.name }
        }
        let pages = max(1, (rows.count + Self.pageSize - 1) / Self.pageSize)
        let current = min(max(Int(query["page"] ?? "1") ?? 1, 1), pages)
        let shown = rows.dropFirst((current - 1) * Self.pageSize).prefix(Self.pageSize)

        var html = "<form method=\"get\" action=\"\(e(base))/\"><input type=\"search\" name=\"q\" value=\"\(e(query["q"] ?? ""))\" placeholder=\"Search packages\">"
        html += "<select name=\"type\"><option value=\"\">all types</option>"
        for t in types { html += "<option value=\"\(e(t))\"\(query["type"] == t ? " selected" : "")>\(e(t))</option>" }
        html += "</select><select name=\"sort\">"
        for (value, label) in [("name", "name"), ("installs", "installs"), ("updated", "last updated")] {
            html += "<option value=\"\(value)\"\(sort == value ? " selected" : "")>\(label)</option>"
        }
        html += "</select><button>Search</button></form>"
        html += "<p class=\"count\">\(rows.count) package\(rows.count == 1 ? "" : "s")</p><table><thead><tr><th>Package</th><th>Type</th><th>Latest</th><th>Installs</th><th>Updated</th></tr></thead><tbody>"
        for row in shown {
            html += "<tr><td><a href=\"\(e(base))/packages/\(e(row.name))\">\(e(row.name))</a><div class=\"desc\">\(e(row.description))</div></td>"
            html += "<td>\(e(row.type))</td><td>\(e(row.latest))</td><td>\(row.installs)</td><td>\(row.updated.map(Self.day) ?? "")</td></tr>"
        }
        html += "</tbody></table><nav class=\"pages\">"
        func link(_ p: Int) -> String {
            var parts = ["page=\(p)", "sort=\(HTML.query(sort))"]
            if let q = query["q"] { parts.append("q=\(HTML.query(q))") }
            if let t = query["type"] { parts.append("type=\(HTML.query(t))") }
            return "\(e(base))/?\(parts.joined(separator: "&amp;"))"
        }
        if current > 1 { html += "<a rel=\"prev\" href=\"\(link(current - 1))\">previous</a> " }
        html += "page \(current) of \(pages)"
        if current < pages { html += " <a rel=\"next\" href=\"\(link(current + 1))\">next</a>" }
        html += "</nav>"
        return page(title: "Packages", body: html)
    }

    func detail(name: String) -> SurfaceResponse? {
        guard name.wholeMatch(of: /[a-z0-9._-]+\/[a-z0-9._-]+/) != nil, live.file("p2/\(name).json") != nil else { return nil }
        var versions: [JSONValue] = []
        for file in ["p2/\(name).json", "p2/\(name)~dev.json"] {
            guard let entry = live.file(file), live.intact(entry),
                  let data = FileManager.default.contents(atPath: live.location(of: entry)),
                  case .array(let list)? = JSONText.parse(data)?["packages"]?[name]
            else { continue }
            versions += P2Writer.expand(list)
        }
        let summary = try? context.records.value(PackageSummary.self, in: PackageSummary.collection, key: name)
        let newest = versions.first
        var html = "<h1>\(e(name))</h1>"
        if let d = newest?["description"]?.stringValue { html += "<p class=\"desc\">\(e(d))</p>" }
        html += "<pre class=\"require\">composer config repositories.\(e(context.workload.name)) composer \(e(context.publicBase))\ncomposer require \(e(name))</pre>"
        html += "<dl><dt>Type</dt><dd>\(e(newest?["type"]?.stringValue ?? "library"))</dd>"
        if let h = newest?["homepage"]?.stringValue, h.hasPrefix("http") { html += "<dt>Homepage</dt><dd><a href=\"\(e(h))\" rel=\"nofollow\">\(e(h))</a></dd>" }
        if let s = summary {
            html += "<dt>Installs</dt><dd>\(s.installsTotal) total, \(s.installs30d) in the last 30 days"
            if let days = try? Telemetry(records: context.records).installsPerDay(name) {
                html += "<br>" + InstallChart(counts: days, today: Date()).svg
            }
            html += "</dd>"
            if let p = s.problem { html += "<dt>Last upstream problem</dt><dd>\(e(p))</dd>" }
        }
        html += "</dl><h2>Versions</h2><table><thead><tr><th>Version</th><th>Released</th><th>Requires</th></tr></thead><tbody>"
        for v in versions {
            let requires = v["require"]?.objectValue?.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value.plainText)" }.joined(separator: ", ") ?? ""
            html += "<tr><td>\(e(v["version"]?.plainText ?? ""))</td><td>\(e(String((v["time"]?.plainText ?? "").prefix(10))))</td><td>\(e(requires))</td></tr>"
        }
        html += "</tbody></table>"
        if let skipped = summary?.skipped, !skipped.isEmpty {
            html += "<h2>Skipped upstream versions</h2><ul>"
            for s in skipped { html += "<li>\(e(s.version)): \(e(s.reason))</li>" }
            html += "</ul>"
        }
        return page(title: name, body: html)
    }

    /// `proxies` is the proxy cache's view of each upstream (empty without `proxy` entries).
    func status(proxies: [(upstream: String, health: ProxyCache.Health)] = []) -> SurfaceResponse {
        let changes = (try? context.records.list(RecordQuery(collection: StatusChange.collection, order: .stampDescending, limit: 50))) ?? []
        let runs = (try? context.records.list(RecordQuery(collection: SyncRun.collection, order: .stampDescending, limit: 5))) ?? []
        let meta = live.manifest.meta
        var html = "<h1>Status</h1><h2>Last build</h2><dl><dt>Build</dt><dd>\(e(live.id))</dd><dt>Created</dt><dd>\(e(live.manifest.createdAt))</dd>"
        for key in ["snapshot", "packages", "versions", "rendered", "reused", "inactive", "seconds"] {
            if let v = meta[key] { html += "<dt>\(e(key))</dt><dd>\(e(v.plainText))</dd>" }
        }
        html += "<dt>Files</dt><dd>\(live.manifest.files.count)</dd></dl><h2>Recent sync runs</h2><table><thead><tr><th>Run</th><th>Kind</th><th>State</th><th>Started</th><th>Counts</th></tr></thead><tbody>"
        for record in runs {
            guard let run = try? record.decode(SyncRun.self) else { continue }
            let counts = run.counts.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ")
            html += "<tr><td>\(run.id)</td><td>\(e(run.kind))</td><td>\(e(run.state.rawValue))</td><td>\(Self.time(run.startedAt))</td><td>\(e(counts))</td></tr>"
        }
        html += "</tbody></table><h2>Recent status changes</h2>"
        if changes.isEmpty { html += "<p>No package has changed status yet.</p>" }
        html += "<table class=\"changes\"><tbody>"
        for record in changes {
            guard let c = try? record.decode(StatusChange.self) else { continue }
            html += "<tr><td>\(Self.time(c.at))</td><td><a href=\"\(e(base))/packages/\(e(c.name))\">\(e(c.name))</a></td><td>\(c.active ? "reactivated" : "deactivated")</td><td>\(e(c.reason))</td><td>\(e(c.by))</td></tr>"
        }
        html += "</tbody></table>"
        if !proxies.isEmpty { html += proxyTable(proxies) }
        return page(title: "Status", body: html)
    }

    /// Whether each proxied upstream answers, and whether clients are getting stale copies.
    private func proxyTable(_ proxies: [(upstream: String, health: ProxyCache.Health)]) -> String {
        var html = "<h2>Proxied upstreams</h2><table class=\"proxies\"><thead><tr><th>Upstream</th><th>State</th><th>Last answered</th><th>Last failure</th><th>Stale answers</th></tr></thead><tbody>"
        for (upstream, health) in proxies {
            let failing = health.lastFailure.map { failure in health.lastSuccess.map { $0 < failure } ?? true } ?? false
            let state = failing ? "unreachable: serving cached copies (stale)" : "ok"
            html += "<tr><td>\(e(upstream))</td><td>\(e(state))</td><td>\(health.lastSuccess.map(Self.time) ?? "never")</td>"
            html += "<td>\(health.lastFailure.map(Self.time) ?? "—") \(e(health.lastReason ?? ""))</td><td>\(health.staleServed)</td></tr>"
        }
        return html + "</tbody></table>"
    }

    private func page(title: String, body: String) -> SurfaceResponse {
        let html = """
            <!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(e(title)) · \(e(context.workload.name))</title><style>
            body{font-family:system-ui,sans-serif;max-width:60rem;margin:1rem auto;padding:0 1rem;color:#222}
            table{border-collapse:collapse;width:100%}td,th{text-align:left;padding:.3rem;border-bottom:1px solid #ddd;vertical-align:top}
            .desc{color:#555;font-size:.9em}pre{background:#f4f4f4;padding:.6rem;overflow:auto}nav{margin:1rem 0}
            </style></head><body><header><a href="\(e(base))/">\(e(context.workload.name)) packages</a> · <a href="\(e(base))/status">status</a> · <a href="\(e(base))/packages.json">packages.json</a></header>
            <main>\(body)</main></body></html>
            """
        return SurfaceResponse(
            status: 200, headers: ["content-type": "text/html; charset=utf-8", "cache-control": "no-cache", "x-content-type-options": "nosniff"],
            body: .bytes(Array(html.utf8)))
    }

    private func e(_ s: String) -> String { HTML.escape(s) }

    static func day(_ d: Date) -> String { String(WordPressPackage.iso(d).prefix(10)) }
    static func time(_ d: Date) -> String { WordPressPackage.iso(d).replacingOccurrences(of: "T", with: " ") }
}
