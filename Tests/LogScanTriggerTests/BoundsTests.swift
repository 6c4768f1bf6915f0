import FerryCore
import FerryTestSupport
import Foundation
import Testing
@testable import LogScanTrigger

/// Hostile config and hostile lines: field errors at apply, bounded work and memory when running.
@Suite struct BoundsTests {
    func config(rule: JSONValue, extra: [String: JSONValue] = [:]) -> JSONValue {
        .object(["file": .string("/var/log/x.log"), "rules": .array([rule])].merging(extra) { $1 })
    }

    func fieldError(_ config: JSONValue) -> String? {
        do { _ = try LogScanConfig(config); return nil } catch let error as FerryError { return error.field } catch { return "\(error)" }
    }

    @Test(arguments: [Double.infinity, 1e300, .nan, 2.5, 0])
    func maxRetryOutsideTheRangeIsAFieldErrorNotATrap(value: Double) {
        #expect(fieldError(config(rule: .object(["regex": .string("x"), "maxRetry": .number(value)]))) == "config.rules.0.maxRetry")
    }

    @Test(arguments: ["^(a+)+$", "(\\w*\\s?)*x", "((ab)*c)+", "(a{2,})*", "(x)\\1", "(?<p>a)\\k<p>"])
    func patternsNoBudgetCanSaveAreRefusedAtApply(pattern: String) {
        #expect(fieldError(config(rule: .object(["regex": .string(pattern)]))) == "config.rules.0.regex")
    }

    @Test(arguments: ["(?<package>[a-z-]+)@(?<version>\\S+) not found", "(ab)+c", "(a+)?b", "[(+*]+", "a{2}(b|c)+"])
    func ordinaryPatternsAreAccepted(pattern: String) {
        #expect(fieldError(config(rule: .object(["regex": .string(pattern)]))) == nil)
    }

    /// `[a-z-]+@` is quadratic on a 64 KiB line of letters (~2·10⁹ ICU steps, over 10 s unbounded):
    /// under the budget the rule gives up and says so, and the next line still matches.
    @Test func aCatastrophicLineRunsOutOfBudgetAndTheNextLineStillMatches() throws {
        let rule = try LogRule(.object(["regex": .string("(?<package>[a-z-]+)@(?<version>\\S+) not found")]), index: 0)
        let hostile = String(repeating: "x", count: 64 << 10)
        guard case .overBudget = rule.match(hostile) else {
            Issue.record("the 64 KiB line should exhaust the budget")
            return
        }
        guard case .captures(let captures) = rule.match("lodash@4.17.21 not found") else {
            Issue.record("an ordinary line should match")
            return
        }
        #expect(captures == ["package": "lodash", "version": "4.17.21"])
    }

    @Test func anOverLongLineIsCutAndSaidSoWithoutHoldingTheRest() throws {
        let dir = try TempDir()
        let log = dir.url.appendingPathComponent("app.log")
        let follower = FileFollower(path: log.path, cursor: nil, chunk: 1000, maxLineLength: 300)
        _ = FileManager.default.createFile(atPath: log.path, contents: Data((String(repeating: "y", count: 10_000) + "\nshort\n").utf8))
        var lines: [String] = []
        var notes: [String] = []
        for _ in 0..<20 {
            lines += follower.readLines()
            notes += follower.notes
        }
        #expect(lines == [String(repeating: "y", count: 300), "short"])
        #expect(notes.contains { $0.contains("cut 1 line(s) longer than maxLineLength 300") })
        #expect(follower.cursor?.offset == 10_007, "the cursor still counts the whole line")
    }

    @Test func lineLengthAndBudgetAreCheckedConfigKeys() {
        #expect(fieldError(config(rule: .object(["regex": .string("x")]), extra: ["maxLineLength": .number(.infinity)])) == "config.maxLineLength")
        #expect(fieldError(config(rule: .object(["regex": .string("x")]), extra: ["matchBudget": .number(-1)])) == "config.matchBudget")
    }
}
