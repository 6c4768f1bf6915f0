import Foundation

/// Which workloads a token or user may touch: comma-separated name patterns where `*` matches any
/// run of characters (`wp-*`, `site-a,site-b`). Names have no `/`, so the pattern stays flat.
public struct WorkloadScope: Sendable, Hashable, Codable, CustomStringConvertible {
    public let patterns: [String]

    public static let all = WorkloadScope(patterns: ["*"])

    public init(patterns: [String]) { self.patterns = patterns }

    /// Parses `--workloads`; an empty pattern is refused so a typo can't widen the scope to nothing.
    public init(parsing text: String, field: String = "workloads") throws {
        let parts = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        guard !parts.isEmpty, parts.allSatisfy({ !$0.isEmpty && $0.count <= 253 }) else {
            throw FerryError.invalid(field, "expected comma-separated workload name patterns such as wp-* or site-a,site-b")
        }
        for part in parts where part.contains(where: { !($0.isLetter || $0.isNumber || "-_.*".contains($0)) }) {
            throw FerryError.invalid(field, "\"\(part)\" may hold only letters, digits, - _ . and *")
        }
        patterns = parts
    }

    /// A scope as `description` wrote it (the store, JSON): trusted, so not checked again.
    public init(stored text: String) {
        patterns = text.split(separator: ",").map(String.init)
    }

    public var isAll: Bool { patterns.contains("*") }

    public func contains(_ workload: String) -> Bool {
        patterns.contains { StarPattern($0).matches(workload) }
    }

    public var description: String { patterns.joined(separator: ",") }

    public init(from decoder: any Decoder) throws {
        self.init(stored: try decoder.singleValueContainer().decode(String.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }
}
