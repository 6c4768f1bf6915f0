import GitPushTrigger
import Testing

struct GlobPatternTests {
    static let cases: [(pattern: String, text: String, matches: Bool)] = [
        ("main", "main", true),
        ("main", "main2", false),
        ("main", "feature/main", false),
        ("release/*", "release/1.2", true),
        ("release/*", "release/1.2/hotfix", false),
        ("release/*", "release", false),
        ("release/**", "release/1.2/hotfix", true),
        ("feature-*", "feature-login", true),
        ("*", "feature/x", false),
        ("**", "feature/x", true),
        ("v?.?", "v1.2", true),
        ("v?.?", "v1.23", false),
        ("v?", "v/", false),
        ("v*", "v1.0.0", true),
        ("public/**", "public/index.html", true),
        ("public/**", "public/css/site.css", true),
        ("public/**", "publicity/index.html", false),
        ("public/**", "src/public/index.html", false),
        ("*.md", "README.md", true),
        ("*.md", "docs/guide.md", false),
        ("**/*.md", "docs/guide.md", true),
        ("**/*.md", "README.md", true),
        ("docs/**/img/*.png", "docs/a/b/img/x.png", true),
        ("docs/**/img/*.png", "docs/img/x.png", true),
        ("docs/**/img/*.png", "docs/img/sub/x.png", false),
        ("a*b*c", "aXXbYYc", true),
        ("a*b*c", "aXXbYY", false),
        ("/public/**", "public/a", true),
    ]

    @Test(arguments: cases)
    func glob(_ c: (pattern: String, text: String, matches: Bool)) {
        #expect(GlobPattern(c.pattern).matches(c.text) == c.matches, "\(c.pattern) vs \(c.text)")
    }

    @Test func hostilePatternStaysFast() {
        let text = String(repeating: "a/", count: 60) + "b"
        let pattern = String(repeating: "**/", count: 30) + "c"
        #expect(!GlobPattern(pattern).matches(text))
        #expect(GlobPattern(String(repeating: "*a", count: 40) + "*b").matches(String(repeating: "a", count: 200) + "b"))
    }
}
