import FerryCore
import Foundation
import PluginTestKit
@testable import RegistryPollTrigger

/// A poll context on a virtual clock with the given records (share them to simulate a restart).
func pollContext(_ config: JSONValue, records: MemoryRecords = MemoryRecords(), env: [String: String] = [:]) -> TestWatchContext {
    TestWatchContext(
        kind: "registry-poll", config: config, records: records, clock: VirtualClock(Date(timeIntervalSince1970: 1_790_000_000)),
        env: ["w": env])
}

/// One poller as the watcher builds it, from the context's config and records.
func poller(_ context: TestWatchContext) throws -> Poller {
    let config = try PollConfig(context.binding.config, git: context.git)
    return Poller(config: config, state: try PollState.load(context.records, key: config.upstream.key))
}

func packument(_ name: String, latest: String, versions: [String]) -> String {
    let v = versions.map { "\"\($0)\": {\"name\": \"\(name)\", \"version\": \"\($0)\", \"dist\": {\"tarball\": \"http://x/\($0).tgz\"}}" }
    return "{\"name\": \"\(name)\", \"dist-tags\": {\"latest\": \"\(latest)\"}, \"versions\": {\(v.joined(separator: ", "))}}"
}

func p2(_ package: String, versions: [String]) -> String {
    let v = versions.map { "{\"name\": \"\(package)\", \"version\": \"\($0)\", \"dist\": {\"type\": \"zip\", \"url\": \"http://x/\($0).zip\"}}" }
    return "{\"packages\": {\"\(package)\": [\(v.joined(separator: ", "))]}, \"minified\": \"composer/2.0\"}"
}

func tagsList(_ name: String, _ tags: [String]) -> String {
    "{\"name\": \"\(name)\", \"tags\": [\(tags.map { "\"\($0)\"" }.joined(separator: ", "))]}"
}
