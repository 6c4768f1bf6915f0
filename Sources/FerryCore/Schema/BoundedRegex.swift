import Foundation

/// A regular expression written by a user (a log-scan rule, a registry-poll tag policy), made
/// safe to run on text from outside. ICU backtracks, so `(a+)+$` on a line of `a`s takes
/// exponential time and even an innocent `[a-z]+@` is quadratic on a 64 KiB line: one log line
/// could hold a watcher for minutes. Two defences:
///
/// * at apply, patterns no step bound can save are refused with a field error: backreferences
///   (`\1`, `\k<name>`) and nested quantifiers (a repeated group that repeats inside, `(a+)+`,
///   `(\w*\s?)*`);
/// * every match runs under a work budget: ICU reports progress every ~10,000 steps, and the
///   match stops after `budget` reports, counting as no match (`.overBudget`), so the caller can
///   say so instead of hanging.
public struct BoundedRegex: @unchecked Sendable {
    /// Progress reports (each ~10,000 ICU steps, ~0.15 ms) one match may take by default.
    public static let defaultBudget = 100

    public enum Outcome {
        case match(NSTextCheckingResult)
        case noMatch
        /// The work budget ran out before the regex decided; treated as no match.
        case overBudget
    }

    public let pattern: String
    // NSRegularExpression is immutable and documented thread-safe; it is not marked Sendable.
    public let regex: NSRegularExpression

    public init(_ pattern: String, field: String) throws(FerryError) {
        if let problem = Self.unboundedConstruct(in: pattern) {
            throw .invalid(field, "\"\(pattern)\" \(problem), which can take exponential time on a hostile line; rewrite it without")
        }
        do { regex = try NSRegularExpression(pattern: pattern) } catch {
            throw .invalid(field, "\"\(pattern)\" is not a regular expression")
        }
        self.pattern = pattern
    }

    /// The first match in `text`, giving up after `budget` progress reports.
    public func firstMatch(in text: String, budget: Int = defaultBudget) -> Outcome {
        var found: NSTextCheckingResult?
        var reports = 0
        var gaveUp = false
        regex.enumerateMatches(in: text, options: [.reportProgress], range: NSRange(text.startIndex..., in: text)) { result, flags, stop in
            if let result {
                found = result
                stop.pointee = true
            } else if flags.contains(.progress) {
                reports += 1
                if reports > budget {
                    gaveUp = true
                    stop.pointee = true
                }
            }
        }
        if let found { return .match(found) }
        return gaveUp ? .overBudget : .noMatch
    }

    /// Whether `text` matches within the budget (over budget counts as no match).
    public func matches(_ text: String, budget: Int = defaultBudget) -> Bool {
        if case .match = firstMatch(in: text, budget: budget) { return true }
        return false
    }

    /// What makes `pattern` unboundable, or nil. A small scanner over ICU syntax: escapes,
    /// character classes and groups; a quantifier that repeats (`*`, `+`, `{n,}`, `{n,m}` with
    /// m > 1) applied to a group that itself contains one is a nested quantifier.
    static func unboundedConstruct(in pattern: String) -> String? {
        let chars = Array(pattern)
        // One entry per open group: does it contain a repeating quantifier?
        var groups: [Bool] = []
        // Whether the atom just closed is a group containing a repeating quantifier.
        var lastAtomRepeats = false
        var i = 0
        func markRepeat() {
            if !groups.isEmpty { groups[groups.count - 1] = true }
        }
        while i < chars.count {
            let c = chars[i]
            switch c {
            case "\\":
                guard i + 1 < chars.count else { return nil }
                let next = chars[i + 1]
                if next.isNumber, next != "0" { return "uses a backreference (\\\(next))" }
                if next == "k", i + 2 < chars.count, chars[i + 2] == "<" { return "uses a backreference (\\k<…>)" }
                if next == "Q" {
                    // Quoted literal text up to \E.
                    var j = i + 2
                    while j + 1 < chars.count, !(chars[j] == "\\" && chars[j + 1] == "E") { j += 1 }
                    i = j + 2
                } else {
                    i += 2
                }
                lastAtomRepeats = false
                continue
            case "[":
                i = skipClass(chars, from: i)
                lastAtomRepeats = false
                continue
            case "(":
                groups.append(false)
                lastAtomRepeats = false
            case ")":
                let inner = groups.popLast() ?? false
                if inner { markRepeat() }
                lastAtomRepeats = inner
            case "*", "+", "?", "{":
                var repeats = c == "*" || c == "+"
                if c == "{" {
                    guard let (end, upper) = braceQuantifier(chars, from: i) else {
                        lastAtomRepeats = false
                        i += 1
                        continue
                    }
                    repeats = upper.map { $0 > 1 } ?? true
                    i = end
                } else {
                    i += 1
                }
                // A lazy `?` or possessive `+` after a quantifier modifies it.
                if i < chars.count, chars[i] == "?" || chars[i] == "+" { i += 1 }
                if repeats {
                    if lastAtomRepeats { return "nests quantifiers (a repeated group that repeats inside)" }
                    markRepeat()
                }
                lastAtomRepeats = false
                continue
            default:
                lastAtomRepeats = false
            }
            i += 1
        }
        return nil
    }

    /// The index after a character class starting at `start` (`[`), nested classes included.
    private static func skipClass(_ chars: [Character], from start: Int) -> Int {
        var i = start + 1
        var depth = 1
        if i < chars.count, chars[i] == "^" { i += 1 }
        if i < chars.count, chars[i] == "]" { i += 1 }
        while i < chars.count, depth > 0 {
            switch chars[i] {
            case "\\": i += 1
            case "[": depth += 1
            case "]": depth -= 1
            default: break
            }
            i += 1
        }
        return i
    }

    /// `{n}`, `{n,}` or `{n,m}` at `start`: the index after it and the upper bound (nil when
    /// unbounded); nil when the brace is a literal.
    private static func braceQuantifier(_ chars: [Character], from start: Int) -> (Int, Int?)? {
        guard let close = chars[start...].firstIndex(of: "}") else { return nil }
        let body = String(chars[(start + 1)..<close])
        let parts = body.split(separator: ",", maxSplits: 1, omittingEmptySubsequences: false)
        guard let first = parts.first, !first.isEmpty, first.allSatisfy(\.isNumber) else { return nil }
        if parts.count == 1 { return (close + 1, Int(first) ?? Int.max) }
        if parts[1].isEmpty { return (close + 1, nil) }
        guard parts[1].allSatisfy(\.isNumber) else { return nil }
        return (close + 1, Int(parts[1]) ?? Int.max)
    }
}
