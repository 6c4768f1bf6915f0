import FerryCore
import Foundation
import Testing
@testable import LogScanTrigger

/// The threshold: `maxRetry` matches within `findTime` fire once, then the rule rests.
@Suite struct MatchWindowTests {
    let t0 = Date(timeIntervalSince1970: 1_790_000_000)

    func rule(maxRetry: Int = 3, findTime: String = "10m", cooldown: String? = nil) throws -> LogRule {
        var o: [String: JSONValue] = ["regex": .string("x"), "maxRetry": .number(Double(maxRetry)), "findTime": .string(findTime)]
        if let cooldown { o["cooldown"] = .string(cooldown) }
        return try LogRule(.object(o), index: 0)
    }

    @Test func firesAtMaxRetryWithinFindTime() throws {
        let r = try rule()
        var w = MatchWindow()
        #expect(w.add(t0, now: t0, rule: r) == .counted(1))
        #expect(w.add(t0 + 60, now: t0 + 60, rule: r) == .counted(2))
        #expect(w.add(t0 + 120, now: t0 + 120, rule: r) == .fire(count: 3))
        #expect(w.matches.isEmpty)
    }

    @Test func matchesOlderThanFindTimeDoNotCount() throws {
        let r = try rule()
        var w = MatchWindow()
        _ = w.add(t0, now: t0, rule: r)
        _ = w.add(t0 + 60, now: t0 + 60, rule: r)
        #expect(w.add(t0 + 601, now: t0 + 601, rule: r) == .counted(2), "the first match left the 10 minute window")
        #expect(w.add(t0 - 3600, now: t0 + 602, rule: r) == .counted(2), "a line stamped an hour ago does not count")
    }

    @Test func restsForTheCooldownThenFiresAgain() throws {
        let r = try rule(maxRetry: 2, findTime: "10m", cooldown: "30m")
        var w = MatchWindow()
        _ = w.add(t0, now: t0, rule: r)
        #expect(w.add(t0 + 1, now: t0 + 1, rule: r) == .fire(count: 2))
        _ = w.add(t0 + 60, now: t0 + 60, rule: r)
        #expect(w.add(t0 + 61, now: t0 + 61, rule: r) == .coolingDown(until: t0 + 1 + 1800))
        _ = w.add(t0 + 1900, now: t0 + 1900, rule: r)
        #expect(w.add(t0 + 1901, now: t0 + 1901, rule: r) == .fire(count: 2))
    }

    @Test func defaultsAreFail2bans() throws {
        let r = try LogRule(.object(["regex": .string("x")]), index: 0)
        #expect(r.maxRetry == 5 && r.findTime == 600 && r.cooldown == 600)
    }

    @Test func paramsMayOnlyNameCaptures() {
        #expect(throws: FerryError.self) {
            try LogRule(.object(["regex": .string("(?<package>\\S+)"), "params": .object(["package": .string("$pkg")])]), index: 2)
        }
        #expect(throws: FerryError.self) { try LogRule(.object(["regex": .string("([")]), index: 0) }
    }
}
