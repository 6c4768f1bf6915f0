import FerryCore
import Foundation

/// A package built the way esbuild, @swc/core and sharp are: `ferry-native` names one optional
/// dependency per platform, each declaring its `os` and `cpu`, and its index.js loads the one
/// for the machine it runs on. All packed for real with `npm pack`.
enum NativePackages {
    static let platforms = [("linux", "x64"), ("darwin", "arm64"), ("win32", "x64")]

    static func variant(_ os: String, _ cpu: String) -> String { "@ferry-native/\(os)-\(cpu)" }

    /// `ferry-native@<version>` and its three platform packages.
    static func make(_ version: String, in folder: URL) async throws -> [PackedVersion] {
        var variants: [PackedVersion] = []
        for (os, cpu) in platforms {
            variants.append(try await PackedPackages.made(
                variant(os, cpu), version, fields: ["os": .array([.string(os)]), "cpu": .array([.string(cpu)])],
                code: "module.exports = \"\(os)-\(cpu)\";\n", in: folder))
        }
        let optional = Dictionary(uniqueKeysWithValues: platforms.map { (variant($0.0, $0.1), JSONValue.string(version)) })
        let main = try await PackedPackages.made(
            "ferry-native", version, fields: ["optionalDependencies": .object(optional)],
            code: "module.exports = require(`@ferry-native/${process.platform}-${process.arch}`);\n", in: folder)
        return [main] + variants
    }
}
