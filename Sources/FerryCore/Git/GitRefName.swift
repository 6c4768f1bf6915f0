import Foundation

/// Branch names that reach a git command line from config or a webhook.
///
/// A subset of `git check-ref-format`, strict enough that a name can never be read as an option
/// (`--upload-pack=…`, `-x`) or as a revision expression (`main^`, `@{-1}`, `a..b`).
public enum GitRefName {
    /// Throws a field error naming `field` when `branch` is not a plain branch name.
    public static func checkBranch(_ branch: String, field: String) throws(FerryError) {
        let forbidden = CharacterSet(charactersIn: " ~^:?*[\\").union(.controlCharacters).union(.whitespacesAndNewlines)
        let problem: String? =
            if branch.isEmpty { "must not be empty" }
            else if branch.hasPrefix("-") || branch.hasPrefix("/") || branch.hasSuffix("/") || branch.hasSuffix(".") { "must not start with \"-\" or \"/\" or end with \"/\" or \".\"" }
            else if branch.contains("..") || branch.contains("//") || branch.contains("@{") { "must not contain \"..\", \"//\" or \"@{\"" }
            else if branch.unicodeScalars.contains(where: forbidden.contains) { "must not contain spaces or any of ~^:?*[\\" }
            else if branch.hasSuffix(".lock") { "must not end with \".lock\"" }
            else { nil }
        if let problem {
            throw FerryError(.invalidInput, "\(field): \"\(branch.prefix(100))\" is not a valid branch name: \(problem)", field: field)
        }
    }

    /// Whether `value` is a commit id as git prints it: 7 to 64 lower-case hex digits.
    public static func isCommit(_ value: String) -> Bool {
        (7...64).contains(value.utf8.count) && value.utf8.allSatisfy { (48...57).contains($0) || (97...102).contains($0) }
    }

    /// Whether `value` names a whole object id (sha1 or sha256) rather than an abbreviation.
    public static func isFullCommit(_ value: String) -> Bool {
        isCommit(value) && (value.utf8.count == 40 || value.utf8.count == 64)
    }
}
