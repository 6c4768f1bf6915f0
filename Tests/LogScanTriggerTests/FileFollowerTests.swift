import FerryTestSupport
import Foundation
import Testing
@testable import LogScanTrigger

/// `tail -F` semantics on a real file: appends, partial lines, rotation, truncation, restarts.
@Suite struct FileFollowerTests {
    func append(_ text: String, to url: URL) throws {
        if !FileManager.default.fileExists(atPath: url.path) { _ = FileManager.default.createFile(atPath: url.path, contents: nil) }
        let h = try FileHandle(forWritingTo: url)
        try h.seekToEnd()
        try h.write(contentsOf: Data(text.utf8))
        try h.close()
    }

    @Test func readsAppendedWholeLinesOnly() throws {
        let dir = try TempDir()
        let log = dir.url.appendingPathComponent("app.log")
        let follower = FileFollower(path: log.path, cursor: nil)
        #expect(follower.readLines().isEmpty, "a file that does not exist yet is waited for")
        try append("one\ntwo\nthr", to: log)
        #expect(follower.readLines() == ["one", "two"])
        try append("ee\n", to: log)
        #expect(follower.readLines() == ["three"])
        #expect(follower.cursor?.offset == 14)
    }

    @Test func survivesRotationReadingTheOldFileToItsEnd() throws {
        let dir = try TempDir()
        let log = dir.url.appendingPathComponent("app.log")
        try append("a\n", to: log)
        let follower = FileFollower(path: log.path, cursor: nil)
        #expect(follower.readLines() == ["a"])
        try append("b\n", to: log)
        try FileManager.default.moveItem(at: log, to: dir.url.appendingPathComponent("app.log.1"))
        try append("c\n", to: log)
        #expect(follower.readLines() == ["b", "c"])
        #expect(follower.notes == ["rotated"])
        try append("d\n", to: log)
        #expect(follower.readLines() == ["d"])
    }

    @Test func startsOverAfterTruncation() throws {
        let dir = try TempDir()
        let log = dir.url.appendingPathComponent("app.log")
        try append("first line\nsecond line\n", to: log)
        let follower = FileFollower(path: log.path, cursor: nil)
        #expect(follower.readLines().count == 2)
        let h = try FileHandle(forWritingTo: log)
        try h.truncate(atOffset: 0)
        try h.close()
        try append("new\n", to: log)
        #expect(follower.readLines() == ["new"])
        #expect(follower.notes == ["truncated"])
    }

    @Test func aRestartResumesAtTheCursorAndFinishesAFileRotatedMeanwhile() throws {
        let dir = try TempDir()
        let log = dir.url.appendingPathComponent("app.log")
        try append("a\nb\n", to: log)
        let first = FileFollower(path: log.path, cursor: nil)
        #expect(first.readLines() == ["a", "b"])
        let cursor = try #require(first.cursor)

        try append("c\n", to: log)
        #expect(FileFollower(path: log.path, cursor: cursor).readLines() == ["c"], "nothing is read twice")

        try FileManager.default.moveItem(at: log, to: dir.url.appendingPathComponent("app.log.1"))
        try append("d\n", to: log)
        #expect(FileFollower(path: log.path, cursor: cursor).readLines() == ["c", "d"], "the rotated file's rest is read first")
    }

    @Test func aLargeFileIsReadInChunksAndOnlyItsTailAtFirstSight() throws {
        let dir = try TempDir()
        let log = dir.url.appendingPathComponent("app.log")
        try append((1...20).map { "line \($0)" }.joined(separator: "\n") + "\n", to: log)
        // First sight: only the last 30 bytes, from the first whole line in them.
        let follower = FileFollower(path: log.path, cursor: nil, backlogLimit: 30, chunk: 16)
        var seen: [String] = []
        for _ in 0..<10 { seen += follower.readLines() }
        #expect(seen == ["line 18", "line 19", "line 20"], "line 17 starts before the last 30 bytes")

        // Rotation with more unread than one chunk: the old file is still read to its end.
        try append("line 21\nline 22\nline 23\n", to: log)
        try FileManager.default.moveItem(at: log, to: dir.url.appendingPathComponent("app.log.1"))
        try append("fresh\n", to: log)
        #expect(follower.readLines() == ["line 21", "line 22", "line 23", "fresh"])
    }
}
