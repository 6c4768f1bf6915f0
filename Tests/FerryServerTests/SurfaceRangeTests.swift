import FerryCore
import FerryTestSupport
import Foundation
import HTTPTypes
import NIOCore
import PluginTestKit
import Testing

/// What a workload serves answers `HEAD` and single `Range` requests the way nginx does, for
/// files kept in memory (small) and files streamed from the live build (large): an npm client
/// resuming a tarball, a browser seeking in a video.
@Suite(.offPool) struct SurfaceRangeTests {
    /// A file of `size` letters: 10 KB is kept in memory, 300 KB is streamed.
    @Test(arguments: [("small.txt", 10_000), ("large.txt", 300_000)])
    func rangesAndHeadAreAnswered(_ file: String, _ size: Int) async throws {
        let content = String((0..<size).map { Character(UnicodeScalar(UInt8(97 + $0 % 26))) })
        try await TestFerry.run { client, _, temp in
            let repo = try GitRepo(in: temp)
            try repo.commit(["public/index.html": "i", "public/\(file)": content])
            try await client.apply(siteWorkload("ranges", repo: repo))
            _ = try await client.run("ranges")
            let path = "/sites/ranges/\(file)"
            let bytes = Array(content.utf8)

            let whole = try await client.get(path)
            #expect(whole.status == .ok)
            #expect(whole.headers[.acceptRanges] == "bytes")
            let etag = try #require(whole.headers[.eTag])

            let head = try await client.raw.execute(uri: path, method: .head, headers: [:])
            #expect(head.status == .ok)
            #expect(head.headers[.contentLength] == String(bytes.count))
            #expect(head.headers[.eTag] == etag)
            #expect(head.body.readableBytes == 0)

            let first = try await client.get(path, headers: [.range: "bytes=0-9"])
            #expect(first.status == .partialContent)
            #expect(first.headers[.contentRange] == "bytes 0-9/\(bytes.count)")
            #expect(Array(buffer: first.body) == Array(bytes[0...9]))

            let middle = try await client.get(path, headers: [.range: "bytes=5000-"])
            #expect(middle.status == .partialContent)
            #expect(Array(buffer: middle.body) == Array(bytes[5000...]))

            let tail = try await client.get(path, headers: [.range: "bytes=-7"])
            #expect(tail.headers[.contentRange] == "bytes \(bytes.count - 7)-\(bytes.count - 1)/\(bytes.count)")
            #expect(Array(buffer: tail.body) == Array(bytes.suffix(7)))

            let beyond = try await client.get(path, headers: [.range: "bytes=\(bytes.count)-"])
            #expect(beyond.status == .rangeNotSatisfiable)
            #expect(beyond.headers[.contentRange] == "bytes */\(bytes.count)")

            let resumed = try await client.get(path, headers: [.range: "bytes=0-9", .ifRange: etag])
            #expect(resumed.status == .partialContent, "If-Range with the current ETag keeps the range")
            let changed = try await client.get(path, headers: [.range: "bytes=0-9", .ifRange: "\"an-older-version\""])
            #expect(changed.status == .ok, "If-Range with another ETag gets the whole file")
            #expect(changed.body.readableBytes == bytes.count)

            let several = try await client.get(path, headers: [.range: "bytes=0-1,5-6"])
            #expect(several.status == .ok, "several ranges are answered whole")
            #expect(several.body.readableBytes == bytes.count)
            let garbage = try await client.get(path, headers: [.range: "lines=1-2"])
            #expect(garbage.status == .ok)
        }
    }
}
