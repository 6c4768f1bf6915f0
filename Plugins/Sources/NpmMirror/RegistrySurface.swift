import FerryCore
import Foundation

/// The npm registry API under `/npm/{workload}/`, answered straight from the storage volume
/// (Verdaccio's layout; Verdaccio too reads `package.json` per request): packuments in full or
/// abbreviated ("corgi") form, single versions, tarballs, `-/ping` and a small `-/v1/search`.
/// `dist.tarball` points back at this mount. Versions whose tarball is not in the storage are
/// left out (and `latest` moved to the newest one present) unless `serveMissing` is set, since
/// a listed but missing version breaks installs offline.
struct RegistrySurface {
    let layout: StorageLayout
    let config: NpmMirrorConfig
    let context: any SurfaceContext

    static let corgi = "application/vnd.npm.install-v1+json"

    func serve(_ request: SurfaceRequest) -> SurfaceResponse {
        let path = request.path.removingPercentEncoding ?? request.path
        // `npm audit` posts what is installed (gzipped). The answer comes from the advisories a
        // refresh collected online and the diffs carried over; without any, it is "nothing
        // known", so npm reports found 0 instead of failing every audit in an air-gapped CI.
        if request.method == "POST", path == "-/npm/v1/security/advisories/bulk" { return advisories(request) }
        if request.method == "POST", path == "-/npm/v1/security/audits/quick" {
            return json(200, ["actions": .array([]), "advisories": .object([:]), "muted": .array([]),
                              "metadata": .object(["vulnerabilities": .object(["info": .number(0), "low": .number(0), "moderate": .number(0), "high": .number(0), "critical": .number(0)])])])
        }
        guard request.method == "GET" || request.method == "HEAD" else { return json(405, ["error": .string("the mirror is read-only")]) }
        switch path {
        case "-/ping": return json(200, [:])
        case "-/v1/search": return search(request.query)
        case "", "-/whoami": return json(path.isEmpty ? 200 : 401, ["db_name": .string("ferry npm mirror"), "mirror": .string(context.workload.name)])
        default: break
        }
        if let split = path.range(of: "/-/") {
            return tarball(name: String(path[..<split.lowerBound]), file: String(path[split.upperBound...]), request)
        }
        if StorageLayout.isValidName(path) { return packument(path, request) }
        // `GET /<name>/<version-or-tag>`, as `npm view name@1.2.3` asks.
        if let slash = path.lastIndex(of: "/"), StorageLayout.isValidName(String(path[..<slash])) {
            return version(String(path[..<slash]), String(path[path.index(after: slash)...]), request)
        }
        return notFound("no package at \(request.path)")
    }

    /// The absolute mount URL: the configured public base, or the Host the client used when that
    /// differs (tests and port-forwards reach Ferry under another address).
    func base(_ request: SurfaceRequest) -> String {
        guard let host = request.headers["host"], !host.isEmpty,
              let configured = URLComponents(string: context.publicBase), configured.percentEncodedHost.map({ h in
                  configured.port.map { "\(h):\($0)" } ?? h
              }) != host
        else { return context.publicBase }
        let scheme = request.headers["x-forwarded-proto"] ?? "http"
        return "\(scheme)://\(host)\(request.base)"
    }

    private func served(_ name: String) -> Packument? {
        guard var packument = try? Packument.load(layout.packumentFile(name)) else { return nil }
        var versions = packument.versions
        if !config.serveMissing {
            versions = versions.filter { v, _ in
                packument.dist(v).map { FileManager.default.fileExists(atPath: layout.tarballFile(name, fileName: $0.fileName).path) } ?? false
            }
        }
        packument.versions = versions
        var tags = packument.distTags.filter { versions[$0.value] != nil }
        if tags["latest"] == nil {
            let parsed = versions.keys.compactMap { k in SemverVersion(k).map { ($0, k) } }
            let pick = parsed.filter { !$0.0.isPrerelease }.max { $0.0 < $1.0 } ?? parsed.max { $0.0 < $1.0 }
            if let pick { tags["latest"] = pick.1 }
        }
        packument.distTags = tags
        for key in ["_uplinks", "_distfiles", "_attachments", "_rev"] { packument.fields[key] = nil }
        packument.fields["_id"] = .string(name)
        return packument
    }

    private func rewrite(_ doc: JSONValue, name: String, base: String) -> JSONValue {
        guard case .object(var fields) = doc, case .object(var dist)? = fields["dist"], let url = dist["tarball"]?.stringValue,
              let file = StorageLayout.tarballFileName(url)
        else { return doc }
        dist["tarball"] = .string("\(base)/\(name)/-/\(file)")
        fields["dist"] = .object(dist)
        return .object(fields)
    }

    /// From `StorageAnswerCache` while the package is unchanged on disk, else made and kept; 304
    /// when the client's `If-None-Match` names the answer's ETag.
    private func packument(_ name: String, _ request: SurfaceRequest) -> SurfaceResponse {
        guard let file = StorageAnswerCache.identity(of: layout.packumentFile(name)),
              let folder = StorageAnswerCache.identity(of: layout.packageDirectory(name))
        else { return notFound("\(name) is not in this mirror") }
        let validator = [file, folder]
        let abbreviated = request.headers["accept"]?.contains(Self.corgi) == true
        let base = base(request)
        let key = [layout.root.path, name, abbreviated ? "corgi" : "full", base, config.serveMissing ? "all" : "present"].joined(separator: "\n")
        let answer: StorageAnswerCache.Answer
        if let kept = StorageAnswerCache.shared.answer(key, validator: validator) {
            answer = kept
        } else {
            guard let made = render(name, abbreviated: abbreviated, base: base) else { return notFound("\(name) is not in this mirror") }
            answer = StorageAnswerCache.shared.keep(key, validator: validator, bytes: made.bytes, contentType: made.contentType)
        }
        if request.matches(etag: answer.etag) { return SurfaceResponse(status: 304, headers: ["etag": answer.etag], cacheable: true, madeFrom: validator) }
        return SurfaceResponse(
            status: 200, headers: ["content-type": answer.contentType, "etag": answer.etag], body: .bytes(answer.bytes), cacheable: true, madeFrom: validator)
    }

    private func render(_ name: String, abbreviated: Bool, base: String) -> (bytes: [UInt8], contentType: String)? {
        guard let packument = served(name) else { return nil }
        let versions = packument.versions.mapValues { rewrite($0, name: name, base: base) }
        if abbreviated {
            let keep: Set<String> = [
                "name", "version", "dist", "dependencies", "optionalDependencies", "peerDependencies", "peerDependenciesMeta",
                "bundleDependencies", "bundledDependencies", "bin", "engines", "os", "cpu", "deprecated", "directories", "funding",
                "_hasShrinkwrap", "hasInstallScript", "acceptDependencies", "devDependencies",
            ]
            let short = versions.mapValues { doc in JSONValue.object((doc.objectValue ?? [:]).filter { keep.contains($0.key) }) }
            let modified = packument.fields["time"]?["modified"] ?? .string(ISO8601DateFormatter().string(from: Date()))
            let fields: [String: JSONValue] = [
                "name": .string(name), "modified": modified, "dist-tags": packument.fields["dist-tags"] ?? .object([:]), "versions": .object(short),
            ]
            return (Array(JSONText.data(.object(fields), indent: false)), Self.corgi)
        }
        var fields = packument.fields
        fields["versions"] = .object(versions)
        return (Array(JSONText.data(.object(fields), indent: false)), "application/json")
    }

    private func version(_ name: String, _ wanted: String, _ request: SurfaceRequest) -> SurfaceResponse {
        guard let packument = served(name) else { return notFound("\(name) is not in this mirror") }
        let version = packument.distTags[wanted] ?? VersionPolicy.pick(wanted, in: packument)
        guard let version, let doc = packument.versions[version] else { return notFound("\(name) has no version matching \(wanted) here") }
        return json(200, rewrite(doc, name: name, base: base(request)).objectValue ?? [:])
    }

    /// With an ETag from the file's identity (304 when the client has it); a small tarball's
    /// bytes come from `StorageAnswerCache` while the file is unchanged.
    private func tarball(name: String, file: String, _ request: SurfaceRequest) -> SurfaceResponse {
        guard StorageLayout.isValidName(name), !file.contains("/"), !file.hasPrefix("."), file.hasSuffix(".tgz") else {
            return notFound("no tarball at \(name)/-/\(file)")
        }
        let url = layout.tarballFile(name, fileName: file)
        guard let identity = StorageAnswerCache.identity(of: url), identity.isRegularFile else { return notFound("\(file) is not in this mirror") }
        let headers = ["content-type": "application/octet-stream", "content-length": String(identity.size), "etag": identity.etag]
        if request.matches(etag: identity.etag) { return SurfaceResponse(status: 304, headers: ["etag": identity.etag], cacheable: true, madeFrom: [identity]) }
        if identity.size <= Int64(BuildMemo.smallFileLimit) {
            let key = "tarball\n" + url.path
            if let kept = StorageAnswerCache.shared.answer(key, validator: [identity]) {
                return SurfaceResponse(status: 200, headers: headers, body: .bytes(kept.bytes), cacheable: true, madeFrom: [identity])
            }
            if let data = FileManager.default.contents(atPath: url.path), data.count == identity.size {
                let kept = StorageAnswerCache.shared.keep(key, validator: [identity], bytes: Array(data), contentType: headers["content-type"]!, etag: identity.etag)
                return SurfaceResponse(status: 200, headers: headers, body: .bytes(kept.bytes), cacheable: true, madeFrom: [identity])
            }
        }
        return SurfaceResponse(status: 200, headers: headers, body: .file(path: url.path, size: identity.size))
    }

    /// `-/v1/search?text=…&size=…`: names from the `packages` records, each with the fields the
    /// public registry gives and `npm search` prints (description, keywords, maintainers, date).
    private func search(_ query: String?) -> SurfaceResponse {
        let items = URLComponents(string: "?" + (query ?? ""))?.queryItems ?? []
        let text = items.first { $0.name == "text" }?.value ?? ""
        let size = min(Int(items.first { $0.name == "size" }?.value ?? "") ?? 20, 250)
        let found = (try? context.records.list(RecordQuery(collection: PackageSummary.collection, search: text.isEmpty ? nil : text, limit: size))) ?? []
        let objects: [JSONValue] = found.compactMap { record in
            guard let summary = try? record.decode(PackageSummary.self) else { return nil }
            let fields = ((try? Packument.load(layout.packumentFile(summary.name))) ?? nil)?.fields ?? [:]
            let latest = summary.latest.flatMap { fields["versions"]?[$0] }
            let date = summary.latest.flatMap { fields["time"]?[$0] } ?? .string(summary.lastChange.formatted(.iso8601))
            let package: JSONValue = .object([
                "name": .string(summary.name), "version": summary.latest.map(JSONValue.string) ?? .null,
                "description": fields["description"] ?? latest?["description"] ?? .string(""),
                "keywords": latest?["keywords"]?.arrayValue.map(JSONValue.array) ?? .array([]),
                "maintainers": fields["maintainers"]?.arrayValue.map(JSONValue.array) ?? .array([]),
                "publisher": latest?["_npmUser"] ?? .object([:]), "date": date, "links": .object([:]),
            ])
            let score: JSONValue = .object(["final": .number(1), "detail": .object(["quality": .number(1), "popularity": .number(1), "maintenance": .number(1)])])
            return .object(["package": package, "score": score, "searchScore": .number(1)])
        }
        return json(200, ["objects": .array(objects), "total": .number(Double(objects.count)), "time": .string(Date().formatted(.iso8601))])
    }

    private func advisories(_ request: SurfaceRequest) -> SurfaceResponse {
        do {
            let asked = try AdvisoryFeed.request(request.body, encoding: request.headers["content-encoding"])
            return json(200, AdvisoryFeed(layout: layout).answer(asked))
        } catch let error as FerryError {
            return json(error.code == .payloadTooLarge ? 413 : 400, ["error": .string(error.message)])
        } catch {
            return json(400, ["error": .string("\(error)")])
        }
    }

    private func notFound(_ message: String) -> SurfaceResponse { json(404, ["error": .string(message)]) }

    private func json(_ status: Int, _ fields: [String: JSONValue], contentType: String = "application/json") -> SurfaceResponse {
        SurfaceResponse(status: status, headers: ["content-type": contentType], body: .bytes(Array(JSONText.data(.object(fields), indent: false))))
    }
}
