import FerryCore
import Foundation

/// Composer's advisories API at `security-advisories`: `composer audit` posts the installed names
/// as a form (`packages[]=a&packages[]=b`, or `packages[0]=…` as PHP's http_build_query writes
/// it; `GET ?packages[]=` works too) and gets `{"advisories": {name: [advisory…]}}`, Packagist's
/// shape. Names a `proxy` entry offers are also asked of that upstream's advisories API.
/// `updatedSince` (unix seconds) keeps only advisories reported since then.
struct AdvisoryAPI {
    let records: any RecordStore
    /// Nil when the workload proxies nothing.
    var proxy: ProxySurface?

    static let maxPackages = 5_000

    func answer(form: String) async -> SurfaceResponse {
        let fields = Query.pairs(form)
        let names = Set(fields.filter { $0.key == "packages[]" || $0.key.hasPrefix("packages[") }.map(\.value)).filter(PackageName.isValid).sorted()
        guard names.count <= Self.maxPackages else {
            return SurfaceResponse.json(413, ["error": .string("at most \(Self.maxPackages) packages per request")])
        }
        let since = fields.first { $0.key == "updatedSince" }.flatMap { TimeInterval($0.value) }.map { Date(timeIntervalSince1970: $0) }
        var found = ProxyAdvisories.Answer(advisories: local(names))
        if let proxy { found.merge(await proxy.advisories(for: names)) }
        if !found.failed.isEmpty { return SurfaceResponse.json(502, ["error": .string(found.failed.joined(separator: "; "))]) }
        var kept: [String: JSONValue] = [:]
        for (name, list) in found.advisories {
            let recent = list.filter { advisory in
                guard let since else { return true }
                return advisory["reportedAt"]?.stringValue.flatMap(SecurityAdvisory.date).map { $0 >= since } ?? true
            }
            if !recent.isEmpty { kept[name] = .array(recent) }
        }
        var response = SurfaceResponse.json(200, ["advisories": .object(kept)])
        if !found.stale.isEmpty { response.headers["x-ferry-stale"] = ProxySurface.headerSafe(found.stale.joined(separator: "; ")) }
        return response
    }

    /// The advisories read from the configured feed (`advisories.url`).
    private func local(_ names: [String]) -> [String: [JSONValue]] {
        var found: [String: [JSONValue]] = [:]
        for name in names {
            guard let stored = try? records.get(SecurityAdvisory.collection, key: name),
                  let list = (try? stored.decode(JSONValue.self))?.arrayValue
            else { continue }
            found[name] = list
        }
        return found
    }
}
