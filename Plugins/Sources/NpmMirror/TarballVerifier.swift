import CArchive
import Foundation

/// Checks one npm tarball the way a client would find it broken: the gzip stream inflates to
/// its end with the CRC-32 and length its trailer promises (what `gzip -t` checks; libarchive
/// alone skips the trailer), the tar stream inside reads to its end (what the seed's
/// `tar -tzf` loop checked), and the bytes match the packument's digest (npm's EINTEGRITY).
public enum TarballVerifier {
    /// nil when the tarball is sound, else a reason a person can act on.
    public static func problem(file: URL, expected: TarballDigest.Expected?) -> String? {
        guard let data = FileManager.default.contents(atPath: file.path) else { return "missing or unreadable" }
        return problem(data: data, expected: expected)
    }

    public static func problem(data: Data, expected: TarballDigest.Expected?) -> String? {
        guard data.count >= 18, data[data.startIndex] == 0x1f, data[data.startIndex + 1] == 0x8b else {
            return data.isEmpty ? "empty file" : "not gzip data (no gzip magic number)"
        }
        let inflated: [UInt8]
        switch inflate(data) {
        case .failure(let reason): return "corrupt gzip: \(reason)"
        case .success(let bytes): inflated = bytes
        }
        let trailer = data.suffix(8).map { UInt32($0) }
        let crc = trailer[0] | trailer[1] << 8 | trailer[2] << 16 | trailer[3] << 24
        let size = trailer[4] | trailer[5] << 8 | trailer[6] << 16 | trailer[7] << 24
        if UInt32(truncatingIfNeeded: inflated.count) != size { return "corrupt gzip: length \(inflated.count) differs from the trailer's \(size)" }
        if CRC32.checksum(inflated) != crc { return "corrupt gzip: CRC-32 differs from the trailer" }
        if let problem = tarProblem(inflated) { return problem }
        // Checked last so a damaged file is reported by what is wrong with it, not just "differs".
        if let expected, let mismatch = TarballDigest.mismatch(data, expected: expected) { return "wrong content: \(mismatch)" }
        return nil
    }

    private struct Failure: Error { let reason: String }

    /// The whole decompressed stream, read through libarchive's gzip filter as one raw entry.
    private static func inflate(_ data: Data) -> Result<[UInt8], Failure> {
        guard let archive = archive_read_new() else { return .failure(Failure(reason: "libarchive could not start")) }
        defer { archive_read_free(archive) }
        archive_read_support_filter_gzip(archive)
        archive_read_support_format_raw(archive)
        return data.withUnsafeBytes { raw -> Result<[UInt8], Failure> in
            guard archive_read_open_memory(archive, raw.baseAddress, raw.count) == ARCHIVE_OK else {
                return .failure(Failure(reason: message(archive)))
            }
            var entry: OpaquePointer?
            guard archive_read_next_header(archive, &entry) == ARCHIVE_OK else { return .failure(Failure(reason: message(archive))) }
            var out: [UInt8] = []
            out.reserveCapacity(data.count * 4)
            var buffer = [UInt8](repeating: 0, count: 256 << 10)
            while true {
                let n = buffer.withUnsafeMutableBytes { archive_read_data(archive, $0.baseAddress, $0.count) }
                if n == 0 { break }
                if n < 0 { return .failure(Failure(reason: message(archive))) }
                out.append(contentsOf: buffer[0..<n])
            }
            return .success(out)
        }
    }

    /// Reads every header of the tar stream and skips over each entry's data to the end marker.
    private static func tarProblem(_ tar: [UInt8]) -> String? {
        guard let archive = archive_read_new() else { return "libarchive could not start" }
        defer { archive_read_free(archive) }
        archive_read_support_format_tar(archive)
        return tar.withUnsafeBytes { raw -> String? in
            guard archive_read_open_memory(archive, raw.baseAddress, raw.count) == ARCHIVE_OK else { return "unreadable tar: \(message(archive))" }
            var entry: OpaquePointer?
            var entries = 0
            while true {
                let status = archive_read_next_header(archive, &entry)
                if status == ARCHIVE_EOF { break }
                if status != ARCHIVE_OK && status != ARCHIVE_WARN { return "truncated or corrupt tar: \(message(archive))" }
                entries += 1
                if archive_read_data_skip(archive) != ARCHIVE_OK { return "truncated tar entry: \(message(archive))" }
            }
            return entries == 0 ? "the tar stream holds no files" : nil
        }
    }

    static func message(_ archive: OpaquePointer) -> String {
        archive_error_string(archive).map { String(cString: $0) } ?? "unknown libarchive error"
    }
}
