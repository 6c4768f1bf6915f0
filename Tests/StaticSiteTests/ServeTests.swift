import FerryCore
import Foundation
import PluginTestKit
import Testing
@testable import StaticSiteSource

/// `serve` and `observe` against a live build made on disk with its manifest.
@Suite(.offPool) struct ServeTests {
    static let secret = "TOP-SECRET-7d41c0"

    /// A temp folder with `build/` (the live build) and `secret.txt` next to it.
    final class Site: @unchecked Sendable {
        let parent: URL
        let live: LiveBuild
        init(with404: Bool = true, extraManifest: [String] = []) throws {
            parent = try TempDir.make("serve")
            try Data(ServeTests.secret.utf8).write(to: parent.appendingPathComponent("secret.txt"))
            var files = [
                "index.html": "<h1>home</h1>",
                "docs/index.html": "<h1>docs</h1>",
                "docs/guide.html": "guide",
                "a b.html": "spaced",
                "css/site.css": "body{}",
                "js/app.mjs": "export{}",
                "img/logo.PNG": "png",
                "data.bin": "bin",
                "feed.xml": "<rss/>",
            ]
            if with404 { files["404.html"] = "<h1>lost</h1>" }
            live = try Fixtures.liveBuild(files, in: parent, extraManifest: extraManifest)
        }
        deinit { try? FileManager.default.removeItem(at: parent) }

        func get(_ path: String, method: String = "GET", headers: [String: String] = [:], query: String? = nil) async -> SurfaceResponse {
            await StaticSiteSource().serve(SurfaceRequest(method: method, base: "/sites/docs", path: path, query: query, headers: headers), live: live,
                context: TestSurfaceContext(workload: WorkloadSpec(name: "docs", source: SourceRef(kind: "static-site", config: .object([:])))))
        }

        func etag(_ path: String) -> String { "\"\(live.file(path)!.sha256.prefix(32))\"" }
    }

    @Test(arguments: [("", "<h1>home</h1>"), ("docs/", "<h1>docs</h1>"), ("docs/guide.html", "guide"), ("a%20b.html", "spaced"), ("docs%2Fguide.html", "guide")])
    func servesFilesAndFolderIndexes(path: String, body: String) async throws {
        let site = try Site()
        let response = await site.get(path)
        #expect(response.status == 200)
        #expect(response.bodyText == body)
    }

    @Test func smallFilesAreAnsweredFromMemoryAfterTheFirstRequestLargeOnesStreamed() async throws {
        let big = String(repeating: "b", count: BuildMemo.smallFileLimit + 1)
        let parent = try TempDir.make("serve-memo")
        defer { try? FileManager.default.removeItem(at: parent) }
        let live = try Fixtures.liveBuild(["index.html": "<h1>home</h1>", "big.txt": big], in: parent)
        let context = TestSurfaceContext(workload: WorkloadSpec(name: "docs", source: SourceRef(kind: "static-site", config: .object([:]))))
        func get(_ path: String) async -> SurfaceResponse {
            await StaticSiteSource().serve(SurfaceRequest(method: "GET", base: "/sites/docs", path: path), live: live, context: context)
        }
        #expect(await get("index.html").bodyText == "<h1>home</h1>")
        #expect(live.memo.bytesKept == "<h1>home</h1>".utf8.count)
        // The build never changes once live, so a second request needs no file system at all.
        try FileManager.default.removeItem(atPath: live.location(of: try #require(live.file("index.html"))))
        let again = await get("index.html")
        #expect(again.status == 200 && again.bodyText == "<h1>home</h1>")
        let large = await get("big.txt")
        let file = try #require(large.filePath, "a file past the in-memory limit is streamed from the build")
        #expect(file == live.location(of: try #require(live.file("big.txt"))))
        #expect(large.headers["content-length"] == String(big.utf8.count))
        #expect(live.memo.bytesKept == "<h1>home</h1>".utf8.count)
    }

    @Test func aFolderWithoutSlashRedirects() async throws {
        let site = try Site()
        let response = await site.get("docs", query: "v=1")
        #expect(response.status == 301)
        #expect(response.headers["location"] == "/sites/docs/docs/?v=1")
        #expect(await site.get("docs/guide.html/").status == 404)
        let head = await site.get("docs", method: "HEAD")
        #expect(head.status == 301)
        #expect(head.isEmptyBody)
    }

    @Test func missingFilesGetTheSitesOwn404Page() async throws {
        let site = try Site()
        let response = await site.get("nope.html")
        #expect(response.status == 404)
        #expect(response.bodyText == "<h1>lost</h1>")
        #expect(response.headers["content-type"] == "text/html; charset=utf-8")
        let head = await site.get("nope.html", method: "HEAD")
        #expect(head.status == 404)
        #expect(head.isEmptyBody)
    }

    @Test func withoutA404PageTheAnswerIsPlainText() async throws {
        let site = try Site(with404: false)
        let response = await site.get("nope.html")
        #expect(response.status == 404)
        #expect(response.headers["content-type"] == "text/plain; charset=utf-8")
        #expect(response.bodyText == "not found\n")
    }

    @Test(arguments: [
        ("index.html", "text/html; charset=utf-8"), ("css/site.css", "text/css; charset=utf-8"),
        ("js/app.mjs", "text/javascript; charset=utf-8"), ("img/logo.PNG", "image/png"),
        ("data.bin", "application/octet-stream"), ("feed.xml", "application/xml; charset=utf-8"),
    ])
    func headersDescribeTheFile(path: String, contentType: String) async throws {
        let site = try Site()
        let response = await site.get(path)
        let entry = try #require(site.live.file(path))
        #expect(response.status == 200)
        #expect(response.headers["content-type"] == contentType)
        #expect(response.headers["content-length"] == String(entry.size))
        #expect(response.headers["etag"] == "\"\(entry.sha256.prefix(32))\"")
        #expect(response.headers["etag"]?.count == 34)
        #expect(response.headers["cache-control"] == "no-cache")
    }

    @Test func contentTypeTable() {
        let expected = [
            "a.js": "text/javascript; charset=utf-8", "a.json": "application/json; charset=utf-8", "a.svg": "image/svg+xml; charset=utf-8",
            "a.jpg": "image/jpeg", "a.jpeg": "image/jpeg", "a.gif": "image/gif", "a.webp": "image/webp", "a.ico": "image/x-icon",
            "a.txt": "text/plain; charset=utf-8", "a.wasm": "application/wasm", "a.woff": "font/woff", "a.woff2": "font/woff2",
            "a.pdf": "application/pdf", "a.js.map": "application/json; charset=utf-8", "README": "application/octet-stream",
            ".htaccess": "application/octet-stream", "dir.d/file": "application/octet-stream",
        ]
        for (path, type) in expected { #expect(ContentTypes.forPath(path) == type, "\(path)") }
    }

    @Test(arguments: [
        ("{etag}", 304), ("W/{etag}", 304), ("\"other\", {etag}", 304), ("*", 304), ("\"other\"", 200), ("", 200),
    ])
    func conditionalRequests(header: String, status: Int) async throws {
        let site = try Site()
        let etag = site.etag("css/site.css")
        let response = await site.get("css/site.css", headers: ["if-none-match": header.replacingOccurrences(of: "{etag}", with: etag)])
        #expect(response.status == status)
        #expect(response.headers["etag"] == etag)
        if status == 304 { #expect(response.isEmptyBody) } else { #expect(response.bodyText == "body{}") }
    }

    @Test func headAnswersWithHeadersOnly() async throws {
        let site = try Site()
        let get = await site.get("index.html")
        let head = await site.get("index.html", method: "HEAD")
        #expect(head.status == 200)
        #expect(head.headers == get.headers)
        #expect(head.isEmptyBody)
    }

    @Test(arguments: ["POST", "PUT", "DELETE", "OPTIONS"])
    func otherMethodsAreNotAllowed(method: String) async throws {
        let site = try Site()
        let response = await site.get("index.html", method: method)
        #expect(response.status == 405)
        #expect(response.headers["allow"] == "GET, HEAD")
    }

    @Test(arguments: [
        "../x", "%2e%2e/x", "a/%2e%2e/%2e%2e/etc/passwd", "..%2fetc", "%2E%2E%2F", "a\\..\\b", "%00", "/etc/passwd",
        "..", "./index.html", "docs/./guide.html", "docs//guide.html", "%5c..%5csecret.txt", "../secret.txt",
        "..%2Fsecret.txt", "%2e%2e%2fsecret.txt", "docs/..%252f..%252fsecret.txt", "index.html%00.png", "%zz", "%",
    ], [true, false])
    func traversalIsAlways404(path: String, with404: Bool) async throws {
        let site = try Site(with404: with404)
        for method in ["GET", "HEAD"] {
            let response = await site.get(path, method: method)
            #expect(response.status == 404, "\(method) \(path)")
            #expect(!response.bodyText.contains(ServeTests.secret))
            #expect(!response.bodyText.contains("root:"))
            if let file = response.filePath {
                #expect(file == site.live.location(of: site.live.file("404.html")!))
            }
        }
    }

    @Test func anObjectReplacedOnDiskIsNeverServed() async throws {
        let site = try Site(extraManifest: ["leak.txt", "passwd"])
        let object = site.live.location(of: try #require(site.live.file("leak.txt")))
        try FileManager.default.createDirectory(atPath: (object as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: object, withDestinationPath: "/etc/passwd")
        for path in ["leak.txt", "passwd"] {
            let response = await site.get(path)
            #expect(response.status == 500, "a damaged or missing object is an error of the server, never other bytes")
            #expect(response.filePath == nil)
            #expect(!response.bodyText.contains(ServeTests.secret))
        }
    }

    @Test func filesOutsideTheManifestAreNotServed() async throws {
        let site = try Site()
        try Data("not listed".utf8).write(to: site.live.objects.appendingPathComponent("extra.html"))
        #expect(await site.get("extra.html").status == 404)
    }

    @Test func observeReportsAnEmptyBuildAsDegraded() throws {
        let parent = try TempDir.make("observe")
        defer { try? FileManager.default.removeItem(at: parent) }
        let plugin = StaticSiteSource()
        let workload = WorkloadSpec(name: "docs", source: SourceRef(kind: "static-site"))
        let full = try Fixtures.liveBuild(["index.html": "x"], in: parent.appendingPathComponent("a"))
        #expect(plugin.observe(workload: workload, live: full).health == .healthy)
        let noIndex = try Fixtures.liveBuild(["page.html": "x"], in: parent.appendingPathComponent("b"))
        let observation = plugin.observe(workload: workload, live: noIndex)
        #expect(observation.health == .healthy)
        #expect(observation.reason.contains("no index.html"))
        let empty = try Fixtures.liveBuild([:], in: parent.appendingPathComponent("c"))
        #expect(plugin.observe(workload: workload, live: empty).health == .degraded)
    }
}
