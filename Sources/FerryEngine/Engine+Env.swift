import FerryCore
import FerryStore
import Foundation

/// Env entries of a workload. Every change rebuilds the workload document from the stored spec
/// and goes through `apply`, so validation, sealing of secrets and the generation bump are the
/// same as for `ferry apply`; the reconciler then redeploys.
extension Engine {
    /// Sets one entry. Setting a value it already has changes nothing (no new generation).
    @discardableResult
    public func setEnv(workload name: String, key: String, value: String, secret: Bool) throws -> (Workload, ApplyResult) {
        var env = try workload(name).spec.env
        env[key] = EnvValue(value, secret: secret)
        return try replaceEnv(workload: name, env: env)
    }

    /// Removes one entry; a key the workload does not have is `notFound`.
    @discardableResult
    public func unsetEnv(workload name: String, key: String) throws -> (Workload, ApplyResult) {
        var env = try workload(name).spec.env
        guard env.removeValue(forKey: key) != nil else { throw FerryError.notFound("env entry", key) }
        return try replaceEnv(workload: name, env: env)
    }

    /// Replaces the whole env. Secret values may be plaintext (they are sealed on the way in)
    /// or values sealed with this server's key.
    @discardableResult
    public func replaceEnv(workload name: String, env: [String: EnvValue]) throws -> (Workload, ApplyResult) {
        try replaceEnv(workload: name, env: try JSONValue(encoding: env))
    }

    /// Replaces the whole env with `env` as a workload file writes it (`{KEY: value}` or
    /// `{KEY: {value, secret}}`); the validator checks it, so errors name `env.KEY`.
    @discardableResult
    public func replaceEnv(workload name: String, env: JSONValue) throws -> (Workload, ApplyResult) {
        guard case .object(var document) = try JSONValue(encoding: try workload(name).spec) else {
            throw FerryError(.internal, "workload \(name) did not encode as an object")
        }
        document["env"] = env
        return try apply(.object(document))
    }

    /// Seals every secret env value of an incoming spec, reusing the stored sealed string when
    /// the plaintext is unchanged, so applying the same document twice stores the same bytes
    /// (AES-GCM nonces are random; sealing anew would change the spec every time).
    func sealSecrets(in spec: WorkloadSpec) throws -> WorkloadSpec {
        guard spec.env.values.contains(where: \.secret) else { return spec }
        let stored = try database.workload(spec.name)?.spec.env ?? [:]
        var spec = spec
        for (key, entry) in spec.env where entry.secret {
            let plaintext: String
            if SecretBox.isSealed(entry.value) {
                do { plaintext = try secrets.open(entry.value, envKey: key) } catch {
                    throw FerryError.invalid(
                        "env.\(key)", "holds an encrypted value this server cannot decrypt (another secret key?); set the plain value instead")
                }
            } else {
                plaintext = entry.value
            }
            if let previous = stored[key], previous.secret, SecretBox.isSealed(previous.value),
                (try? secrets.open(previous.value, envKey: key)) == plaintext {
                spec.env[key] = previous
            } else if !SecretBox.isSealed(entry.value) {
                spec.env[key] = EnvValue(try secrets.seal(plaintext), secret: true)
            }
        }
        return spec
    }
}
