/// Composer's rule for a package name: lower-case `vendor/name`, parts of letters and digits
/// joined by single `.`, `_` or `-` (two dashes allowed in the name). Names from outside (a
/// composer.json, an advisories feed, a request) are checked with it before they are used as
/// record keys or file names.
enum PackageName {
    static func isValid(_ name: String) -> Bool {
        name.count <= 200 && name.wholeMatch(of: /[a-z0-9]([_.-]?[a-z0-9]+)*\/[a-z0-9](([_.]|-{1,2})?[a-z0-9]+)*/) != nil
    }
}
