import CArchive
import Foundation

/// The compressed side of a tarball check: reads the file (or bytes already in memory) in
/// fixed chunks into one buffer that libarchive inflates from, and on the way hashes every
/// byte for the packument's digest and keeps the last eight (the gzip trailer). Nothing but
/// the one chunk is ever held, whatever the file's size.
final class CompressedStream {
    static let chunkSize = 256 << 10

    private enum Origin {
        case file(Int32)
        case bytes(Data, offset: Int)
    }

    private var origin: Origin
    private let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: chunkSize, alignment: 16)
    /// Bytes of `buffer` read ahead before libarchive opened (the magic number check).
    private var pending = 0
    private(set) var digest: TarballDigest.Check?
    /// Bytes read so far.
    private(set) var count: UInt64 = 0
    /// The last (up to) eight bytes read so far.
    private(set) var tail: [UInt8] = []
    private(set) var readError: String?

    /// nil when `file` cannot be opened.
    init?(file: URL, expected: TarballDigest.Expected?) {
        let fd = open(file.path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            buffer.deallocate()
            return nil
        }
        origin = .file(fd)
        digest = expected.map { TarballDigest.Check($0) }
    }

    init(bytes: Data, expected: TarballDigest.Expected?) {
        origin = .bytes(bytes, offset: 0)
        digest = expected.map { TarballDigest.Check($0) }
    }

    deinit {
        if case .file(let fd) = origin { close(fd) }
        buffer.deallocate()
    }

    /// Reads the first chunk and keeps it for libarchive; returns its bytes for a look at the header.
    func peek() -> UnsafeRawBufferPointer {
        pending = fill()
        return UnsafeRawBufferPointer(rebasing: buffer[0..<pending])
    }

    /// The next chunk, or an empty one at the end (or on a read error, kept in `readError`).
    func next() -> UnsafeRawBufferPointer {
        if pending > 0 {
            defer { pending = 0 }
            return UnsafeRawBufferPointer(rebasing: buffer[0..<pending])
        }
        return UnsafeRawBufferPointer(rebasing: buffer[0..<fill()])
    }

    /// Reads what libarchive left unread, so the digest and the trailer cover the whole file.
    func drain() {
        pending = 0
        while fill() > 0 {}
    }

    /// Fills `buffer` as far as the input allows and accounts for what it read.
    private func fill() -> Int {
        var n = 0
        switch origin {
        case .file(let fd):
            while n < buffer.count {
                let got = read(fd, buffer.baseAddress! + n, buffer.count - n)
                if got < 0 {
                    if errno == EINTR { continue }
                    readError = String(cString: strerror(errno))
                    break
                }
                if got == 0 { break }
                n += got
            }
        case .bytes(let data, let offset):
            n = min(buffer.count, data.count - offset)
            _ = data.copyBytes(to: buffer, from: (data.startIndex + offset)..<(data.startIndex + offset + n))
            origin = .bytes(data, offset: offset + n)
        }
        let chunk = UnsafeRawBufferPointer(rebasing: buffer[0..<n])
        digest?.update(chunk)
        count += UInt64(n)
        tail = n >= 8 ? Array(chunk[(n - 8)...]) : Array((tail + chunk).suffix(8))
        return n
    }

    /// Hands the chunks to `archive` through libarchive's read callback; `self` must outlive the archive.
    func attach(to archive: OpaquePointer) -> Int32 {
        archive_read_open(archive, Unmanaged.passUnretained(self).toOpaque(), nil, { _, context, out in
            let stream = Unmanaged<CompressedStream>.fromOpaque(context!).takeUnretainedValue()
            let chunk = stream.next()
            out?.pointee = chunk.baseAddress.map(UnsafeRawPointer.init)
            if stream.readError != nil { return -1 }
            return chunk.count
        }, nil)
    }
}
