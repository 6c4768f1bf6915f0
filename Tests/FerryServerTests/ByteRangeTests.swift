@testable import FerryServer
import PluginTestKit
import Testing

/// `Range: bytes=…` as RFC 9110 §14.1.2 defines it, resolved against a size.
@Suite(.offPool) struct ByteRangeTests {
    @Test(arguments: [
        ("bytes=0-0", ByteRange.part(0...0)), ("bytes=0-99", .part(0...99)), ("bytes=10-", .part(10...99)),
        ("bytes=-10", .part(90...99)), ("bytes=-500", .part(0...99)), ("bytes=50-5000", .part(50...99)),
        ("bytes=100-", .unsatisfiable), ("bytes=-0", .unsatisfiable), (" Bytes = 1-2 ", .whole),
        ("BYTES=1-2", .part(1...2)), ("bytes=5-1", .whole), ("bytes=a-b", .whole), ("bytes=1-2,4-5", .whole),
        ("items=1-2", .whole), ("bytes=", .whole), ("bytes=-", .whole),
    ])
    func resolves(_ header: String, _ expected: ByteRange) {
        #expect(ByteRange(header: header, size: 100) == expected)
    }

    @Test func anEmptyRepresentationHasNoSatisfiableRange() {
        #expect(ByteRange(header: "bytes=0-", size: 0) == .unsatisfiable)
        #expect(ByteRange(header: "bytes=-1", size: 0) == .unsatisfiable)
        #expect(ByteRange(header: nil, size: 0) == .whole)
    }
}
