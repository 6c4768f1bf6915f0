import FerryCore
import Foundation
import PluginTestKit
import Testing
@testable import ComposerRepoSource

/// Composer's notify-batch: deduplicated per client, package, version and hour, then counted.
@Suite(.offPool) struct TelemetryTests {
    let body = Array(#"{"downloads":[{"name":"acme/lib","version":"1.0.0.0"},{"name":"acme/lib","version":"1.0.0.0"},{"name":"other/unknown","version":"1.0.0.0"}]}"#.utf8)
    let now = Date(timeIntervalSince1970: 1_763_900_000)

    @Test func repeatsFromOneClientInOneHourCountOnce() throws {
        let records = MemoryRecords()
        let telemetry = Telemetry(records: records)
        let known: (String) -> Bool = { $0 == "acme/lib" }
        #expect(try telemetry.record(body: body, client: "10.0.0.1|Composer/2.5", now: now, isKnown: known) == 1)
        #expect(try telemetry.record(body: body, client: "10.0.0.1|Composer/2.5", now: now.addingTimeInterval(60), isKnown: known) == 0)
        #expect(try telemetry.record(body: body, client: "10.0.0.2|Composer/2.5", now: now, isKnown: known) == 1)
        #expect(try telemetry.record(body: body, client: "10.0.0.1|Composer/2.5", now: now.addingTimeInterval(3600), isKnown: known) == 1)
        #expect(try records.count(RecordQuery(collection: Telemetry.collection)) == 3)
    }

    @Test func aggregationCountsTotalAndTheLast30Days() throws {
        let records = MemoryRecords()
        try records.put(PackageSummary.collection, RecordWrite(
            key: "acme/lib", value: PackageSummary(name: "acme/lib", type: "library", upstream: .vcs, origin: "file:///x"), label: "library", stamp: 7))
        let telemetry = Telemetry(records: records)
        _ = try telemetry.record(body: body, client: "a", now: now.addingTimeInterval(-40 * 86_400)) { _ in true }
        _ = try telemetry.record(body: body, client: "b", now: now) { _ in true }
        let details = try telemetry.aggregate(now: now) { _, _ in }
        #expect(details["updated"] == .number(1))
        let summary = try #require(try records.get(PackageSummary.collection, key: "acme/lib"))
        let decoded = try summary.decode(PackageSummary.self)
        #expect(decoded.installsTotal == 2)
        #expect(decoded.installs30d == 1)
        #expect(summary.stamp == 7, "install counts must not move the package into a newer sync snapshot")
    }

    /// Retention folds old raw rows into day counts; what aggregation reports must not change.
    @Test func foldingOldRowsKeepsTotalsAndTheLast30DaysExact() throws {
        let records = MemoryRecords()
        try records.put(PackageSummary.collection, RecordWrite(
            key: "acme/lib", value: PackageSummary(name: "acme/lib", type: "library", upstream: .vcs, origin: "file:///x"), label: "library", stamp: 7))
        let telemetry = Telemetry(records: records)
        for (client, daysAgo) in [("a", 500.0), ("b", 500), ("c", 420), ("d", 40), ("e", 1)] {
            _ = try telemetry.record(body: body, client: client, now: now.addingTimeInterval(-daysAgo * 86_400)) { $0 == "acme/lib" }
        }
        func installs() throws -> (Int, Int) {
            _ = try telemetry.aggregate(now: now) { _, _ in }
            let s = try #require(try records.value(PackageSummary.self, in: PackageSummary.collection, key: "acme/lib"))
            return (s.installsTotal, s.installs30d)
        }
        let before = try installs()
        #expect(before == (5, 1))

        #expect(try telemetry.fold(before: now.addingTimeInterval(-400 * 86_400)) == 3)
        #expect(try records.count(RecordQuery(collection: Telemetry.collection)) == 2)
        #expect(try records.count(RecordQuery(collection: Telemetry.byDay)) == 2)
        #expect(try installs() == before)
        // Folding again finds nothing more; folding everything still keeps the counts.
        #expect(try telemetry.fold(before: now.addingTimeInterval(-400 * 86_400)) == 0)
        #expect(try telemetry.fold(before: now.addingTimeInterval(86_400 * 2)) == 2)
        #expect(try installs() == before)
    }

    @Test(arguments: ["not json", #"{"downloads": "x"}"#, #"{"downloads": [{"name": 1}]}"#])
    func malformedBatchesAreRefusedNamingTheField(_ text: String) {
        #expect(throws: FerryError.self) { try Telemetry(records: MemoryRecords()).record(body: Array(text.utf8), client: "a") { _ in true } }
    }

    @Test func installsPerDayCountRawAndFoldedRowsAndDrawOneBarADay() throws {
        let records = MemoryRecords()
        let telemetry = Telemetry(records: records)
        let known: (String) -> Bool = { $0 == "acme/lib" }
        _ = try telemetry.record(body: body, client: "a", now: now, isKnown: known)
        _ = try telemetry.record(body: body, client: "a", now: now.addingTimeInterval(-86_400), isKnown: known)
        _ = try telemetry.record(body: body, client: "b", now: now.addingTimeInterval(-86_400), isKnown: known)
        _ = try telemetry.record(body: body, client: "a", now: now.addingTimeInterval(-10 * 86_400), isKnown: known)
        _ = try telemetry.record(body: body, client: "a", now: now.addingTimeInterval(-40 * 86_400), isKnown: known)
        #expect(try telemetry.fold(before: now.addingTimeInterval(-5 * 86_400)) == 2, "the 10- and 40-day-old rows are folded")

        let days = try telemetry.installsPerDay("acme/lib", now: now)
        #expect(days.count == 30)
        #expect(days[29] == 1 && days[28] == 2 && days[19] == 1, "\(days)")
        #expect(days.reduce(0, +) == 4, "the 40-day-old install is outside the chart")
        #expect(try telemetry.installsPerDay("other/unknown", now: now).allSatisfy { $0 == 0 })

        let svg = InstallChart(counts: days, today: now).svg
        #expect(svg.components(separatedBy: "<rect").count - 1 == 30)
        #expect(svg.contains("data-count=\"2\"") && svg.contains("aria-label=\"Installs per day over the last 30 days: 4 in all\""))
        #expect(!svg.contains("<script") && !svg.contains(" on"))
    }
}
