import FerryCore
import Testing

/// `FerryError`: one code decides the HTTP status and the CLI exit code, in one place.
@Suite struct FerryErrorTests {
    static let codes: [FerryError.Code] = [
        .invalidInput, .notFound, .conflict, .unauthorized, .payloadTooLarge, .unavailable, .failed, .internal,
    ]

    @Test(arguments: [
        (FerryError.Code.invalidInput, 400, Int32(2)),
        (.unauthorized, 401, 5),
        (.notFound, 404, 3),
        (.conflict, 409, 4),
        (.payloadTooLarge, 413, 2),
        (.failed, 422, 1),
        (.internal, 500, 70),
        (.unavailable, 503, 6),
    ])
    func mapping(code: FerryError.Code, status: Int, exit: Int32) {
        #expect(code.httpStatus == status)
        #expect(code.exitCode == exit)
    }

    @Test func everyCodeHasItsOwnHTTPStatus() {
        #expect(Set(Self.codes.map(\.httpStatus)).count == Self.codes.count)
    }

    @Test func exitCodesAreDistinctExceptForBadInputOfAnySort() {
        // A payload that is too large is a caller's input problem, like invalid input.
        let byExit = Dictionary(grouping: Self.codes, by: \.exitCode)
        for (exit, codes) in byExit where codes.count > 1 {
            #expect(Set(codes) == [.invalidInput, .payloadTooLarge], "exit \(exit) is shared by \(codes)")
        }
        #expect(byExit.count == Self.codes.count - 1)
    }

    @Test func noFailureExitsWithZero() {
        for code in Self.codes {
            #expect(code.exitCode != 0, "\(code)")
            #expect(code.httpStatus >= 400, "\(code)")
        }
    }

    @Test func clientErrorsAre4xxAndServerErrors5xx() {
        for code in [FerryError.Code.invalidInput, .notFound, .conflict, .unauthorized, .payloadTooLarge, .failed] {
            #expect((400..<500).contains(code.httpStatus), "\(code)")
        }
        for code in [FerryError.Code.internal, .unavailable] {
            #expect((500..<600).contains(code.httpStatus), "\(code)")
        }
    }

    @Test func codesRoundTripThroughTheirWireNames() {
        for code in Self.codes {
            #expect(FerryError.Code(rawValue: code.description) == code)
        }
        #expect(FerryError.Code.invalidInput.description == "invalid_input")
        #expect(FerryError.Code.notFound.description == "not_found")
        #expect(FerryError.Code(rawValue: "teapot") == nil)
        #expect(Set(Self.codes.map(\.description)).count == Self.codes.count)
    }

    @Test func helpersNameTheFieldAndTheThing() {
        let invalid = FerryError.invalid("source.config.branch", "expected string, got integer")
        #expect(invalid.code == .invalidInput)
        #expect(invalid.field == "source.config.branch")
        #expect(invalid.message == "source.config.branch: expected string, got integer")
        #expect(invalid.description == invalid.message)

        let missing = FerryError.notFound("workload", "docs")
        #expect(missing.code == .notFound)
        #expect(missing.message == "workload \"docs\" not found")
        #expect(missing.field == nil)
    }
}
