import CArchive
import FerryCore
import Foundation

/// Writes a `.tar.zst` (POSIX pax tar, zstd level 3 on every core) through libarchive, streaming
/// each file from disk so an archive of any size never sits in memory.
final class TarZstWriter {
    private let archive: OpaquePointer
    private var finished = false
    let file: URL

    init(file: URL, level: Int = 3) throws {
        guard let archive = archive_write_new() else { throw FerryError(.internal, "libarchive could not start a writer") }
        self.archive = archive
        self.file = file
        archive_write_add_filter_zstd(archive)
        archive_write_set_format_pax_restricted(archive)
        archive_write_set_filter_option(archive, "zstd", "compression-level", String(level))
        // Older libarchive lacks the option; one thread is then merely slower.
        archive_write_set_filter_option(archive, "zstd", "threads", String(ProcessInfo.processInfo.activeProcessorCount))
        guard archive_write_open_filename(archive, file.path) == ARCHIVE_OK else {
            // deinit frees the archive: every stored property is set, so it runs on this throw too.
            let message = TarballVerifier.message(archive)
            throw FerryError(.failed, "could not create \(file.path): \(message)")
        }
    }

    deinit {
        if !finished { archive_write_close(archive) }
        archive_write_free(archive)
    }

    /// Adds a file from disk under `path` (a path inside the archive), with its mtime.
    func add(path: String, from source: URL, size: Int64, mtime: Date) throws {
        guard let handle = FileHandle(forReadingAtPath: source.path) else {
            throw FerryError(.failed, "could not read \(source.path) while packing the archive")
        }
        defer { try? handle.close() }
        try header(path: path, size: size, mtime: mtime)
        var written: Int64 = 0
        while true {
            let chunk = try handle.read(upToCount: 1 << 20) ?? Data()
            if chunk.isEmpty { break }
            try write(chunk)
            written += Int64(chunk.count)
        }
        guard written == size else {
            throw FerryError(.failed, "\(source.path) changed size while it was being packed (\(size) → \(written) bytes); run diff-build again")
        }
    }

    /// Adds in-memory bytes (the manifest, the README).
    func add(path: String, data: Data, mtime: Date = Date()) throws {
        try header(path: path, size: Int64(data.count), mtime: mtime)
        try write(data)
    }

    func finish() throws {
        finished = true
        guard archive_write_close(archive) == ARCHIVE_OK else {
            throw FerryError(.failed, "could not finish \(file.lastPathComponent): \(TarballVerifier.message(archive))")
        }
    }

    private func header(path: String, size: Int64, mtime: Date) throws {
        guard let entry = archive_entry_new() else { throw FerryError(.internal, "libarchive could not make an entry") }
        defer { archive_entry_free(entry) }
        archive_entry_set_pathname(entry, path)
        archive_entry_set_size(entry, size)
        archive_entry_set_filetype(entry, 0o100000)
        archive_entry_set_perm(entry, 0o644)
        archive_entry_set_mtime(entry, time_t(mtime.timeIntervalSince1970), 0)
        guard archive_write_header(archive, entry) == ARCHIVE_OK else {
            throw FerryError(.failed, "could not add \(path) to the archive: \(TarballVerifier.message(archive))")
        }
    }

    private func write(_ data: Data) throws {
        let n = data.withUnsafeBytes { archive_write_data(archive, $0.baseAddress, $0.count) }
        guard n == data.count else { throw FerryError(.failed, "could not write to the archive: \(TarballVerifier.message(archive))") }
    }
}
