@testable import FerryServer
import FerryCore
import FerryTestSupport
import Foundation
import HTTPTypes
import NIOCore
import PluginTestKit
import Testing

/// JSON and text documents go out gzip-compressed to clients that accept it (composer and npm
/// always do), from a variant made once per live build; everything else goes out as it is.
@Suite(.offPool) struct SurfaceGzipTests {
    static let document = "{\"packages\":[" + (0..<800).map { "{\"name\":\"acme/p\($0)\",\"version\":\"1.0.\($0)\"}" }.joined(separator: ",") + "]}"

    private func gunzip(_ bytes: [UInt8], in temp: URL) async throws -> String {
        let file = temp.appendingPathComponent("body-\(UUID().uuidString).gz")
        try Data(bytes).write(to: file)
        return try await Shell.output(["gzip", "-dc", file.path])
    }

    @Test func documentsAreSentCompressedToClientsThatAcceptGzip() async throws {
        try await TestFerry.run { client, _, temp in
            let repo = try GitRepo(in: temp)
            try repo.commit(["public/index.html": "i", "public/data.json": Self.document, "public/tiny.json": "{}", "public/blob.bin": Self.document])
            try await client.apply(siteWorkload("gz", repo: repo))
            _ = try await client.run("gz")

            let plain = try await client.get("/sites/gz/data.json")
            #expect(plain.headers[.contentEncoding] == nil)
            #expect(plain.headers[.vary] == "Accept-Encoding")
            let etag = try #require(plain.headers[.eTag])

            for _ in 0..<2 {
                let packed = try await client.get("/sites/gz/data.json", headers: [.acceptEncoding: "gzip, deflate, br"])
                #expect(packed.status == .ok)
                #expect(packed.headers[.contentEncoding] == "gzip")
                #expect(packed.headers[.vary] == "Accept-Encoding")
                #expect(packed.headers[.eTag] == etag, "the variant keeps the ETag, as nginx's gzip_static does")
                #expect(packed.body.readableBytes < Self.document.utf8.count / 3)
                #expect(try await gunzip(Array(buffer: packed.body), in: temp) == Self.document)
            }
            let notModified = try await client.get("/sites/gz/data.json", headers: [.acceptEncoding: "gzip", .ifNoneMatch: etag])
            #expect(notModified.status == .notModified)

            let refused = try await client.get("/sites/gz/data.json", headers: [.acceptEncoding: "gzip;q=0, identity"])
            #expect(refused.headers[.contentEncoding] == nil)
            let ranged = try await client.get("/sites/gz/data.json", headers: [.acceptEncoding: "gzip", .range: "bytes=0-9"])
            #expect(ranged.status == .partialContent)
            #expect(ranged.headers[.contentEncoding] == nil, "a range is of the identity bytes")
            let tiny = try await client.get("/sites/gz/tiny.json", headers: [.acceptEncoding: "gzip"])
            #expect(tiny.headers[.contentEncoding] == nil, "too small to be worth it")
            let binary = try await client.get("/sites/gz/blob.bin", headers: [.acceptEncoding: "gzip"])
            #expect(binary.headers[.contentEncoding] == nil, "only text formats are compressed")
            #expect(binary.headers[.vary] == nil)
        }
    }

    @Test(arguments: [
        ("gzip", true), ("deflate, gzip;q=0.5", true), ("*", true), ("GZIP", true), ("x-gzip", true),
        ("gzip;q=0", false), ("identity", false), ("br", false), ("", false),
    ])
    func acceptEncodingIsRead(_ header: String, _ accepted: Bool) {
        #expect(Gzip.accepted(by: header) == accepted)
    }

    @Test func compressedBytesAreGzip() throws {
        let input = Array(Self.document.utf8)
        let packed = try #require(Gzip.compress(input))
        #expect(Array(packed.prefix(2)) == [0x1F, 0x8B])
        #expect(packed.count < input.count / 3)
    }
}
