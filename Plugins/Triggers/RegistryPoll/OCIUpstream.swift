import FerryCore
import Foundation

/// An OCI/Docker registry repository (`GET <registry>/v2/<repository>/tags/list`): the newest
/// tag the policy admits. Auth is a static header from the workload's env (a registry token);
/// the bearer-token dance of Docker Hub is not done.
struct OCIUpstream: Upstream {
    var registry: String
    var repository: String
    var policy: TagPolicy

    var endpoint: String? { registry }
    var key: String { "oci:\(registry)/\(repository)|\(policy)" }

    func check(_ c: UpstreamCheck) async throws -> UpstreamAnswer {
        let url = "\(JSONBody.trimmed(registry))/v2/\(repository)/tags/list"
        let response = try await c.get(url, conditional: false)
        let doc = try JSONBody.decode(response, from: url)
        guard case .array(let list)? = doc["tags"] else { throw FerryError(.unavailable, "\(url) lists no tags") }
        let tags = list.compactMap(\.stringValue)
        guard let newest = policy.newest(tags) else {
            throw FerryError(.unavailable, "\(url): no tag matches \(policy) (of \(tags.count))")
        }
        return UpstreamAnswer(
            version: newest, revision: Revision(id: newest, label: "\(repository):\(newest)"), label: "\(repository):\(newest)",
            details: .object(["repository": .string(repository), "tag": .string(newest)]))
    }
}

/// Which tags count and which is newest, as Flux's image policies and Keel do it: a semver
/// range (highest matching version) or a regex (highest by semver when the matches parse as
/// versions, else the last in alphabetical order).
struct TagPolicy: Sendable, CustomStringConvertible {
    enum Rule: Sendable {
        case semver(SemverRange)
        case regex(BoundedRegex)
    }
    var rule: Rule

    init(semver: String?, regex: String?, field: String) throws {
        switch (semver, regex) {
        case (let s?, nil):
            guard let range = SemverRange(s) else { throw FerryError.invalid("\(field).semver", "\"\(s)\" is not a semver range like >=1.0.0 or ^2.1") }
            rule = .semver(range)
        case (nil, let r?):
            // Refused at apply when no step bound can save it; each tag is matched under a budget.
            rule = .regex(try BoundedRegex(r, field: "\(field).regex"))
        case (nil, nil): rule = .semver(SemverRange("*")!)
        default: throw FerryError.invalid(field, "give semver or regex, not both")
        }
    }

    var description: String {
        switch rule {
        case .semver(let r): "semver \(r)"
        case .regex(let r): "regex \(r.pattern)"
        }
    }

    func newest(_ tags: [String]) -> String? {
        switch rule {
        case .semver(let range):
            return Self.tagged(tags).filter { range.satisfies($0.version) }.max { $0.version < $1.version }?.tag
        case .regex(let regex):
            let matching = tags.filter { regex.matches($0) }
            let versions = Self.tagged(matching)
            if !matching.isEmpty, versions.count == matching.count { return versions.max { $0.version < $1.version }?.tag }
            return matching.max()
        }
    }

    /// Tags that read as versions, each kept with its own spelling (`v1.2` stays `v1.2`).
    private static func tagged(_ tags: [String]) -> [(tag: String, version: SemverVersion)] {
        tags.compactMap { tag in SemverVersion(loose: tag).map { (tag: tag, version: $0) } }
    }
}
