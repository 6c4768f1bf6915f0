import FerryCore
import Foundation

/// One rule: a regex with named captures, `maxRetry` matches of the same captures within
/// `findTime` (fail2ban's defaults, 5 and 10m) fire it, then it rests for `cooldown` (default
/// `findTime`) for those captures. `params` become the job's parameters, `$name` or `${name}`
/// replaced by the capture; `action` overrides each target's action.
struct LogRule: Sendable {
    let name: String
    let pattern: String
    let captureNames: [String]
    let maxRetry: Int
    let findTime: TimeInterval
    let cooldown: TimeInterval
    let action: String?
    let params: [String: String]
    private let regex: BoundedRegex

    /// What one line gave: captures, nothing, or the regex ran out of its work budget.
    enum Match {
        case captures([String: String])
        case none
        case overBudget
    }

    init(_ value: JSONValue, index: Int) throws {
        let f = "config.rules.\(index)"
        guard let pattern = value["regex"]?.stringValue, !pattern.isEmpty else { throw FerryError.invalid("\(f).regex", "required") }
        regex = try BoundedRegex(pattern, field: "\(f).regex")
        self.pattern = pattern
        name = value["name"]?.stringValue ?? "rule\(index)"
        captureNames = Self.namedGroups(pattern)
        // `.inf` or 1e300 here used to trap in `Int(n)`; the window keeps that many dates, so
        // the range is what a window can hold.
        maxRetry = try value.integerIfPresent(at: "maxRetry", in: 1...100_000, prefix: "\(f).") ?? 5
        findTime = try LogScanConfig.seconds(value["findTime"], field: "\(f).findTime", default: 600)
        cooldown = try LogScanConfig.seconds(value["cooldown"], field: "\(f).cooldown", default: findTime)
        action = value["action"]?.stringValue
        params = (value["params"]?.objectValue ?? [:]).compactMapValues(\.stringValue)
        for (key, template) in params {
            for used in Self.references(in: template) where !captureNames.contains(used) {
                throw FerryError.invalid("\(f).params.\(key)", "$\(used) is not a named capture of the regex (it has: \(captureNames.joined(separator: ", ")))")
            }
        }
    }

    /// The named captures of a matching line, within the regex's work budget.
    func match(_ line: String, budget: Int = BoundedRegex.defaultBudget) -> Match {
        let m: NSTextCheckingResult
        switch regex.firstMatch(in: line, budget: budget) {
        case .match(let found): m = found
        case .noMatch: return .none
        case .overBudget: return .overBudget
        }
        var captures: [String: String] = [:]
        for name in captureNames {
            let r = m.range(withName: name)
            if r.location != NSNotFound, let swiftRange = Range(r, in: line) { captures[name] = String(line[swiftRange]) }
        }
        return .captures(captures)
    }

    /// What the window counts by: the captures, in name order (`package=lodash`).
    func key(_ captures: [String: String]) -> String {
        captureNames.map { "\($0)=\(captures[$0] ?? "")" }.joined(separator: ",")
    }

    func jobParams(_ captures: [String: String]) -> JSONValue {
        .object(params.mapValues { template in
            var out = template
            for name in captureNames.sorted(by: { $0.count > $1.count }) {
                out = out.replacingOccurrences(of: "${\(name)}", with: captures[name] ?? "")
                out = out.replacingOccurrences(of: "$\(name)", with: captures[name] ?? "")
            }
            return .string(out)
        })
    }

    private static func namedGroups(_ pattern: String) -> [String] {
        guard let finder = try? NSRegularExpression(pattern: "\\(\\?<([A-Za-z][A-Za-z0-9]*)>") else { return [] }
        return finder.matches(in: pattern, range: NSRange(pattern.startIndex..., in: pattern)).compactMap {
            Range($0.range(at: 1), in: pattern).map { String(pattern[$0]) }
        }
    }

    private static func references(in template: String) -> [String] {
        guard let finder = try? NSRegularExpression(pattern: "\\$\\{?([A-Za-z][A-Za-z0-9]*)") else { return [] }
        return finder.matches(in: template, range: NSRange(template.startIndex..., in: template)).compactMap {
            Range($0.range(at: 1), in: template).map { String(template[$0]) }
        }
    }
}
