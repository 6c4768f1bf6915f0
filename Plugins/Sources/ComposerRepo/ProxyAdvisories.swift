import FerryCore
import Foundation

/// Advisories for proxied packages, asked of the upstream's own advisories API (its
/// packages.json `security-advisories.api-url`, as Packagist announces it), so `composer audit`
/// against Ferry reports what it would report against the upstream. Each answer is checked like
/// the local feed (a malformed advisory is skipped with a log line, never breaks the audit) and
/// kept per package for `ttl`; while the upstream is down the last answer is used and said to be
/// stale. A package never answered before is an error then: an audit must not pass because the
/// upstream could not be asked.
actor ProxyAdvisories {
    struct Answer: Sendable {
        var advisories: [String: [JSONValue]] = [:]
        /// Why some lists are the last known ones.
        var stale: [String] = []
        /// Why some names have no list at all.
        var failed: [String] = []

        mutating func merge(_ other: Answer) {
            advisories.merge(other.advisories) { $0 + $1 }
            stale += other.stale
            failed += other.failed
        }
    }

    private struct Known {
        var advisories: [JSONValue]
        var checkedAt: Date
    }

    /// Key: upstream folder + name.
    private var known: [String: Known] = [:]

    /// Names per upstream request, well under what PHP's default `max_input_vars` (1000) allows.
    static let batch = 500

    func lookup(_ names: [String], upstream: ProxyUpstream, cache: ProxyCache, context: any SurfaceContext) async -> Answer {
        var answer = Answer()
        let ttl = ProxyCache.seconds(upstream.config.freshFor)
        var ask: [String] = []
        for name in names {
            if let entry = known[key(upstream, name)], Date().timeIntervalSince(entry.checkedAt) < ttl {
                answer.advisories[name] = entry.advisories
            } else {
                ask.append(name)
            }
        }
        guard !ask.isEmpty else { return answer }
        do {
            let fetched = try await fetch(ask, upstream: upstream, cache: cache, context: context)
            for name in ask {
                known[key(upstream, name)] = Known(advisories: fetched[name] ?? [], checkedAt: Date())
                answer.advisories[name] = fetched[name] ?? []
            }
            await cache.noteSuccess(upstream.base)
        } catch {
            let reason = "the advisories of \(upstream.base) could not be read: \(ProxyCache.describe(error))"
            await cache.noteFailure(upstream.base, reason)
            var missing = false
            for name in ask {
                if let entry = known[key(upstream, name)] { answer.advisories[name] = entry.advisories } else { missing = true }
            }
            if missing { answer.failed.append(reason) } else { answer.stale.append(reason) }
        }
        return answer
    }

    private func fetch(_ names: [String], upstream: ProxyUpstream, cache: ProxyCache, context: any SurfaceContext) async throws -> [String: [JSONValue]] {
        guard let url = try await cache.root(upstream, context).advisoriesURL else { return [:] }
        var found: [String: [JSONValue]] = [:]
        for start in stride(from: 0, to: names.count, by: Self.batch) {
            let chunk = names[start..<min(start + Self.batch, names.count)]
            let form = chunk.map { "packages%5B%5D=" + ($0.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? $0) }.joined(separator: "&")
            let request = try upstream.request(
                url, method: "POST", body: Array(form.utf8), headers: ["Content-Type": "application/x-www-form-urlencoded"], maxBytes: 32 << 20)
            let response = try await context.http.fetch(request)
            guard response.status == 200 else { throw FerryError(.unavailable, "\(url) answered HTTP \(response.status)") }
            guard let document = JSONText.parse(response.body), let advisories = document["advisories"] else {
                throw FerryError(.unavailable, "\(url) answered something that is not an advisories document")
            }
            // PHP writes an empty map as `[]`.
            if case .array(let list) = advisories, list.isEmpty { continue }
            guard case .object(let byName) = advisories else {
                throw FerryError(.unavailable, "\(url) answered an \"advisories\" that is not an object")
            }
            for name in chunk {
                for entry in byName[name]?.arrayValue ?? [] {
                    switch SecurityAdvisory.checked(entry, package: name) {
                    case .success(let advisory): found[name, default: []].append(advisory)
                    case .failure(let skip): context.log("advisories from \(upstream.base): skipped one for \(name): \(skip.reason)")
                    }
                }
            }
        }
        return found
    }

    private func key(_ upstream: ProxyUpstream, _ name: String) -> String { upstream.folder + "|" + name }
}
