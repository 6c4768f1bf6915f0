import CArchive
import Foundation

/// Checks one npm tarball the way a client would find it broken: the gzip stream inflates to
/// its end with the CRC-32 and length its trailer promises (what `gzip -t` checks; libarchive
/// alone skips the trailer), the tar stream inside reads to its end (what the seed's
/// `tar -tzf` loop checked), and the bytes match the packument's digest (npm's EINTEGRITY).
///
/// All of it in one streaming pass: the file is read in fixed chunks (`CompressedStream`,
/// hashed on the way), libarchive inflates chunk by chunk, and each inflated block goes to the
/// CRC and the tar walk (`TarWalker`) and is dropped. Memory stays flat whatever the file, and
/// a gzip bomb stops at `maxInflatedSize` instead of taking the server down.
public enum TarballVerifier {
    /// What is wrong with a tarball.
    public struct Finding: Sendable, Equatable {
        public let reason: String
        /// The file went past a configured limit: the same bytes would fail the same way again,
        /// so a download is not worth retrying.
        public let exceedsLimit: Bool
    }

    /// 1 GiB: npm's largest packages inflate to a few hundred MiB.
    public static let defaultMaxInflatedSize = 1 << 30

    /// nil when the tarball is sound, else a reason a person can act on.
    public static func problem(file: URL, expected: TarballDigest.Expected?, maxInflatedSize: Int = defaultMaxInflatedSize) -> String? {
        verify(file: file, expected: expected, maxInflatedSize: maxInflatedSize)?.reason
    }

    public static func problem(data: Data, expected: TarballDigest.Expected?, maxInflatedSize: Int = defaultMaxInflatedSize) -> String? {
        verify(CompressedStream(bytes: data, expected: expected), checkDigest: expected != nil, maxInflatedSize: maxInflatedSize)?.reason
    }

    public static func verify(file: URL, expected: TarballDigest.Expected?, maxInflatedSize: Int = defaultMaxInflatedSize) -> Finding? {
        guard let input = CompressedStream(file: file, expected: expected) else { return Finding(reason: "missing or unreadable", exceedsLimit: false) }
        return verify(input, checkDigest: expected != nil, maxInflatedSize: maxInflatedSize)
    }

    private static func verify(_ input: CompressedStream, checkDigest: Bool, maxInflatedSize: Int) -> Finding? {
        func found(_ reason: String) -> Finding { Finding(reason: reason, exceedsLimit: false) }
        let head = input.peek()
        if input.readError != nil { return found("missing or unreadable") }
        guard head.count >= 18, head[0] == 0x1f, head[1] == 0x8b else {
            return found(head.isEmpty ? "empty file" : "not gzip data (no gzip magic number)")
        }
        var crc = CRC32()
        var tar = TarWalker()
        var inflated: UInt64 = 0
        let inflateError = inflate(input) { block in
            inflated += UInt64(block.count)
            if inflated > UInt64(maxInflatedSize) { return false }
            crc.update(block)
            tar.feed(block)
            return true
        }
        if inflated > UInt64(maxInflatedSize) {
            return Finding(reason: "inflates past \(NpmMirrorConfig.sizeText(maxInflatedSize)) (maxInflatedSize)", exceedsLimit: true)
        }
        if input.readError != nil { return found("unreadable: \(input.readError ?? "")") }
        if let inflateError { return found("corrupt gzip: \(inflateError)") }
        input.drain()
        if let error = input.readError { return found("unreadable: \(error)") }
        let trailer = input.tail.map { UInt32($0) }
        let crcWanted = trailer[0] | trailer[1] << 8 | trailer[2] << 16 | trailer[3] << 24
        let size = trailer[4] | trailer[5] << 8 | trailer[6] << 16 | trailer[7] << 24
        if UInt32(truncatingIfNeeded: inflated) != size { return found("corrupt gzip: length \(inflated) differs from the trailer's \(size)") }
        if crc.value != crcWanted { return found("corrupt gzip: CRC-32 differs from the trailer") }
        if let problem = tar.finish() { return found(problem) }
        // Checked last so a damaged file is reported by what is wrong with it, not just "differs".
        if checkDigest, let mismatch = input.digest?.mismatch() { return found("wrong content: \(mismatch)") }
        return nil
    }

    /// Inflates `input` through libarchive's gzip filter as one raw entry, handing each block to
    /// `block` (which returns false to stop). nil when the gzip stream read to its end (or
    /// `block` stopped it), else libarchive's reason.
    static func inflate(_ input: CompressedStream, _ block: (UnsafeRawBufferPointer) -> Bool) -> String? {
        guard let archive = archive_read_new() else { return "libarchive could not start" }
        defer { archive_read_free(archive) }
        archive_read_support_filter_gzip(archive)
        archive_read_support_format_raw(archive)
        guard input.attach(to: archive) == ARCHIVE_OK else { return message(archive) }
        var entry: OpaquePointer?
        guard archive_read_next_header(archive, &entry) == ARCHIVE_OK else { return message(archive) }
        while true {
            var bytes: UnsafeRawPointer?
            var size = 0
            var offset: la_int64_t = 0
            let status = archive_read_data_block(archive, &bytes, &size, &offset)
            if status == ARCHIVE_EOF { return nil }
            if status != ARCHIVE_OK && status != ARCHIVE_WARN { return message(archive) }
            if size > 0, let bytes, !block(UnsafeRawBufferPointer(start: bytes, count: size)) { return nil }
        }
    }

    static func message(_ archive: OpaquePointer) -> String {
        archive_error_string(archive).map { String(cString: $0) } ?? "unknown libarchive error"
    }
}
