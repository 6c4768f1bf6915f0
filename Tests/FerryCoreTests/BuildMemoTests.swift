import Testing
@testable import FerryCore

/// A live build's memo: each value made once, "nothing there" remembered too, bytes kept only
/// within the budget.
@Suite struct BuildMemoTests {
    @Test func aValueIsMadeOnceAndANilAnswerIsRememberedToo() {
        let memo = BuildMemo()
        var made = 0
        for _ in 0..<3 { #expect(memo.value("a", make: { made += 1; return "x" }) == "x") }
        #expect(made == 1)
        var missing = 0
        for _ in 0..<3 { #expect(memo.value("gone", make: { () -> String? in missing += 1; return nil }) == nil) }
        #expect(missing == 1, "a missing file is not looked up again")
    }

    @Test func bytesPastTheBudgetAreHandedBackButNotKept() {
        let memo = BuildMemo(byteBudget: 10)
        #expect(memo.value("six", cost: { $0.count }, make: { [UInt8](repeating: 1, count: 6) }).count == 6)
        #expect(memo.bytesKept == 6)
        var made = 0
        for _ in 0..<2 { _ = memo.value("five", cost: { $0.count }, make: { made += 1; return [UInt8](repeating: 2, count: 5) }) }
        #expect(made == 2, "over the budget: made each time, never kept")
        #expect(memo.bytesKept == 6)
    }
}
