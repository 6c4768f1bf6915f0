import Crypto
import CryptoExtras
import FerryCore
import Foundation

/// scrypt, so a copied users table costs an attacker memory and time per guess. The stored
/// string names its parameters (`scrypt$N$r$p$salt$hash`), so they can be raised later and old
/// hashes still verify.
struct PasswordHasher: Sendable {
    /// log2 of scrypt's N. 2^15 with r = 8 takes about 32 MiB and a few tens of milliseconds.
    var logN = 15
    var blockSize = 8
    var parallelism = 1

    static let minimumLength = 10

    func hash(_ password: String) throws -> String {
        var generator = SystemRandomNumberGenerator()
        let salt = Data((0..<16).map { _ in UInt8.random(in: 0...255, using: &generator) })
        let key = try derive(password, salt: salt, logN: logN, r: blockSize, p: parallelism)
        return "scrypt$\(logN)$\(blockSize)$\(parallelism)$\(salt.base64EncodedString())$\(key.base64EncodedString())"
    }

    /// False for a wrong password and for a hash this version cannot read.
    func verify(_ password: String, against stored: String) -> Bool {
        let parts = stored.split(separator: "$").map(String.init)
        guard parts.count == 6, parts[0] == "scrypt", let logN = Int(parts[1]), let r = Int(parts[2]), let p = Int(parts[3]),
              (10...22).contains(logN), (1...32).contains(r), (1...16).contains(p),
              let salt = Data(base64Encoded: parts[4]), let expected = Data(base64Encoded: parts[5]),
              let actual = try? derive(password, salt: salt, logN: logN, r: r, p: p)
        else { return false }
        return ConstantTime.equal(Array(actual), Array(expected))
    }

    private func derive(_ password: String, salt: Data, logN: Int, r: Int, p: Int) throws -> Data {
        let key = try KDF.Scrypt.deriveKey(
            from: Data(password.utf8), salt: salt, outputByteCount: 32, rounds: 1 << logN, blockSize: r, parallelism: p,
            maxMemory: 256 * 1024 * 1024)
        return key.withUnsafeBytes { Data($0) }
    }
}
