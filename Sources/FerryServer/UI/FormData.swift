import FerryCore
import Foundation
import Hummingbird

/// A posted HTML form (`application/x-www-form-urlencoded`): its fields in order, the last
/// value of a repeated name winning, so a hidden `false` before a checkbox reads as unchecked.
struct FormData: Sendable {
    private(set) var pairs: [(String, String)] = []
    private(set) var values: [String: String] = [:]

    init(_ pairs: [(String, String)]) {
        for (name, value) in pairs { append(name, value) }
    }

    init(encoded text: String) {
        for part in text.split(separator: "&", omittingEmptySubsequences: true) {
            let kv = part.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            append(Self.decode(kv[0]), kv.count > 1 ? Self.decode(kv[1]) : "")
        }
    }

    /// The posted form, at most `limits.formBody` bytes (413 naming it beyond). Field names
    /// nest by their dots (`tree(under:)` recurses once per part), so a name with more parts
    /// than `limits.depth` is refused before any tree is built.
    static func read(_ request: Request, limits: ServerLimits) async throws -> FormData {
        let form = FormData(encoded: try await RequestBody.text(request, limits.form))
        for (name, _) in form.pairs where name.utf8.lazy.filter({ $0 == UInt8(ascii: ".") }).count >= limits.depth {
            throw FerryError(.invalidInput, "form field \"\(name.prefix(60))…\" is nested deeper than \(limits.depth) levels (limits.depth)")
        }
        return form
    }

    private mutating func append(_ name: String, _ value: String) {
        pairs.append((name, value))
        values[name] = value
    }

    subscript(name: String) -> String? { values[name] }

    /// The value, or nil when absent or blank.
    func nonEmpty(_ name: String) -> String? {
        guard let v = values[name]?.trimmingCharacters(in: .whitespacesAndNewlines), !v.isEmpty else { return nil }
        return v
    }

    /// The fields under `prefix.`, with the prefix removed, as a tree to map against a schema.
    func tree(under prefix: String) -> FormTree {
        var tree = FormTree.node([:])
        let dotted = prefix + "."
        for (name, value) in values where name.hasPrefix(dotted) {
            tree.insert(name.dropFirst(dotted.count).split(separator: ".").map(String.init)[...], value)
        }
        return tree
    }

    /// The indexes used under `prefix.` (`env.0.key`, `env.3.key` → [0, 3]), in order.
    func indexes(under prefix: String) -> [Int] {
        let dotted = prefix + "."
        let found = values.keys.compactMap { name -> Int? in
            guard name.hasPrefix(dotted) else { return nil }
            return Int(name.dropFirst(dotted.count).split(separator: ".").first ?? "")
        }
        return Set(found).sorted()
    }

    private static func decode(_ s: Substring) -> String {
        String(s).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String(s)
    }
}
