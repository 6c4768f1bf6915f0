import FerryCore
import FerryEngine
import Foundation
import PluginTestKit
import Testing

/// Every UI string comes from a message catalogue, English and Russian hold the same keys,
/// templates ask only for keys that exist, and the language follows the browser or the switch.
@Suite(.offPool) struct UICatalogTests {
    static let web = URL(fileURLWithPath: UIFerry.webDirectory)

    static func catalogue(_ lang: String) throws -> [String: String] {
        let data = try Data(contentsOf: web.appendingPathComponent("i18n/\(lang).json"))
        var out: [String: String] = [:]
        func flatten(_ value: JSONValue, _ prefix: String) {
            if case .object(let members) = value {
                for (k, v) in members { flatten(v, prefix.isEmpty ? k : "\(prefix).\(k)") }
            } else {
                out[prefix] = value.plainText
            }
        }
        flatten(try JSONDecoder().decode(JSONValue.self, from: data), "")
        return out
    }

    static func templates() throws -> [String: String] {
        let dir = web.appendingPathComponent("templates")
        var out: [String: String] = [:]
        for file in try FileManager.default.contentsOfDirectory(atPath: dir.path) where file.hasSuffix(".mustache") {
            out[file] = try String(contentsOf: dir.appendingPathComponent(file), encoding: .utf8)
        }
        return out
    }

    static func matches(_ pattern: String, in text: String) -> [String] {
        let regex = try! NSRegularExpression(pattern: pattern)
        return regex.matches(in: text, range: NSRange(text.startIndex..., in: text)).compactMap {
            Range($0.range(at: 1), in: text).map { String(text[$0]) }
        }
    }

    @Test func englishAndRussianHoldTheSameKeys() throws {
        let en = try Self.catalogue("en"), ru = try Self.catalogue("ru")
        #expect(Set(en.keys).subtracting(ru.keys).sorted() == [], "missing in ru.json")
        #expect(Set(ru.keys).subtracting(en.keys).sorted() == [], "missing in en.json")
        #expect(!en.isEmpty)
        for (key, text) in ru where text.isEmpty { Issue.record("ru.json: \(key) is empty") }
    }

    @Test func everyKeyTheUIAsksForExists() throws {
        let catalogues = [try Self.catalogue("en"), try Self.catalogue("ru")]
        var used: Set<String> = []
        for (_, text) in try Self.templates() { used.formUnion(Self.matches(#"\{\{\s*t\.([A-Za-z0-9_.]+)\s*\}\}"#, in: text)) }
        let sources = Self.web.deletingLastPathComponent().appendingPathComponent("Sources/FerryServer/UI")
        for file in try FileManager.default.contentsOfDirectory(atPath: sources.path) {
            let text = try String(contentsOf: sources.appendingPathComponent(file), encoding: .utf8)
            used.formUnion(Self.matches(#"\b(?:text|t)\("([a-z][A-Za-z]*\.[A-Za-z.]+)""#, in: text))
        }
        // Keys built from values: every case must have its message.
        for health in ["healthy", "degraded", "failing", "progressing", "unknown"] { used.insert("health.\(health)") }
        for state in ["queued", "running", "succeeded", "failed", "cancelled"] { used.insert("state.\(state)") }
        for outcome in ["accepted", "duplicate", "ignored", "refused", "filtered"] { used.insert("outcome.\(outcome)") }
        for kind in ["deploy", "rollback", "promote"] { used.insert("deployKind.\(kind)") }
        for notice in ["created", "saved", "rolledBack", "envSet", "envUnset", "suspended", "resumed", "cancelRequested"] { used.insert("notice.\(notice)") }
        used.formUnion(["chain.parent", "chain.child", "language.name"])
        #expect(used.count > 100)
        for (i, catalogue) in catalogues.enumerated() {
            #expect(used.subtracting(catalogue.keys).sorted() == [], "missing in \(i == 0 ? "en" : "ru").json")
        }
    }

    @Test func templatesHoldNoWordsOfTheirOwn() throws {
        for (file, text) in try Self.templates() {
            var stripped = text.replacingOccurrences(of: #"\{\{[^}]*\}\}"#, with: " ", options: .regularExpression)
            stripped = stripped.replacingOccurrences(of: #"<[^>]*>"#, with: " ", options: .regularExpression)
            let words = Self.matches(#"(\p{L}+)"#, in: stripped)
            #expect(words.isEmpty, "\(file) has text outside the catalogues: \(words.prefix(5))")
        }
    }

    @Test func theLanguageFollowsTheBrowserAndTheSwitch() async throws {
        try await UIFerry.run { browser, _, _ in
            let russian = try await browser.get("/", language: "ru-RU,ru;q=0.9,en;q=0.8")
            #expect(russian.html.contains(#"<html lang="ru">"#))
            #expect(russian.html.contains("Нагрузки"))
            #expect(russian.html.contains(#"href="/?lang=en""#))

            let switched = try await browser.get("/?lang=en", language: "ru")
            #expect(switched.html.contains(#"<html lang="en">"#))
            #expect(switched.headers[.setCookie]?.contains("ferry_lang=en") == true)
            let remembered = try await browser.get("/events", language: "en", cookie: "ferry_lang=ru")
            #expect(remembered.html.contains("События"))
            let fallback = try await browser.get("/new", language: "de-DE")
            #expect(fallback.html.contains(#"<html lang="en">"#))
        }
    }
}
