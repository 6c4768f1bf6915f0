import FerryCore
import Foundation

/// Composer's advisories API at `security-advisories`: `composer audit` posts the installed names
/// as a form (`packages[]=a&packages[]=b`, or `packages[0]=…` as PHP's http_build_query writes
/// it; `GET ?packages[]=` works too) and gets `{"advisories": {name: [advisory…]}}`, Packagist's
/// shape. `updatedSince` (unix seconds) keeps only advisories reported since then.
struct AdvisoryAPI {
    let records: any RecordStore

    static let maxPackages = 5_000

    func answer(form: String) -> SurfaceResponse {
        let fields = Query.pairs(form)
        let names = Set(fields.filter { $0.key == "packages[]" || $0.key.hasPrefix("packages[") }.map(\.value)).filter(PackageName.isValid)
        guard names.count <= Self.maxPackages else {
            return SurfaceResponse.json(413, ["error": .string("at most \(Self.maxPackages) packages per request")])
        }
        let since = fields.first { $0.key == "updatedSince" }.flatMap { TimeInterval($0.value) }.map { Date(timeIntervalSince1970: $0) }
        var found: [String: JSONValue] = [:]
        for name in names.sorted() {
            guard let stored = try? records.get(SecurityAdvisory.collection, key: name),
                  let list = (try? stored.decode(JSONValue.self))?.arrayValue
            else { continue }
            let kept = list.filter { advisory in
                guard let since else { return true }
                return advisory["reportedAt"]?.stringValue.flatMap(SecurityAdvisory.date).map { $0 >= since } ?? true
            }
            if !kept.isEmpty { found[name] = .array(kept) }
        }
        return SurfaceResponse.json(200, ["advisories": .object(found)])
    }
}
