import Crypto
import FerryCore
import Foundation

/// The first look at a diff archive, before anything is unpacked: its sha256, its manifest (the
/// first entry) and, when signed, its signature (the second) — checked against the trust the
/// person gave. What it returns is what the rest of the apply may rely on.
struct DiffGate {
    let archive: URL
    let trust: DiffTrust
    /// The archive's sha256 when the caller has already hashed it (a part checked against its
    /// index), so the file is read once for it.
    var sha256: String? = nil

    struct Opened {
        var manifest: DiffManifest
        var manifestBytes: Data
        var sha256: String
        var signer: String?
        var trustLabel: String
    }

    func open() throws -> Opened {
        let sha256 = try self.sha256 ?? Self.sha256(of: archive)
        if case .sha256(let expected) = trust, sha256 != expected.lowercased() {
            throw refuse("its sha256 is \(sha256), not the expected \(expected.lowercased())")
        }
        let reader = try TarZstReader(file: archive)
        var manifestBytes: Data?
        var signature: DiffSignature?
        while manifestBytes == nil || signature == nil, let entry = try reader.next() {
            let name = entry.path.hasPrefix("./") ? String(entry.path.dropFirst(2)) : entry.path
            if name == "manifest.json", manifestBytes == nil {
                var data = Data()
                try reader.readData { data.append(contentsOf: $0) }
                manifestBytes = data
            } else if name == DiffSignature.fileName, signature == nil {
                var data = Data()
                try reader.readData { data.append(contentsOf: $0) }
                do { signature = try JSONDecoder().decode(DiffSignature.self, from: data) } catch { throw refuse("manifest.sig is unreadable: \(error)") }
            } else {
                break  // the manifest and its signature come first; the rest is the unpack's
            }
        }
        guard let manifestBytes else { throw refuse("manifest.json is not its first entry") }
        let manifest = try DiffManifest.decode(manifestBytes)
        var opened = Opened(manifest: manifest, manifestBytes: manifestBytes, sha256: sha256, signer: signature?.keyID, trustLabel: "insecure")
        switch trust {
        case .signature(let publicKey):
            guard let signature else {
                throw refuse("it is not signed (no manifest.sig after manifest.json); sign diffs with source.config.signingKeyEnv, or pass --expect-sha256")
            }
            try signature.verify(manifestBytes, trusted: publicKey)
            opened.trustLabel = "signature"
        case .sha256:
            opened.trustLabel = "sha256"
        case .insecure:
            break
        }
        return opened
    }

    static func sha256(of data: Data) -> String { TarballDigest.hex(Array(SHA256.hash(data: data))) }

    static func sha256(of file: URL) throws -> String {
        guard let handle = FileHandle(forReadingAtPath: file.path) else { throw FerryError(.invalidInput, "\(file.path): cannot read", field: "archive") }
        defer { try? handle.close() }
        var hasher = SHA256()
        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty { hasher.update(data: chunk) }
        return TarballDigest.hex(Array(hasher.finalize()))
    }

    private func refuse(_ reason: String) -> FerryError {
        FerryError(.invalidInput, "archive refused, nothing changed: \(reason)", field: "archive")
    }
}
