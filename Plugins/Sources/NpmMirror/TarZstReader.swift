import CArchive
import FerryCore
import Foundation

/// Reads a diff archive entry by entry through libarchive (zstd or none, tar formats), handing
/// each entry's facts and a streaming reader to the caller. Any libarchive error — a truncated
/// or corrupt archive — is thrown, never skipped over.
final class TarZstReader {
    struct Entry {
        enum Kind { case file, directory, symlink, hardlink, other }
        var path: String
        var kind: Kind
        var size: Int64
        var mtime: Date
    }

    private let archive: OpaquePointer
    private let file: URL

    init(file: URL) throws {
        guard let archive = archive_read_new() else { throw FerryError(.internal, "libarchive could not start a reader") }
        self.archive = archive
        self.file = file
        archive_read_support_filter_zstd(archive)
        archive_read_support_format_tar(archive)
        guard archive_read_open_filename(archive, file.path, 1 << 16) == ARCHIVE_OK else {
            // deinit frees the archive: every stored property is set, so it runs on this throw too.
            let message = TarballVerifier.message(archive)
            throw FerryError(.invalidInput, "archive refused, nothing changed: \(file.path) is truncated or not a readable archive: \(message)", field: "archive")
        }
    }

    deinit { archive_read_free(archive) }

    /// The next entry, or nil at the archive's end.
    func next() throws -> Entry? {
        var entry: OpaquePointer?
        let status = archive_read_next_header(archive, &entry)
        if status == ARCHIVE_EOF { return nil }
        guard status == ARCHIVE_OK || status == ARCHIVE_WARN, let entry else { throw failure("reading an entry header") }
        let path = archive_entry_pathname(entry).map { String(cString: $0) } ?? ""
        let type = archive_entry_filetype(entry)
        let kind: Entry.Kind =
            if archive_entry_hardlink(entry) != nil { .hardlink }
            else if type == 0o100000 { .file }
            else if type == 0o040000 { .directory }
            else if type == 0o120000 { .symlink }
            else { .other }
        return Entry(path: path, kind: kind, size: archive_entry_size(entry), mtime: Date(timeIntervalSince1970: TimeInterval(archive_entry_mtime(entry))))
    }

    /// Streams the current entry's data to `body`, chunk by chunk.
    func readData(_ body: (UnsafeRawBufferPointer) throws -> Void) throws {
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let n = buffer.withUnsafeMutableBytes { archive_read_data(archive, $0.baseAddress, $0.count) }
            if n == 0 { return }
            guard n > 0 else { throw failure("reading file data") }
            try buffer.withUnsafeBytes { try body(UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
        }
    }

    func skipData() throws {
        guard archive_read_data_skip(archive) == ARCHIVE_OK else { throw failure("skipping file data") }
    }

    private func failure(_ doing: String) -> FerryError {
        FerryError(.invalidInput, "archive refused, nothing changed: \(file.lastPathComponent) is truncated or corrupt (\(doing)): \(TarballVerifier.message(archive))", field: "archive")
    }
}
