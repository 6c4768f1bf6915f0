import Crypto
import FerryCore
import Foundation

/// Install telemetry: Composer's notify-batch POST, stored deduplicated per client, package and
/// version per hour, and `aggregate-installs`, which turns those rows into each package's total
/// and last-30-days installs. Raw rows past the retention age are folded into one count per
/// package and day (`downloads-by-day`), so totals survive while the raw table stays bounded.
struct Telemetry {
    let records: any RecordStore
    static let collection = "downloads"
    static let byDay = "downloads-by-day"

    /// Installs of one package on one UTC day, folded from raw rows.
    struct DayCount: Codable {
        var name: String
        var day: Int64
        var count: Int
        var lastHour: Int64
    }

    struct Download: Codable {
        var name: String
        var version: String
        var hour: Int64
    }

    /// Stores one notify-batch body; returns how many rows were new. Only packages the live build
    /// serves count, so a stray POST cannot invent packages.
    func record(body: [UInt8], client: String, now: Date = Date(), isKnown: (String) -> Bool) throws -> Int {
        guard let json = JSONText.parse(body), case .array(let items)? = json["downloads"] else {
            throw FerryError.invalid("downloads", "expected {\"downloads\": [{\"name\": …, \"version\": …}]}")
        }
        guard items.count <= 1000 else { throw FerryError.invalid("downloads", "at most 1000 downloads per batch") }
        let hour = Int64(now.timeIntervalSince1970) / 3600 * 3600
        let clientID = Hex.string(SHA256.hash(data: Data(client.utf8)).prefix(8))
        var writes: [String: RecordWrite] = [:]
        for (i, item) in items.enumerated() {
            guard let name = item["name"]?.stringValue?.lowercased(), let version = item["version"]?.stringValue, version.count < 200 else {
                throw FerryError.invalid("downloads[\(i)]", "expected an object with string \"name\" and \"version\"")
            }
            guard isKnown(name) else { continue }
            let key = "\(hour)|\(name)|\(version)|\(clientID)"
            writes[key] = try RecordWrite(key: key, value: Download(name: name, version: version, hour: hour), label: name, stamp: hour)
        }
        let fresh = try writes.values.filter { try records.get(Self.collection, key: $0.key) == nil }
        try records.put(Self.collection, fresh)
        return fresh.count
    }

    /// Recomputes installs total and last-30-days for every package; returns the details.
    func aggregate(now: Date = Date(), progress: (Double, String) -> Void) throws -> JSONValue {
        let cutoff = Int64(now.timeIntervalSince1970) - 30 * 86_400
        var total: [String: Int] = [:], recent: [String: Int] = [:], last: [String: Int64] = [:]
        var offset = 0, rows = 0
        while true {
            let page = try records.list(RecordQuery(collection: Self.collection, limit: 5000, offset: offset))
            if page.isEmpty { break }
            offset += page.count
            for row in page {
                guard let name = row.label else { continue }
                rows += 1
                total[name, default: 0] += 1
                if row.stamp >= cutoff { recent[name, default: 0] += 1 }
                last[name] = max(last[name] ?? 0, row.stamp)
            }
        }
        for row in try records.all(Self.byDay) {
            guard let day = try? row.decode(DayCount.self) else { continue }
            total[day.name, default: 0] += day.count
            if day.day + 86_400 > cutoff { recent[day.name, default: 0] += day.count }
            last[day.name] = max(last[day.name] ?? 0, day.lastHour)
        }
        progress(0.5, "\(rows) download rows counted")
        var writes: [RecordWrite] = []
        for record in try records.all(PackageSummary.collection) {
            guard var s = try? record.decode(PackageSummary.self) else { continue }
            let t = total[s.name] ?? 0, r = recent[s.name] ?? 0
            let l = last[s.name].map { Date(timeIntervalSince1970: TimeInterval($0)) }
            guard t != s.installsTotal || r != s.installs30d || l != s.lastInstalledAt else { continue }
            s.installsTotal = t
            s.installs30d = r
            s.lastInstalledAt = l
            // Install counts do not change what is published, so the summary keeps its stamp.
            writes.append(try RecordWrite(key: s.name, value: s, label: s.type, stamp: record.stamp))
        }
        try records.put(PackageSummary.collection, writes)
        try records.put(PackageSync.cursors, RecordWrite(key: "installs:aggregated", value: ["at": now], stamp: Int64(now.timeIntervalSince1970)))
        return .object([
            "rows": .number(Double(rows)), "packages": .number(Double(total.count)), "updated": .number(Double(writes.count)),
            "installs": .number(Double(total.values.reduce(0, +))),
        ])
    }

    /// Folds raw rows of whole days before `cutoff` into per-package day counts, one day per
    /// transaction; returns how many raw rows went. A day's raw rows and its counts change
    /// together, so a crash can neither lose installs nor count them twice.
    func fold(before cutoff: Date) throws -> Int {
        let lastDay = Int64(cutoff.timeIntervalSince1970) / 86_400 * 86_400 - 86_400
        var removed = 0
        // Newest day first: each pass removes that day's rows, so the loop ends.
        while let newest = try records.list(RecordQuery(collection: Self.collection, maxStamp: lastDay + 86_399, order: .stampDescending, limit: 1)).first {
            let day = newest.stamp / 86_400 * 86_400
            let rows = try records.list(RecordQuery(collection: Self.collection, maxStamp: day + 86_399, minStamp: day))
            var counts: [String: DayCount] = [:]
            for row in rows {
                guard let name = row.label else { continue }
                counts[name, default: DayCount(name: name, day: day, count: 0, lastHour: 0)].count += 1
                counts[name]!.lastHour = max(counts[name]!.lastHour, row.stamp)
            }
            var writes: [RecordWrite] = []
            for (name, fresh) in counts {
                var merged = fresh
                if let earlier = try records.value(DayCount.self, in: Self.byDay, key: "\(name)|\(day)") {
                    merged.count += earlier.count
                    merged.lastHour = max(merged.lastHour, earlier.lastHour)
                }
                writes.append(try RecordWrite(key: "\(name)|\(day)", value: merged, label: name, stamp: day))
            }
            try records.fold(writes, into: Self.byDay, deleting: rows.map(\.key), from: Self.collection)
            removed += rows.count
        }
        return removed
    }

    /// Installs of one package per UTC day over the last `days` days, oldest first, today last:
    /// raw rows not folded yet plus folded day counts. Reads only that package's rows (by label).
    func installsPerDay(_ name: String, days: Int = 30, now: Date = Date()) throws -> [Int] {
        let today = Int64(now.timeIntervalSince1970) / 86_400 * 86_400
        let first = today - Int64(days - 1) * 86_400
        var counts = [Int](repeating: 0, count: days)
        func add(_ day: Int64, _ n: Int) {
            let index = Int((day - first) / 86_400)
            if (0..<days).contains(index) { counts[index] += n }
        }
        for row in try records.list(RecordQuery(collection: Self.collection, label: name, minStamp: first)) {
            add(row.stamp / 86_400 * 86_400, 1)
        }
        for row in try records.list(RecordQuery(collection: Self.byDay, label: name, minStamp: first)) {
            if let day = try? row.decode(DayCount.self) { add(day.day, day.count) }
        }
        return counts
    }
}
