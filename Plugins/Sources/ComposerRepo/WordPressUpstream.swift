import FerryCore
import Foundation

/// WordPress.org as an upstream, in the shapes its API really answers: the info API
/// (`plugin_information` / `theme_information` with versions), its 404 for closed plugins, the
/// "recently updated" browse feed, and the svn directory listing. Base URLs come from config.
struct WordPressUpstream: Sendable {
    let config: ComposerConfig.WordPress
    let http: any HTTPFetcher

    /// What one info request told us about a package.
    enum InfoResult: Sendable {
        case info(JSONValue)
        /// The API's 404 with `"error":"closed"`; the text says why and since when.
        case closed(String)
        case notFound
        /// Anything that is not a usable answer: bad JSON, a 5xx, a timeout. Recorded, retried next run.
        case problem(String)
    }

    func infoURL(slug: String, theme: Bool) -> String {
        let action = theme ? "themes/info/1.2/?action=theme_information" : "plugins/info/1.2/?action=plugin_information"
        return "\(config.apiBase)/\(action)&request%5Bslug%5D=\(slug)&request%5Bfields%5D%5Bversions%5D=1"
    }

    func info(slug: String, theme: Bool) async -> InfoResult {
        let response: FetchResponse
        do {
            response = try await http.fetch(FetchRequest(url: infoURL(slug: slug, theme: theme), timeout: config.requestTimeout, maxBytes: 16 << 20))
        } catch {
            return .problem("info request failed: \(error)")
        }
        let body = JSONText.parse(response.body)
        if response.status == 404 {
            if let body, body["error"]?.stringValue == "closed" || body["closed"] == .bool(true) {
                let reason = body["reason"]?.stringValue ?? "closed"
                let since = body["closed_date"]?.stringValue.map { " since \($0)" } ?? ""
                let permanence = (body["description"]?.stringValue ?? "").contains("permanent") ? ", permanent" : ""
                return .closed("closed (\(reason)\(permanence))\(since)")
            }
            return .notFound
        }
        guard response.isSuccess else { return .problem("info API answered HTTP \(response.status)") }
        guard let body, body.objectValue != nil else { return .problem("info API answered with something that is not a JSON object") }
        if let error = body["error"]?.stringValue { return error == "closed" ? .closed("closed") : .problem("info API error: \(error)") }
        return .info(body)
    }

    /// Every plugin slug in the svn directory listing (`<li><a href="slug/">`).
    func listing(theme: Bool) async throws -> [String] {
        let url = (theme ? config.themesSvnBase : config.svnBase) + "/"
        let response = try await http.fetch(FetchRequest(url: url, timeout: .seconds(300), maxBytes: 256 << 20))
        guard response.isSuccess else {
            throw FerryError(.unavailable, "directory listing \(url) answered HTTP \(response.status)")
        }
        let html = String(decoding: response.body, as: UTF8.self)
        let slug = try! Regex(ComposerConfig.slugPattern)
        return html.matches(of: /<a href="([^"\/]+)\/">/).map { String($0.1) }.filter { $0.wholeMatch(of: slug) != nil }
    }

    /// Packages from the "recently updated" feed, newest first, until one older than `since`
    /// (at most `maxPages` pages): the cheap way to learn what changed without asking for everything.
    func recentlyUpdated(theme: Bool, since: Date?, maxPages: Int = 20) async throws -> [(slug: String, marker: String, date: Date?)] {
        var found: [(slug: String, marker: String, date: Date?)] = []
        var page = 1
        while page <= maxPages {
            let action = theme ? "themes/info/1.2/?action=query_themes" : "plugins/info/1.2/?action=query_plugins"
            let url = "\(config.apiBase)/\(action)&request%5Bbrowse%5D=updated&request%5Bper_page%5D=250&request%5Bpage%5D=\(page)"
            let response = try await http.fetch(FetchRequest(url: url, timeout: config.requestTimeout))
            guard response.isSuccess, let body = JSONText.parse(response.body) else {
                throw FerryError(.unavailable, "recently-updated feed page \(page) answered HTTP \(response.status) or bad JSON")
            }
            guard case .array(let items)? = body[theme ? "themes" : "plugins"] else { break }
            var reachedOld = false
            for item in items {
                guard let slug = item["slug"]?.stringValue else { continue }
                let updated = item["last_updated"]?.stringValue ?? ""
                let date = Self.date(updated)
                if let since, let date, date < since { reachedOld = true; break }
                found.append((slug, Self.marker(lastUpdated: updated, version: item["version"]?.plainText ?? ""), date))
            }
            let pages = Int(body["info"]?["pages"]?.plainText ?? "") ?? page
            if reachedOld || page >= pages || items.isEmpty { break }
            page += 1
        }
        return found
    }

    /// What "changed upstream" means for a WordPress package: its update time and stable version.
    static func marker(lastUpdated: String, version: String) -> String { "\(lastUpdated)|\(version)" }

    /// WordPress.org's dates: `2024-10-03 2:31pm GMT` for plugins, `2024-10-03` for themes.
    static func date(_ text: String) -> Date? {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.amSymbol = "am"
        formatter.pmSymbol = "pm"
        for format in ["yyyy-MM-dd h:mma 'GMT'", "yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd"] {
            formatter.dateFormat = format
            if let date = formatter.date(from: text) { return date }
        }
        return nil
    }
}
