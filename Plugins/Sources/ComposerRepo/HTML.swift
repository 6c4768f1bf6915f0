import Foundation

/// Escaping for the server-rendered pages, and tag stripping for WordPress.org's HTML fields.
enum HTML {
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for c in text {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(c)
            }
        }
        return out
    }

    /// Plain text of an HTML fragment, with the common entities decoded.
    static func stripTags(_ html: String) -> String {
        guard html.contains("<") || html.contains("&") else { return html }
        let text = tag.stringByReplacingMatches(in: html, range: NSRange(html.startIndex..., in: html), withTemplate: "")
        return text
            .replacingOccurrences(of: "&amp;", with: "&").replacingOccurrences(of: "&#039;", with: "'")
            .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
    }

    /// Compiled once; `stripTags` runs for every synced package.
    private static let tag = try! NSRegularExpression(pattern: "<[^>]*>")

    /// Percent-encodes a query value.
    static func query(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
    }
}
