import Foundation

/// Whether a string is a Composer version constraint Composer's own parser accepts
/// (`>=1.0 <1.8.1`, `^2.0 || ~3.1.0`, `1.2.*`, `1.0 - 2.0`, `*`): an advisory whose
/// `affectedVersions` Composer could not parse would stop `composer audit` with an exception,
/// so Ferry checks each one before serving it.
enum VersionConstraint {
    static func isValid(_ text: String) -> Bool {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty, trimmed.count <= 1_000 else { return false }
        let alternatives = trimmed.replacingOccurrences(of: "||", with: "|").split(separator: "|", omittingEmptySubsequences: false)
        return alternatives.allSatisfy { isConjunction($0.trimmingCharacters(in: .whitespaces)) }
    }

    /// `a, b` or `a b` (both mean and), or a hyphen range `a - b`.
    private static func isConjunction(_ text: String) -> Bool {
        guard !text.isEmpty else { return false }
        let words = text.replacingOccurrences(of: ",", with: " ").split(separator: " ").map(String.init)
        if words.count == 3, words[1] == "-" { return isVersion(words[0]) && isVersion(words[2]) }
        var parts: [String] = []
        var pendingOperator: String?
        for word in words {
            // `>= 1.0` (operator and version apart) reads as one constraint, as Composer reads it.
            if operators.contains(word) { pendingOperator = word; continue }
            parts.append((pendingOperator ?? "") + word)
            pendingOperator = nil
        }
        return pendingOperator == nil && !parts.isEmpty && parts.allSatisfy(isSingle)
    }

    private static let operators = [">=", "<=", "<>", "!=", "==", ">", "<", "=", "~", "^"]

    private static func isSingle(_ raw: String) -> Bool {
        var text = raw
        if let at = text.firstIndex(of: "@") {
            guard ["stable", "rc", "beta", "alpha", "dev"].contains(text[text.index(after: at)...].lowercased()) else { return false }
            text = String(text[..<at])
        }
        if text.isEmpty { return raw.hasPrefix("@") }
        if ["*", "x", "X"].contains(text) { return true }
        for op in operators where text.hasPrefix(op) {
            return isVersion(String(text.dropFirst(op.count)))
        }
        if text.hasSuffix(".*") || text.hasSuffix(".x") || text.hasSuffix(".X") {
            return isVersion(String(text.dropLast(2)))
        }
        return isVersion(text)
    }

    private static func isVersion(_ text: String) -> Bool {
        guard !text.isEmpty else { return false }
        if text.hasPrefix("dev-") { return text.count > 4 }
        return (try? ComposerVersion.normalize(text)) != nil
    }
}
