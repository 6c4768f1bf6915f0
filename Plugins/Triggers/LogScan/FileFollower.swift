import Foundation

/// Where a follower is in a file: which file (inode) and how far, in bytes of whole lines.
struct FollowCursor: Codable, Sendable, Equatable {
    var inode: UInt64
    var offset: UInt64
}

/// Follows one file like `tail -F`: reads whole new lines, keeps reading a file that was
/// renamed away (rotation) to its end before switching to the new one at the same path, starts
/// over when the file shrank (truncation), and waits for a file that does not exist yet. After
/// a restart it resumes at the stored offset, finishing a rotated file at `<path>.1` first.
/// A file seen for the first time is read from its last `backlogLimit` bytes (from the first
/// whole line there), and each call reads at most `chunk` bytes, so a large log never sits in
/// memory at once; one line keeps at most `maxLineLength` bytes.
final class FileFollower {
    let backlogLimit: UInt64
    let chunk: Int
    let maxLineLength: Int

    let path: String
    private var handle: FileHandle?
    private var inode: UInt64 = 0
    private var offset: UInt64 = 0
    /// The kept bytes of the line in progress (at most `maxLineLength`).
    private var partial = Data()
    /// All bytes of the line in progress, kept or cut.
    private var lineBytes = 0
    private var lineCut = false
    private var cutLines = 0
    private var resume: FollowCursor?
    /// What happened to the file since the last read (`rotated`, `truncated`), for the status.
    private(set) var notes: [String] = []

    init(path: String, cursor: FollowCursor?, backlogLimit: UInt64 = 4 << 20, chunk: Int = 4 << 20, maxLineLength: Int = 64 << 10) {
        self.path = path
        resume = cursor
        self.backlogLimit = backlogLimit
        self.chunk = chunk
        self.maxLineLength = maxLineLength
    }

    var cursor: FollowCursor? { handle == nil ? resume : FollowCursor(inode: inode, offset: offset) }

    /// Every complete line written since the last call.
    func readLines() -> [String] {
        notes = []
        cutLines = 0
        defer {
            if cutLines > 0 { notes.append("cut \(cutLines) line(s) longer than maxLineLength \(maxLineLength) bytes") }
        }
        var lines: [String] = []
        if handle == nil {
            guard open(&lines) else { return lines }
        }
        lines += drain().lines
        guard let (currentInode, size) = Self.stat(path) else { return lines }
        // Still behind in this file (a chunk was read): finish it before looking for rotation.
        if currentInode == inode && size > offset + UInt64(lineBytes) { return lines }
        if currentInode != inode {
            // Rotated: the old file is read to its end first, whatever its size.
            while true {
                let (more, bytes) = drain()
                lines += more
                if bytes == 0 { break }
            }
            notes.append("rotated")
            reopen(at: 0, inode: currentInode)
            lines += drain().lines
        } else if size < offset {
            notes.append("truncated")
            reopen(at: 0, inode: currentInode)
            lines += drain().lines
        }
        return lines
    }

    /// Opens the file at start or after a restart, at the stored offset when it is the same file.
    private func open(_ lines: inout [String]) -> Bool {
        guard let (currentInode, size) = Self.stat(path) else { return false }
        var start: UInt64 = 0
        var skipPartialLine = false
        if resume == nil, size > backlogLimit {
            start = size - backlogLimit
            skipPartialLine = true
        }
        if let resume {
            if resume.inode == currentInode {
                if size >= resume.offset { start = resume.offset } else { notes.append("truncated") }
            } else if let (rotatedInode, _) = Self.stat(path + ".1"), rotatedInode == resume.inode,
                let old = FileHandle(forReadingAtPath: path + ".1") {
                // Rotated while Ferry was down: finish the old file first.
                notes.append("rotated")
                try? old.seek(toOffset: resume.offset)
                lines += split(old.readDataToEndOfFile()).lines
                resetLine()
                try? old.close()
            } else {
                notes.append("rotated")
            }
        }
        reopen(at: start, inode: currentInode)
        if skipPartialLine, let handle, let head = try? handle.read(upToCount: chunk), let newline = head.firstIndex(of: 0x0A) {
            let skipped = UInt64(newline - head.startIndex + 1)
            offset = start + skipped
            try? handle.seek(toOffset: offset)
        }
        return handle != nil
    }

    private func reopen(at start: UInt64, inode newInode: UInt64) {
        try? handle?.close()
        handle = FileHandle(forReadingAtPath: path)
        try? handle?.seek(toOffset: start)
        inode = newInode
        offset = start
        resetLine()
    }

    /// One chunk: the whole lines in it, and how many bytes were read (0 at the end).
    private func drain() -> (lines: [String], bytes: Int) {
        guard let handle, let data = try? handle.read(upToCount: chunk), !data.isEmpty else { return ([], 0) }
        let (lines, consumed) = split(data)
        offset += consumed
        return (lines, data.count)
    }

    /// Splits complete lines off the line in progress + `data`; the rest stays in progress.
    /// Returns the number of bytes of complete lines consumed (whole lines, cut parts included).
    /// A line longer than `maxLineLength` keeps its first `maxLineLength` bytes; the rest is
    /// dropped as it arrives, so memory stays flat whatever the file.
    private func split(_ data: Data) -> (lines: [String], consumed: UInt64) {
        var lines: [String] = []
        var consumed: UInt64 = 0
        var rest = data[...]
        while let newline = rest.firstIndex(of: 0x0A) {
            append(rest[rest.startIndex..<newline])
            consumed += UInt64(lineBytes + 1)
            if lineCut { cutLines += 1 }
            lines.append(String(decoding: partial, as: UTF8.self).trimmingCharacters(in: CharacterSet(charactersIn: "\r")))
            resetLine()
            rest = rest[rest.index(after: newline)...]
        }
        append(rest)
        return (lines, consumed)
    }

    private func append(_ piece: Data.SubSequence) {
        lineBytes += piece.count
        guard !lineCut else { return }
        let room = maxLineLength - partial.count
        if piece.count <= room {
            partial.append(contentsOf: piece)
        } else {
            partial.append(contentsOf: piece.prefix(room))
            lineCut = true
        }
    }

    private func resetLine() {
        partial = Data()
        lineBytes = 0
        lineCut = false
    }

    static func stat(_ path: String) -> (inode: UInt64, size: UInt64)? {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
            let inode = (attributes[.systemFileNumber] as? NSNumber)?.uint64Value,
            let size = (attributes[.size] as? NSNumber)?.uint64Value
        else { return nil }
        return (inode, size)
    }

    deinit { try? handle?.close() }
}
