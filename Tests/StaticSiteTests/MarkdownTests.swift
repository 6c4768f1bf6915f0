import FerryCore
import Foundation
import PluginTestKit
import Testing
@testable import StaticSiteSource

/// Markdown rendering, both end to end through a deploy and in its pure parts.
@Suite(.offPool) struct MarkdownTests {
    @Test func deployRendersMarkdownIntoCompletePages() async throws {
        let repo = try await GitRepo()
        try await repo.commit([
            "docs/index.md": "# Welcome & hello\n\nSee the [guide](guide/README.md#install) and [setup](setup.md).\n",
            "docs/setup.md": "Some *text* without a heading.\n",
            "docs/guide/README.md": "## Guide\n\nSteps.\n",
            "docs/about/index.html": "<p>hand written</p>",
            "docs/about/README.md": "# About readme\n",
            "docs/raw.txt": "plain",
        ])
        let ctx = try TestSourceContext(config: Fixtures.config(repo.url, folder: "docs", markdown: true))
        let outcome = try await StaticSiteSource().run(action: "deploy", revision: nil, params: .object([:]), context: ctx)

        let build = ctx.buildDirectory
        #expect(try Fixtures.listing(build) == ["about/README.html", "about/index.html", "guide/index.html", "index.html", "raw.txt", "setup.html"])
        let index = try Fixtures.read(build, "index.html")
        #expect(index.hasPrefix("<!doctype html>\n"))
        #expect(index.contains("<meta charset=utf-8>"))
        #expect(index.contains("<title>Welcome &amp; hello</title>"))
        #expect(index.contains("<body>\n<h1>Welcome &amp; hello</h1>"))
        #expect(index.contains("<a href=\"guide/index.html#install\">guide</a>"))
        #expect(index.contains("<a href=\"setup.html\">setup</a>"))
        #expect(index.hasSuffix("</html>\n"))
        #expect(try Fixtures.read(build, "setup.html").contains("<title>setup</title>"))
        #expect(try Fixtures.read(build, "setup.html").contains("<em>text</em>"))
        #expect(try Fixtures.read(build, "guide/index.html").contains("<title>Guide</title>"))
        #expect(try Fixtures.read(build, "about/index.html") == "<p>hand written</p>")
        guard case .built(let meta) = outcome else { Issue.record("expected .built"); return }
        #expect(meta["files"] == .number(6))
    }

    @Test func markdownIsCopiedAsIsWhenRenderingIsOff() async throws {
        let repo = try await GitRepo()
        try await repo.commit(["index.md": "# Hi\n"])
        let ctx = try TestSourceContext(config: Fixtures.config(repo.url))
        _ = try await StaticSiteSource().run(action: "deploy", revision: nil, params: .object([:]), context: ctx)
        #expect(try Fixtures.listing(ctx.buildDirectory) == ["index.md"])
        #expect(try Fixtures.read(ctx.buildDirectory, "index.md") == "# Hi\n")
    }

    @Test func planPrefersRealFilesAndIndexOverReadme() {
        let files = ["index.md", "README.md", "page.md", "page.html", "sub/README.md", "sub/readme.txt", "a/INDEX.MD"]
            .map { SiteFile(relativePath: $0, source: "/src/\($0)") }
        var logged: [String] = []
        let plan = SiteCopier.plan(files, markdown: true) { logged.append($0) }
        let outputs = Dictionary(uniqueKeysWithValues: plan.map { ($0.output, $0.file.relativePath) })
        #expect(outputs == [
            "index.html": "index.md", "README.html": "README.md", "page.html": "page.html",
            "sub/index.html": "sub/README.md", "sub/readme.txt": "sub/readme.txt", "a/index.html": "a/INDEX.MD",
        ])
        #expect(logged == ["not rendering page.md: page.html already exists"])
    }

    @Test(arguments: [
        ("guide.md", "guide.html"),
        ("guide.md#top", "guide.html#top"),
        ("../README.md?x=1", "../index.html?x=1"),
        ("sub/a%20b.md", "sub/a%20b.html"),
        ("https://example.com/x.md", "https://example.com/x.md"),
        ("/abs/guide.md", "/abs/guide.md"),
        ("missing.md", "missing.md"),
        ("../../escape.md", "../../escape.md"),
        ("image.png", "image.png"),
    ])
    func linksToMarkdownPagesPointAtTheRenderedPages(href: String, expected: String) {
        let pages = ["docs/guide.md": "docs/guide.html", "README.md": "index.html", "docs/sub/a b.md": "docs/sub/a b.html"]
        #expect(MarkdownPage.rewrite(href: href, from: "docs/index.md", pages: pages) == expected)
    }

    @Test func titleComesFromFrontMatterThenHeadingThenFileName() {
        let page = MarkdownPage(sourcePath: "notes/todo.md", pages: [:])
        #expect(page.render("---\ntitle: A <b> title\n---\n# Heading\n").contains("<title>A &lt;b&gt; title</title>"))
        #expect(page.render("text\n\n### Third *level*\n").contains("<title>Third level</title>"))
        #expect(page.render("just text\n").contains("<title>todo</title>"))
    }
}
