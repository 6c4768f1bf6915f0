import Foundation
import Ink

/// Turns one Markdown file into a complete HTML5 page, so a repository of `.md` files can be
/// published as a browsable site without a static-site generator.
///
/// Ink renders the body; this type adds the document around it (doctype, charset, viewport,
/// title) and rewrites links between Markdown files (`guide.md#install`) to the pages they
/// become (`guide.html#install`), since the `.md` files themselves are not published.
struct MarkdownPage {
    /// The page's path relative to the published folder (`docs/README.md`), to resolve links.
    var sourcePath: String
    /// Every rendered Markdown file: source path → published path (`docs/README.md` → `docs/index.html`).
    var pages: [String: String]

    /// The full HTML document for `markdown`.
    func render(_ markdown: String) -> String {
        var parser = MarkdownParser()
        let source = sourcePath
        let pages = pages
        parser.addModifier(Modifier(target: .links) { input in
            Self.rewritingHref(in: input.html, from: source, pages: pages)
        })
        let parsed = parser.parse(markdown)
        let title = parsed.metadata["title"].map(Self.escape) ?? Self.firstHeading(in: parsed.html) ?? Self.escape(Self.stem(of: sourcePath))
        return """
            <!doctype html>
            <html>
            <head>
            <meta charset=utf-8>
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(title)</title>
            </head>
            <body>
            \(parsed.html)
            </body>
            </html>

            """
    }

    /// The text of the first heading of any level, tags removed, still HTML-escaped as Ink wrote it.
    static func firstHeading(in html: String) -> String? {
        guard let match = html.firstMatch(of: #/<h[1-6][^>]*>(.*?)</h[1-6]>/#) else { return nil }
        let text = String(match.output.1).replacing(#/<[^>]*>/#, with: "").trimmingCharacters(in: .whitespacesAndNewlines)
        return text.isEmpty ? nil : text
    }

    /// The file name without folder and extension (`docs/setup.md` → `setup`).
    static func stem(of path: String) -> String {
        let name = path.split(separator: "/").last.map(String.init) ?? path
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return name }
        return String(name[..<dot])
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    /// Rewrites the `href` of one `<a href="…">` Ink produced.
    static func rewritingHref(in html: String, from source: String, pages: [String: String]) -> String {
        guard let start = html.range(of: "href=\""), let end = html[start.upperBound...].firstIndex(of: "\"") else { return html }
        let href = String(html[start.upperBound..<end])
        let rewritten = rewrite(href: href, from: source, pages: pages)
        return rewritten == href ? html : html.replacingCharacters(in: start.upperBound..<end, with: rewritten)
    }

    /// Maps a relative link to a Markdown file onto the page it was rendered to; any other link
    /// (absolute, with a scheme, to a file that is not a rendered page) is returned unchanged.
    static func rewrite(href: String, from source: String, pages: [String: String]) -> String {
        let cut = href.firstIndex { $0 == "?" || $0 == "#" } ?? href.endIndex
        let path = String(href[..<cut])
        let beforeSlash = path.split(separator: "/", omittingEmptySubsequences: false).first ?? ""
        guard path.lowercased().hasSuffix(".md"), !path.hasPrefix("/"), !beforeSlash.contains(":") else { return href }
        var resolved = source.split(separator: "/").dropLast().map(String.init)
        for part in (path.removingPercentEncoding ?? path).split(separator: "/") {
            switch part {
            case ".": continue
            case "..":
                guard !resolved.isEmpty else { return href }
                resolved.removeLast()
            default: resolved.append(String(part))
            }
        }
        guard let page = pages[resolved.joined(separator: "/")], let newName = page.split(separator: "/").last else { return href }
        let folder = path.lastIndex(of: "/").map { String(path[...$0]) } ?? ""
        return folder + SitePathResolver.encode([String(newName)]) + href[cut...]
    }
}
