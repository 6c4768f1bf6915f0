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
/// memory at once.
final class FileFollower {
    let backlogLimit: UInt64
    let chunk: Int

    let path: String
    private var handle: FileHandle?
    private var inode: UInt64 = 0
    private var offset: UInt64 = 0
    private var partial = Data()
    private var resume: FollowCursor?
    /// What happened to the file since the last read (`rotated`, `truncated`), for the status.
    private(set) var notes: [String] = []

    init(path: String, cursor: FollowCursor?, backlogLimit: UInt64 = 4 << 20, chunk: Int = 4 << 20) {
        self.path = path
        resume = cursor
        self.backlogLimit = backlogLimit
        self.chunk = chunk
    }

    var cursor: FollowCursor? { handle == nil ? resume : FollowCursor(inode: inode, offset: offset) }

    /// Every complete line written since the last call.
    func readLines() -> [String] {
        notes = []
        var lines: [String] = []
        if handle == nil {
            guard open(&lines) else { return lines }
        }
        lines += drain().lines
        guard let (currentInode, size) = Self.stat(path) else { return lines }
        // Still behind in this file (a chunk was read): finish it before looking for rotation.
        if currentInode == inode && size > offset + UInt64(partial.count) { return lines }
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
                lines += Self.split(old.readDataToEndOfFile(), partial: &partial).lines
                partial = Data()
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
        partial = Data()
    }

    /// One chunk: the whole lines in it, and how many bytes were read (0 at the end).
    private func drain() -> (lines: [String], bytes: Int) {
        guard let handle, let data = try? handle.read(upToCount: chunk), !data.isEmpty else { return ([], 0) }
        let (lines, consumed) = Self.split(data, partial: &partial)
        offset += consumed
        return (lines, data.count)
    }

    /// Splits complete lines off `partial + data`; the rest stays in `partial`. Returns the
    /// number of bytes of complete lines consumed from `data` and earlier partials.
    private static func split(_ data: Data, partial: inout Data) -> (lines: [String], consumed: UInt64) {
        var buffer = partial + data
        var lines: [String] = []
        var consumed: UInt64 = 0
        while let newline = buffer.firstIndex(of: 0x0A) {
            let line = buffer[buffer.startIndex..<newline]
            lines.append(String(decoding: line, as: UTF8.self).trimmingCharacters(in: CharacterSet(charactersIn: "\r")))
            consumed += UInt64(line.count + 1)
            buffer = Data(buffer[buffer.index(after: newline)...])
        }
        partial = buffer
        return (lines, consumed)
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
