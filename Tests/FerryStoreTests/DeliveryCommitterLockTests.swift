import FerryCore
import Foundation
import GRDB
import Testing

@testable import FerryStore

/// A batch of deliveries that finds the store locked by another writer keeps trying until
/// `DeliveryCommitter.lockWait` has passed, then fails as `unavailable` (503 with Retry-After),
/// never as an internal error.
@Suite struct DeliveryCommitterLockTests {
    @Test func aBusyStoreIsTriedAgainUntilTheWriteGoesThrough() throws {
        var attempts = 0
        let value = try DeliveryCommitter.whileLocked(until: Date().addingTimeInterval(60)) { () throws -> Int in
            attempts += 1
            if attempts < 3 { throw DatabaseError(resultCode: .SQLITE_BUSY) }
            return 42
        }
        #expect(value == 42)
        #expect(attempts == 3)
    }

    @Test func aStoreStillBusyAtTheDeadlineIsUnavailable() {
        #expect(throws: FerryError.self) {
            try DeliveryCommitter.whileLocked(until: Date()) { () throws -> Int in throw DatabaseError(resultCode: .SQLITE_BUSY) }
        }
        do {
            _ = try DeliveryCommitter.whileLocked(until: Date()) { () throws -> Int in throw DatabaseError(resultCode: .SQLITE_BUSY) }
        } catch let error as FerryError {
            #expect(error.code == .unavailable)
            #expect(error.message.contains("locked by another writer"))
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func otherFailuresAreNotRetried() {
        var attempts = 0
        #expect(throws: DatabaseError.self) {
            try DeliveryCommitter.whileLocked(until: Date().addingTimeInterval(60)) { () throws -> Int in
                attempts += 1
                throw DatabaseError(resultCode: .SQLITE_CONSTRAINT)
            }
        }
        #expect(attempts == 1)
    }
}
