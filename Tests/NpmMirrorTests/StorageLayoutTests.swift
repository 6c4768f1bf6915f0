import FerryCore
import Foundation
import PluginTestKit
import Testing
@testable import NpmMirrorSource

/// Names from upstream packuments decide where files are written, so none may lead outside the
/// storage however it is encoded.
@Suite(.offPool) struct StorageLayoutTests {
    let layout = StorageLayout(root: URL(fileURLWithPath: "/srv/storage"))

    @Test func aTarballNameIsDecodedExactlyOnce() {
        #expect(StorageLayout.tarballFileName("http://r/x/-/x-1.0.0.tgz") == "x-1.0.0.tgz")
        #expect(StorageLayout.tarballFileName("http://r/@s/x/-/x%2B1.0.0.tgz") == "x+1.0.0.tgz")
        // Decoded twice this would be `a/../../evil.tgz`; once, it is one odd but harmless name.
        #expect(StorageLayout.tarballFileName("http://r/x/-/a%252F..%252F..%252Fevil.tgz") == "a%2F..%2F..%2Fevil.tgz")
        // Starting with `..` it is refused outright, like every hidden name.
        #expect(StorageLayout.tarballFileName("http://r/x/-/..%252F..%252Fevil.tgz") == nil)
    }

    @Test(arguments: [
        "http://r/x/-/..%2F..%2Fevil.tgz", "http://r/x/-/%2e%2e", "http://r/x/-/a%00b.tgz", "http://r/x/-/a%5Cb.tgz",
        "http://r/x/-/.hidden.tgz", "http://r/x/-/", "http://r/x/-/%0a.tgz",
    ])
    func aTarballNameThatCouldEscapeIsRefused(_ url: String) {
        #expect(StorageLayout.tarballFileName(url) == nil, "\(url)")
    }

    @Test func everyFileStaysUnderTheRoot() {
        for (package, file) in [("../../etc", "passwd"), ("/etc", "x.tgz"), ("a/b/c", "x.tgz"), ("x", "../y.tgz"), ("x", "a/../../z")] {
            let path = layout.tarballFile(package, fileName: file).standardizedFileURL.path
            #expect(path.hasPrefix("/srv/storage/"), "\(package) \(file) → \(path)")
            #expect(!path.contains("/../"))
        }
        #expect(layout.tarballFile("@scope/name", fileName: "name-1.0.0.tgz").path == "/srv/storage/@scope/name/name-1.0.0.tgz")
    }

    @Test func relativePathsRefuseEveryEscapeWithTheInputNamed() throws {
        for bad in ["", "/abs", "a/../b", "..", "a//b", "a/./b", "a\\b", "a\u{0}b", "a\nb"] {
            #expect(throws: FerryError.self, "\(bad.debugDescription)") { try RelativePath(bad, what: "archive entry") }
        }
        let error = try #require(throws: FerryError.self) { try RelativePath("x/../../y", what: "archive entry", field: "archive") }
        #expect(error.message.contains("archive entry") && error.field == "archive")
        #expect(try RelativePath("a/b c/d.tgz", what: "x").segments == ["a", "b c", "d.tgz"])
    }
}
