import FerryCore
import Foundation

/// Applying a diff split into parts, from the folder they were carried in: the index is
/// trusted first (its signature, or its sha256), every part must be there with the size and
/// sha256 the index gives, each is unpacked and checked on its own into a staging folder that
/// survives an interruption (a part already checked is not redone), and only when all are in
/// does anything move into the storage, exactly as for one archive.
extension DiffApplier {
    static let partsStagingPrefix = ".ferry-parts-"

    func applyParts(folder: URL, dryRun: Bool, realRoot: String) throws -> Report {
        let (index, indexName, indexSHA256, signer) = try openIndex(in: folder)
        let names = Set((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? [])
        let missing = index.parts.filter { !names.contains($0.name) }.map(\.name)
        guard missing.isEmpty else {
            throw refuse("\(missing.count) of \(index.parts.count) parts are missing from \(folder.path): \(missing.joined(separator: ", "))")
        }
        for part in index.parts {
            let file = folder.appendingPathComponent(part.name)
            let size = ((try? FileManager.default.attributesOfItem(atPath: file.path))?[.size] as? NSNumber)?.int64Value ?? -1
            guard size == part.size else { throw refuse("\(part.name) is \(size) bytes, the index says \(part.size) (truncated, or from another diff)") }
        }
        // Trust comes from the index; each part's manifest must be the one the index names.
        let first = try DiffGate(archive: folder.appendingPathComponent(index.parts[0].name), trust: .insecure).open()
        guard DiffGate.sha256(of: first.manifestBytes) == index.manifestSHA256, first.manifest.snapshot == index.snapshot else {
            throw refuse("\(index.parts[0].name) carries another diff's manifest than the index names")
        }
        var report = Report(manifest: first.manifest, dryRun: dryRun)
        report.trust = trustLabel
        report.signer = signer
        guard try begin(&report, needs: first.manifest, what: "\(index.parts.count) parts") else { return report }

        let staging = storage.appendingPathComponent(Self.partsStagingPrefix + index.snapshot)
        try FileManager.default.createDirectory(at: staging, withIntermediateDirectories: true)
        var staged: [String: StagedFile] = [:]
        let listed = Self.byPath(first.manifest)
        for (i, part) in index.parts.enumerated() {
            let file = folder.appendingPathComponent(part.name)
            let folderForPart = staging.appendingPathComponent(String(format: "%03d", i + 1))
            let done = staging.appendingPathComponent(String(format: "%03d", i + 1) + ".done")
            if (try? String(contentsOf: done, encoding: .utf8)) == part.sha256, let resumed = try? Self.restaged(folderForPart) {
                report.notes.append("\(part.name): checked before, not unpacked again")
                for (path, file) in resumed { staged[path] = file }
                continue
            }
            let sha256 = i == 0 ? first.sha256 : try DiffGate.sha256(of: file)
            guard sha256 == part.sha256 else { throw refuse("\(part.name) has sha256 \(sha256), the index says \(part.sha256) (damaged, or from another diff)") }
            // The first part's gate was opened above; the others reuse the hash just taken.
            let gate = i == 0 ? first : try DiffGate(archive: file, trust: .insecure, sha256: sha256).open()
            guard DiffGate.sha256(of: gate.manifestBytes) == index.manifestSHA256 else { throw refuse("\(part.name) carries another diff's manifest") }
            try? FileManager.default.removeItem(at: folderForPart)
            try FileManager.default.createDirectory(at: folderForPart, withIntermediateDirectories: true)
            let (_, files) = try unpack(file, into: folderForPart, expecting: gate.manifestBytes)
            try checkListed(files, listed, in: part.name)
            for (path, stagedFile) in files {
                guard staged[path] == nil else { throw refuse("storage/\(path) is in two parts") }
                staged[path] = stagedFile
            }
            try Self.writeStagedList(files, to: folderForPart)
            try Data(part.sha256.utf8).write(to: done)
        }
        try check(first.manifest, staged)
        let result = try install(first.manifest, staged: staged, report: report, realRoot: realRoot, archive: indexName, sha256: indexSHA256)
        if !dryRun { try? FileManager.default.removeItem(at: staging) }
        return result
    }

    /// `ferry npm verify PART`: one archive or part checked alone, changing nothing. A part is
    /// checked against the index beside it when there is one (size, sha256, trust), else by the
    /// signature its manifest carries.
    public func verify(_ file: URL) throws -> String {
        let folder = file.deletingLastPathComponent()
        let gate: DiffGate.Opened
        if Self.indexName(in: folder) != nil, file.lastPathComponent.contains(".part-") {
            let (index, name, _, _) = try openIndex(in: folder)
            guard let part = index.parts.first(where: { $0.name == file.lastPathComponent }) else {
                throw refuse("\(file.lastPathComponent) is not one of the parts \(name) lists (another diff's?)")
            }
            let sha256 = try DiffGate.sha256(of: file)
            guard sha256 == part.sha256 else { throw refuse("\(part.name) has sha256 \(sha256), the index says \(part.sha256) (damaged, truncated, or from another diff)") }
            gate = try DiffGate(archive: file, trust: .insecure, sha256: sha256).open()
            guard DiffGate.sha256(of: gate.manifestBytes) == index.manifestSHA256 else { throw refuse("\(part.name) carries another diff's manifest") }
        } else {
            gate = try DiffGate(archive: file, trust: trust).open()
        }
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("ferry-verify-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let (manifest, files) = try unpack(file, into: scratch, expecting: gate.manifestBytes)
        try checkListed(files, Self.byPath(manifest), in: file.lastPathComponent)
        let isPart = files.count < manifest.files.count
        if !isPart { try check(manifest, files) }
        return "\(file.lastPathComponent): \(files.count) file(s) verified" + (isPart ? " (a part of snapshot \(manifest.snapshot))" : " (all of snapshot \(manifest.snapshot))")
    }

    /// A part's files, each listed in the manifest with its size and sha512 (the whole set is
    /// `check`ed once all parts are in).
    private func checkListed(_ files: [String: StagedFile], _ listed: [String: DiffManifest.File], in part: String) throws {
        for (path, file) in files {
            guard let entry = listed[path] else { throw refuse("\(part): storage/\(path) is not listed in manifest.json") }
            guard entry.size == file.size, file.sha512 == entry.sha512.lowercased() else { throw refuse("\(part): storage/\(path) does not match its sha512 in manifest.json") }
        }
    }

    private static func byPath(_ manifest: DiffManifest) -> [String: DiffManifest.File] {
        Dictionary(manifest.files.map { ($0.path, $0) }, uniquingKeysWith: { first, _ in first })
    }

    private var trustLabel: String {
        switch trust {
        case .signature: "signature"
        case .sha256: "sha256"
        case .insecure: "insecure"
        }
    }

    /// The one `*.index.json` in the folder, checked against the trust.
    private func openIndex(in folder: URL) throws -> (DiffPartIndex, name: String, sha256: String, signer: String?) {
        guard let name = Self.indexName(in: folder) else { throw refuse("\(folder.path) holds no diff-….index.json (or more than one)") }
        let file = folder.appendingPathComponent(name)
        let bytes = try Data(contentsOf: file)
        let sha256 = DiffGate.sha256(of: bytes)
        var signer: String?
        switch trust {
        case .sha256(let expected):
            guard sha256 == expected.lowercased() else { throw refuse("\(name) has sha256 \(sha256), not the expected \(expected.lowercased())") }
        case .signature(let publicKey):
            let sigFile = folder.appendingPathComponent(String(name.dropLast(".json".count)) + ".sig")
            guard let sigData = try? Data(contentsOf: sigFile) else { throw refuse("\(name) is not signed (no \(sigFile.lastPathComponent) beside it)") }
            let signature: DiffSignature
            do { signature = try JSONDecoder().decode(DiffSignature.self, from: sigData) } catch { throw refuse("\(sigFile.lastPathComponent) is unreadable") }
            try signature.verify(bytes, trusted: publicKey)
            signer = signature.keyID
        case .insecure:
            break
        }
        return (try DiffPartIndex.decode(bytes, file: name), name, sha256, signer)
    }

    static func indexName(in folder: URL) -> String? {
        let found = ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).filter { $0.hasSuffix(".index.json") }
        return found.count == 1 ? found[0] : nil
    }

    /// What a checked part left in staging, so a resumed apply need not unpack it again.
    private struct StagedEntry: Codable {
        var path: String
        var file: String
        var size: Int64
        var sha512: String
        var mtime: Date
    }

    private static func writeStagedList(_ files: [String: StagedFile], to folder: URL) throws {
        let entries = files.map { StagedEntry(path: $0.key, file: $0.value.url.lastPathComponent, size: $0.value.size, sha512: $0.value.sha512, mtime: $0.value.mtime) }
        try JSONEncoder().encode(entries.sorted { $0.path < $1.path }).write(to: folder.appendingPathComponent("staged.json"))
    }

    private static func restaged(_ folder: URL) throws -> [String: StagedFile] {
        let entries = try JSONDecoder().decode([StagedEntry].self, from: Data(contentsOf: folder.appendingPathComponent("staged.json")))
        var out: [String: StagedFile] = [:]
        for entry in entries {
            let url = folder.appendingPathComponent(entry.file)
            let size = ((try FileManager.default.attributesOfItem(atPath: url.path))[.size] as? NSNumber)?.int64Value
            guard size == entry.size else { throw FerryError(.failed, "staged \(entry.path) changed") }
            out[entry.path] = StagedFile(url: url, size: entry.size, sha512: entry.sha512, mtime: entry.mtime)
        }
        return out
    }
}
