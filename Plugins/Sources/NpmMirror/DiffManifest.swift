import FerryCore
import Foundation

/// `manifest.json` inside a diff archive: which snapshot it starts from and leads to, every
/// file it carries (path below the storage, size, sha512) and the paths removed since the
/// baseline. The offline side trusts nothing in the archive that this does not vouch for.
public struct DiffManifest: Codable, Sendable, Equatable {
    public static let format = "ferry-npm-diff/1"

    public struct File: Codable, Sendable, Equatable {
        public var path: String
        public var size: Int64
        public var sha512: String
        /// `new` or `changed`, for people reading it.
        public var change: String
    }

    public var format: String
    public var workload: String
    public var baseline: String?
    /// The archive that produced `baseline`, so the offline side can name what it is missing.
    public var baselineArchive: String?
    public var snapshot: String
    public var createdAt: Date
    public var files: [File]
    public var removed: [String]

    public func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return try encoder.encode(self)
    }

    public static func decode(_ data: Data) throws -> DiffManifest {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        let manifest: DiffManifest
        do { manifest = try decoder.decode(DiffManifest.self, from: data) } catch {
            throw FerryError(.invalidInput, "manifest.json is not a diff manifest: \(error)", field: "manifest.json", cause: error)
        }
        guard manifest.format == format else {
            throw FerryError(.invalidInput, "manifest.json: format \"\(manifest.format)\" is not \(format); use a matching ferry", field: "manifest.json")
        }
        return manifest
    }

    /// The README packed beside the manifest: what the archive is and how to apply it.
    func readme(archiveName: String) -> String {
        """
        # \(archiveName)

        A diff of the npm mirror `\(workload)` (Verdaccio storage layout), made by Ferry at \(ISO8601DateFormatter().string(from: createdAt)).

        * baseline snapshot: \(baseline ?? "none (this archive carries the whole storage)")
        * new snapshot: \(snapshot)
        * files: \(files.count) (\(files.filter { $0.change == "new" }.count) new, \(files.filter { $0.change == "changed" }.count) changed), removed paths: \(removed.count)

        `storage/` holds the files, at their paths below the storage folder. `manifest.json` lists each
        with its size and sha512, and the paths removed since the baseline.

        ## Apply it on the offline side

            ferry npm apply \(archiveName) --storage /path/to/verdaccio/storage --trust ferry-npm.pub --dry-run   # check only
            ferry npm apply \(archiveName) --storage /path/to/verdaccio/storage --trust ferry-npm.pub

        `--trust` takes the public key that signed `manifest.sig`; an unsigned archive is applied with
        `--expect-sha256 HEX` (the archive's sha256, carried over separately) or, knowingly, `--insecure`.
        Diffs apply in order: this one needs \(baselineArchive.map { "\($0) (snapshot \(baseline ?? ""))" } ?? baseline ?? "nothing") applied first.

        `ferry npm apply` needs no server. It checks every file against the manifest before it changes
        anything, refuses entries that would leave the storage, moves each file into place atomically and
        says whether Verdaccio needs a restart (only a changed `.verdaccio-db.json` does; diffs never carry it).
        Applying the same archive twice changes nothing the second time.

        """
    }
}
