import Foundation
import Yams

/// Reads workload files: YAML or JSON, one or many documents separated by `---`.
///
/// Syntax errors name the file and line; what the documents mean is checked afterwards by
/// `WorkloadValidator`, which names the field.
public enum WorkloadFile {
    /// One parsed document and the line it starts on, for messages about it.
    public struct Document: Sendable {
        public var value: JSONValue
        public var index: Int
    }

    /// Bounds on one file, checked before anything is built from it: its size, how deep it
    /// nests and how many nodes it expands to through YAML aliases. The keys, when set, name the
    /// setting in the refusal (the server's `limits.*`).
    public struct Limits: Sendable, Equatable {
        public var bytes: Int
        public var depth: Int
        public var nodes: Int
        public var bytesKey: String?
        public var depthKey: String?
        public var nodesKey: String?

        public init(bytes: Int, depth: Int, nodes: Int, bytesKey: String? = nil, depthKey: String? = nil, nodesKey: String? = nil) {
            self.bytes = bytes
            self.depth = depth
            self.nodes = nodes
            self.bytesKey = bytesKey
            self.depthKey = depthKey
            self.nodesKey = nodesKey
        }

        /// 4 MiB, 64 levels, a million nodes: far beyond any workload file, far below harm.
        public static let standard = Limits(bytes: 4 << 20, depth: 64, nodes: 1_000_000)

        func named(_ key: String?) -> String { key.map { " (\($0))" } ?? "" }
    }

    public static func parse(_ text: String, fileName: String = "input", limits: Limits = .standard) throws -> [Document] {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else {
            throw FerryError(.invalidInput, "\(fileName): the file holds no workload document")
        }
        try check(text, fileName: fileName, limits: limits)
        var loaded: [Any] = []
        do {
            // YamlSequence stops at a syntax error and keeps it in `error` instead of throwing,
            // so the error must be read after iterating, or later documents vanish silently.
            // Composed first and checked, then constructed: Yams' constructor traps on a mapping
            // key that is not a scalar (`{[a]: b}`, 8 bytes) and on some typed collections.
            var sequence = try Yams.compose_all(yaml: text)
            while let node = sequence.next() {
                try checkConstructible(node, fileName: fileName)
                loaded.append(node.any)
            }
            if let error = sequence.error { throw error }
        } catch let error as YamlError {
            throw FerryError(.invalidInput, "\(fileName): \(describe(error))", cause: error)
        }
        var documents: [Document] = []
        for raw in loaded where !(raw is NSNull) {
            let value = try jsonValue(raw, fileName: fileName)
            if case .array(let list) = value {
                // A JSON array of workloads is accepted as many documents.
                for element in list { documents.append(Document(value: element, index: documents.count)) }
            } else {
                documents.append(Document(value: value, index: documents.count))
            }
        }
        guard !documents.isEmpty else {
            throw FerryError(.invalidInput, "\(fileName): the file holds no workload document")
        }
        return documents
    }

    /// Refuses a file over `limits` with a message naming the file, the bound and its key.
    static func check(_ text: String, fileName: String, limits: Limits) throws(FerryError) {
        let size = text.utf8.count
        guard size <= limits.bytes else {
            throw FerryError(.payloadTooLarge, "\(fileName): the file is larger than \(ByteCount.text(limits.bytes))\(limits.named(limits.bytesKey))")
        }
        switch YAMLBudget(depth: limits.depth, nodes: limits.nodes).check(text) {
        case .fits:
            return
        case .tooDeep:
            throw FerryError(.invalidInput, "\(fileName): nested deeper than \(limits.depth) levels\(limits.named(limits.depthKey))")
        case .tooManyNodes:
            throw FerryError(
                .invalidInput,
                "\(fileName): expands to more than \(limits.nodes) nodes once YAML aliases are followed\(limits.named(limits.nodesKey)); write the values out or use fewer aliases")
        }
    }

    /// Tags whose Yams constructors build values a workload cannot hold (or trap on odd input).
    private static let refusedTags: Set<String> = ["tag:yaml.org,2002:set", "tag:yaml.org,2002:omap", "tag:yaml.org,2002:pairs", "tag:yaml.org,2002:binary"]

    /// Refuses what Yams' constructor cannot build safely: mapping keys that are sequences or
    /// mappings, and the set/omap/pairs/binary types. Aliases are resolved by then, and the
    /// budget check has bounded how many nodes the walk can visit.
    static func checkConstructible(_ node: Node, fileName: String) throws(FerryError) {
        if refusedTags.contains(node.tag.rawValue) {
            throw FerryError(.invalidInput, "\(fileName): line \(line(node)): the YAML type \(node.tag.rawValue) is not supported here")
        }
        switch node {
        case .mapping(let mapping):
            for (key, value) in mapping {
                guard case .scalar = key else {
                    throw FerryError(.invalidInput, "\(fileName): line \(line(key)): a mapping key must be a plain value, not a list or mapping")
                }
                try checkConstructible(value, fileName: fileName)
            }
        case .sequence(let sequence):
            for item in sequence { try checkConstructible(item, fileName: fileName) }
        case .scalar, .alias:
            return
        }
    }

    private static func line(_ node: Node) -> String { node.mark.map { "\($0.line)" } ?? "?" }

    private static func describe(_ error: YamlError) -> String {
        switch error {
        case let .scanner(context, problem, mark, _), let .parser(context, problem, mark, _), let .composer(context, problem, mark, _):
            // libyaml notices a problem where parsing fails; the context says where the broken
            // construct began, which is usually the line to fix.
            let where_ = context.map { " \($0.text) that starts at line \($0.mark.line)" } ?? ""
            return "invalid YAML at line \(mark.line), column \(mark.column): \(problem)\(where_)"
        case let .reader(problem, offset, _, _):
            return "invalid YAML\(offset.map { " at byte \($0)" } ?? ""): \(problem)"
        case let .duplicatedKeysInMapping(duplicates, _):
            return "invalid YAML: duplicate keys \(duplicates.joined(separator: ", "))"
        default:
            return "invalid YAML: \(error)"
        }
    }

    static func jsonValue(_ any: Any, fileName: String) throws -> JSONValue {
        switch any {
        case is NSNull: return .null
        case let b as Bool: return .bool(b)
        case let i as Int: return .number(Double(i))
        case let d as Double: return .number(d)
        case let s as String: return .string(s)
        case let date as Date: return .string(ISO8601DateFormatter().string(from: date))
        case let list as [Any]: return .array(try list.map { try jsonValue($0, fileName: fileName) })
        case let map as [AnyHashable: Any]:
            var members: [String: JSONValue] = [:]
            for (key, value) in map {
                members[String(describing: key.base)] = try jsonValue(value, fileName: fileName)
            }
            return .object(members)
        case let map as [String: Any]:
            return .object(try map.mapValues { try jsonValue($0, fileName: fileName) })
        default:
            throw FerryError(.invalidInput, "\(fileName): unsupported YAML value \(String(describing: any))")
        }
    }
}
