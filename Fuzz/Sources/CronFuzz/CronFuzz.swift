import FerryCore
import Foundation
import FuzzDriver

/// Cron schedules as bindings write them (`*/5 * * * *`, `0 9 * * mon-fri`, `@every 90s`):
/// parsed, then the next fire times computed in UTC and in zones with DST gaps and repeats.
private let zones = ["UTC", "Europe/Berlin", "America/New_York", "Australia/Lord_Howe"].compactMap(TimeZone.init(identifier:))
private let starts = [Date(timeIntervalSince1970: 1_711_846_800), Date(timeIntervalSince1970: 1_730_595_600), Date(timeIntervalSince1970: 0)]

/// The process entry point SwiftPM links as `main`; hands over to libFuzzer.
@_cdecl("CronFuzz_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    ferry_fuzz_main(argc, argv)
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    let problem = CronExpression.problem(text)
    guard let cron = try? CronExpression.parse(text) else {
        if problem == nil { fatalError("problem() accepts what parse() refuses: \(text.debugDescription)") }
        return 0
    }
    if let problem { fatalError("parse() accepts what problem() refuses: \(problem)") }
    for zone in zones {
        for start in starts {
            var previous = start
            for next in cron.upcoming(after: start, count: 3, in: zone) {
                if next <= previous { fatalError("\(text.debugDescription) fires at \(next), not after \(previous)") }
                previous = next
            }
        }
    }
    return 0
}
