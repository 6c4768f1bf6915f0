import FerryCore
import Foundation

/// Security advisories for the mirrored packages, kept in the storage itself as
/// `_advisories/<name>.json` (npm names never start with `_`, so no package folder can clash),
/// so every diff carries them across the air gap like any other file. Online, a refresh asks the
/// upstream's bulk advisory endpoint about every stored version (`collect`); offline, the mirror
/// answers `npm audit`'s bulk request from these files (`answer`). A package with no file has no
/// known advisory, which is also the answer when nothing was ever collected.
struct AdvisoryFeed {
    static let folder = "_advisories"
    /// Packages per upstream request: the public registry takes large bodies, a local Verdaccio
    /// less so; fifty keeps a request well under a megabyte even for packages with long histories.
    static let batchSize = 50
    /// The largest audit request the mirror inflates (a lockfile of every package on the
    /// registry is far smaller); a gzip bomb gets a 413, not the server's memory.
    static let maxRequestSize = 32 << 20

    let layout: StorageLayout

    func file(_ name: String) -> URL {
        guard StorageLayout.isValidName(name) else { return layout.root.appendingPathComponent(Self.folder).appendingPathComponent(".refused") }
        return layout.root.appendingPathComponent(Self.folder).appendingPathComponent(name + ".json")
    }

    /// The advisories stored for `name`, each an object as the registry gives it.
    func advisories(_ name: String) -> [JSONValue] {
        guard let data = FileManager.default.contents(atPath: file(name).path),
              let value = try? JSONValue(parsing: data)
        else { return [] }
        return value.arrayValue ?? []
    }

    /// The bulk endpoint's answer for `request` (package → installed versions): the advisories
    /// whose `vulnerable_versions` one of those versions satisfies. A range the mirror cannot
    /// parse keeps its advisory, so npm (which re-checks every range itself) has the last word.
    func answer(_ request: [String: [String]]) -> [String: JSONValue] {
        var out: [String: JSONValue] = [:]
        for (name, versions) in request {
            let parsed = versions.compactMap(SemverVersion.init(_:))
            let hits = advisories(name).filter { advisory in
                guard let text = advisory["vulnerable_versions"]?.stringValue, let range = SemverRange(text) else { return true }
                return parsed.contains { range.satisfies($0) }
            }
            if !hits.isEmpty { out[name] = .array(hits) }
        }
        return out
    }

    /// Writes what upstream said about `names` (missing from `answer`: no advisory). A file is
    /// rewritten only when its content changes, so an unchanged feed adds nothing to the next
    /// diff; a package whose advisories were all withdrawn keeps an empty list, which a diff
    /// carries too. Returns how many files changed.
    func store(_ answer: [String: JSONValue], for names: [String]) throws -> Int {
        var changed = 0
        for name in names where StorageLayout.isValidName(name) {
            let list = (answer[name]?.arrayValue ?? []).sorted { ($0["id"]?.plainText ?? "") < ($1["id"]?.plainText ?? "") }
            let target = file(name)
            let exists = FileManager.default.fileExists(atPath: target.path)
            if list.isEmpty, !exists { continue }
            let data = JSONText.data(.array(list))
            if exists, FileManager.default.contents(atPath: target.path) == data { continue }
            try StorageLayout.writeAtomically(data, to: target)
            changed += 1
        }
        return changed
    }

    /// Asks upstream about every version of `names` stored here, in batches, and stores the
    /// answers. An upstream without the endpoint (a plain Verdaccio answers 404) is reported, not
    /// fatal: the packages are still mirrored, only without advisories.
    func collect(_ names: [String], client: UpstreamClient, context: any SourceContext) async -> JSONValue {
        var asked = 0
        var found = 0
        var changed = 0
        for start in stride(from: 0, to: names.count, by: Self.batchSize) {
            let batch = Array(names[start..<min(start + Self.batchSize, names.count)])
            var body: [String: [String]] = [:]
            for name in batch {
                let versions = ((try? Packument.load(layout.packumentFile(name))) ?? nil)?.versions.keys.sorted() ?? []
                if !versions.isEmpty { body[name] = versions }
            }
            guard !body.isEmpty else { continue }
            do {
                try context.checkCancellation()
                let answer = try await client.advisories(body)
                asked += body.count
                found += answer.values.reduce(0) { $0 + ($1.arrayValue?.count ?? 0) }
                changed += try store(answer, for: Array(body.keys))
            } catch {
                context.log("advisories not collected from \(client.base): \(error)")
                return .object(["packages": .number(Double(asked)), "advisories": .number(Double(found)), "error": .string("\(error)")])
            }
        }
        if asked > 0 { context.log("advisories: \(found) for \(asked) package(s), \(changed) file(s) changed") }
        return .object(["packages": .number(Double(asked)), "advisories": .number(Double(found)), "filesChanged": .number(Double(changed))])
    }

    /// The body of `npm audit`'s bulk request: JSON, gzipped as npm sends it
    /// (`content-encoding: gzip`), an object of package → versions.
    static func request(_ body: [UInt8], encoding: String?) throws -> [String: [String]] {
        var data = Data(body)
        if encoding?.lowercased().contains("gzip") == true {
            var inflated = Data()
            let stream = CompressedStream(bytes: data, expected: nil)
            var tooLarge = false
            let failure = TarballVerifier.inflate(stream) { block in
                inflated.append(contentsOf: block)
                tooLarge = inflated.count > maxRequestSize
                return !tooLarge
            }
            if tooLarge { throw FerryError(.payloadTooLarge, "the audit request inflates to more than \(NpmMirrorConfig.sizeText(maxRequestSize))") }
            if let failure { throw FerryError(.invalidInput, "the audit request is not valid gzip: \(failure)", field: "body") }
            data = inflated
        }
        guard let value = try? JSONValue(parsing: data), let object = value.objectValue else {
            throw FerryError(.invalidInput, "the audit request is not a JSON object of package names to version lists", field: "body")
        }
        return object.mapValues { ($0.arrayValue ?? []).compactMap(\.stringValue) }
    }
}
