import FerryCore
import Foundation
@testable import ComposerRepoSource

extension PackageSummary {
    static func load(_ records: any RecordStore, _ name: String) throws -> PackageSummary? {
        try records.value(PackageSummary.self, in: PackageSummary.collection, key: name)
    }
}

/// A composer-repo config for the fake WordPress.org at `base`.
func wordpressConfig(_ base: String, plugins: [String], themes: [String] = [], timeout: String = "1s") -> JSONValue {
    .object([
        "wordpress": .object([
            "plugins": .array(plugins.map(JSONValue.string)),
            "themes": .array(themes.map(JSONValue.string)),
            "api": .string(base), "downloads": .string(base), "svn": .string(base + "/svn"),
            "timeout": .string(timeout),
        ]),
    ])
}
