import FerryCore
import Foundation

/// The configured advisories feed (`advisories.url`): a document in the advisories API's own
/// shape, `{"advisories": {"wp-plugin/x": [ … ]}}`, for packages no upstream API covers (WordPress
/// plugins). Read at each `update` into the `advisories` collection; a malformed entry is skipped
/// with a log line, and a feed that cannot be read keeps what was read before.
struct AdvisoryFeed {
    let url: String
    let context: any SourceContext

    static let maxBytes = 16 << 20

    func refresh(counts: inout [String: Int]) async throws {
        let document: JSONValue
        do {
            let response = try await context.http.fetch(FetchRequest(url: url, timeout: .seconds(60), maxBytes: Self.maxBytes))
            guard response.status == 200 else { throw FerryError(.unavailable, "the advisories feed answered HTTP \(response.status)") }
            document = try JSONValue(parsing: response.body)
        } catch let error where !(error is CancellationError) && !Task.isCancelled {
            let reason = (error as? FerryError)?.message ?? "the advisories feed is not JSON"
            context.log("warning: \(reason); keeping the advisories read before")
            counts["advisoriesFailed"] = 1
            return
        }
        guard case .object(let packages)? = document["advisories"] else {
            context.log("warning: the advisories feed has no \"advisories\" object; keeping the advisories read before")
            counts["advisoriesFailed"] = 1
            return
        }
        var writes: [RecordWrite] = []
        var stored = 0, skipped = 0
        for (package, list) in packages.sorted(by: { $0.key < $1.key }) {
            guard PackageName.isValid(package) else {
                context.log("advisories: skipped \"\(package.prefix(100))\": not a Composer package name")
                skipped += 1
                continue
            }
            var good: [JSONValue] = []
            for entry in list.arrayValue ?? [] {
                switch SecurityAdvisory.checked(entry, package: package) {
                case .success(let advisory): good.append(advisory)
                case .failure(let skip):
                    context.log("advisories: skipped one for \(package): \(skip.reason)")
                    skipped += 1
                }
            }
            if !good.isEmpty { writes.append(try RecordWrite(key: package, value: JSONValue.array(good))) }
            stored += good.count
        }
        let kept = Set(writes.map(\.key))
        let stale = try context.records.all(SecurityAdvisory.collection).map(\.key).filter { !kept.contains($0) }
        try context.records.put(SecurityAdvisory.collection, writes)
        try context.records.delete(SecurityAdvisory.collection, keys: stale)
        context.log("advisories: \(stored) for \(writes.count) packages" + (skipped > 0 ? ", \(skipped) skipped" : ""))
        counts["advisories"] = stored
        counts["advisoriesSkipped"] = skipped
    }
}
