import FerryCore
import Testing

/// `Int(checking:field:in:)` and `JSONValue.integer(at:in:)`: the one conversion for numbers from
/// outside. Hostile values become field errors naming the path, never a trap.
@Suite struct CheckedIntegerTests {
    @Test(arguments: [0.0, 1, 42, 100])
    func acceptsWholeNumbersInRange(value: Double) throws {
        #expect(try Int(checking: value, field: "n", in: 0...100) == Int(value))
    }

    @Test(arguments: [Double.infinity, -.infinity, .nan, 1e300, -1e300, 9.223372036854775807e18, 2.5, -1, 101])
    func refusesWithTheFieldName(value: Double) {
        #expect {
            try Int(checking: value, field: "rules.0.maxRetry", in: 0...100)
        } throws: { error in
            let error = error as! FerryError
            return error.code == .invalidInput && error.field == "rules.0.maxRetry"
                && error.message.hasPrefix("rules.0.maxRetry: ")
        }
    }

    @Test func fullIntRangeIsSafeAtTheEdges() throws {
        #expect(throws: FerryError.self) { try Int(checking: 9.223372036854775807e18, field: "x", in: Int.min...Int.max) }
        #expect(try Int(checking: 9.007199254740992e15, field: "x", in: Int.min...Int.max) == 9_007_199_254_740_992)
    }

    @Test(arguments: ["0", "7", "-3", "100"])
    func acceptsDecimalText(text: String) throws {
        #expect(try Int(checking: text, field: "limit", in: -3...100) == Int(text))
    }

    @Test(arguments: ["", "-", "abc", "1e3", "0x10", "+5", " 5", "5.0", "99999999999999999999999999", "101", "-4", "١٢"])
    func refusesOtherText(text: String) {
        #expect {
            try Int(checking: text, field: "limit", in: -3...100)
        } throws: { error in
            (error as! FerryError).field == "limit"
        }
    }

    @Test func walksAPathAndNamesItWithThePrefix() throws {
        let doc: JSONValue = .object(["rules": .array([.object(["maxRetry": .number(.infinity)])])])
        #expect {
            try doc.integer(at: "rules.0.maxRetry", in: 0...10, prefix: "triggers.0.config.")
        } throws: { error in
            (error as! FerryError).field == "triggers.0.config.rules.0.maxRetry"
        }
        #expect(try doc.integerIfPresent(at: "rules.0.other", in: 0...10) == nil)
        #expect(throws: FerryError.self) { try doc.integer(at: "rules.0.other", in: 0...10) }
        #expect(throws: FerryError.self) { try JSONValue.object(["n": .string("5")]).integer(at: "n", in: 0...10) }
    }
}
