import FerryCore
import Foundation

/// The UI's message catalogues, one JSON file per language (`web/i18n/en.json`, `ru.json`),
/// nested by topic. Templates read them as `{{t.topic.key}}`; Swift code through `text(_:_:)`.
/// English is the fallback, so a missing Russian key shows English rather than nothing (the
/// catalogue test still fails for it).
struct Catalog: Sendable {
    static let fallback = "en"
    /// Nested dictionaries as Mustache reads them, per language.
    private let trees: [String: JSONValue]
    /// `topic.key` → text, per language.
    let flat: [String: [String: String]]

    var languages: [String] { flat.keys.sorted() }

    init(directory: URL) throws {
        var trees: [String: JSONValue] = [:]
        var flat: [String: [String: String]] = [:]
        let files = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        for file in files.sorted() where file.hasSuffix(".json") {
            let lang = String(file.dropLast(5))
            let data = try Data(contentsOf: directory.appendingPathComponent(file))
            let tree: JSONValue
            do { tree = try JSONValue(parsing: data) } catch {
                throw FerryError(.invalidInput, "\(directory.path)/\(file): not valid JSON: \(error)", cause: error)
            }
            trees[lang] = tree
            var entries: [String: String] = [:]
            Self.flatten(tree, prefix: "", into: &entries)
            flat[lang] = entries
        }
        guard flat[Self.fallback] != nil else {
            throw FerryError(.invalidInput, "\(directory.path): no \(Self.fallback).json message catalogue")
        }
        self.trees = trees
        self.flat = flat
    }

    static func flatten(_ value: JSONValue, prefix: String, into out: inout [String: String]) {
        switch value {
        case .object(let members):
            for (key, member) in members { flatten(member, prefix: prefix.isEmpty ? key : "\(prefix).\(key)", into: &out) }
        default:
            out[prefix] = value.plainText
        }
    }

    /// One message; `{name}` placeholders are filled from `values`.
    func text(_ key: String, _ lang: String, _ values: [String: String] = [:]) -> String {
        var s = flat[lang]?[key] ?? flat[Self.fallback]?[key] ?? key
        for (name, value) in values { s = s.replacingOccurrences(of: "{\(name)}", with: value) }
        return s
    }

    /// The catalogue as the templates' `t`: nested dictionaries of strings.
    func tree(_ lang: String) -> [String: Any] {
        (Self.mustache(trees[lang] ?? trees[Self.fallback]!) as? [String: Any]) ?? [:]
    }

    private static func mustache(_ value: JSONValue) -> Any {
        switch value {
        case .object(let members): members.mapValues { mustache($0) }
        default: value.plainText
        }
    }

    /// `?lang=` first, then the `ferry_lang` cookie, then the browser's Accept-Language, then English.
    func negotiate(query: String?, cookie: String?, acceptLanguage: String?) -> String {
        if let query, flat[query] != nil { return query }
        if let cookie, flat[cookie] != nil { return cookie }
        for part in (acceptLanguage ?? "").split(separator: ",") {
            let tag = part.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
            let primary = String(tag.split(separator: "-").first ?? "")
            if flat[primary] != nil { return primary }
        }
        return Self.fallback
    }
}
