/// Where a workload's live build is also published as plain files (`publish:` in a workload
/// file), for a web server or CDN that is not Ferry: a directory nginx or Caddy serves, or an
/// S3 bucket. Each activation (deploy, promote, rollback) is applied by manifest diff, so only
/// the paths that changed are touched, and before the build goes live here, so a failed publish
/// fails the job and leaves what is live as it was.
public struct PublishTarget: Codable, Sendable, Equatable {
    /// An absolute folder under the server's `volumes.allow`: Ferry makes it a symlink to one of
    /// two trees beside it (`<dir>.ferry/a`, `…/b`) and swaps it atomically.
    public var dir: String?
    public var s3: S3Target?

    public init(dir: String? = nil, s3: S3Target? = nil) {
        self.dir = dir
        self.s3 = s3
    }

    /// Reads `publish:`: a list of `{dir: PATH}` or `{s3: {...}}`.
    public static func read(_ value: JSONValue?, at field: String) throws -> [PublishTarget] {
        guard let value, value != .null else { return [] }
        guard case .array(let list) = value else { throw FerryError.invalid(field, "expected a list of { dir: PATH } or { s3: {...} }") }
        return try list.enumerated().map { i, entry in
            let here = "\(field).\(i)"
            guard case .object(let members) = entry, members.count == 1 else {
                throw FerryError.invalid(here, "expected one of { dir: PATH } or { s3: { endpoint, bucket, ... } }")
            }
            if let dir = members["dir"] {
                guard let path = dir.stringValue, path.hasPrefix("/"), !path.contains("\0"), path.count > 1, !path.hasSuffix("/") else {
                    throw FerryError.invalid("\(here).dir", "expected an absolute folder path without a trailing slash")
                }
                guard !path.split(separator: "/").contains(where: { $0 == ".." || $0 == "." }) else {
                    throw FerryError.invalid("\(here).dir", "must not contain . or .. parts")
                }
                return PublishTarget(dir: path)
            }
            if let s3 = members["s3"] { return PublishTarget(s3: try S3Target.read(s3, at: "\(here).s3")) }
            throw FerryError.invalid("\(here).\(members.keys.first ?? "")", "unknown publish target; use dir or s3")
        }
    }
}

/// An S3-compatible bucket to publish to. Credentials are named, not given: the workload's env
/// entries `accessKeyEnv` and `secretKeyEnv` (best sealed) hold them.
public struct S3Target: Codable, Sendable, Equatable {
    public var endpoint: String
    public var bucket: String
    public var prefix: String
    public var region: String
    public var accessKeyEnv: String
    public var secretKeyEnv: String

    public init(endpoint: String, bucket: String, prefix: String = "", region: String = "us-east-1", accessKeyEnv: String, secretKeyEnv: String) {
        self.endpoint = endpoint
        self.bucket = bucket
        self.prefix = prefix
        self.region = region
        self.accessKeyEnv = accessKeyEnv
        self.secretKeyEnv = secretKeyEnv
    }

    static func read(_ value: JSONValue, at field: String) throws -> S3Target {
        guard case .object(let m) = value else { throw FerryError.invalid(field, "expected { endpoint, bucket, prefix, region, accessKeyEnv, secretKeyEnv }") }
        let known: Set = ["endpoint", "bucket", "prefix", "region", "accessKeyEnv", "secretKeyEnv"]
        for key in m.keys.sorted() where !known.contains(key) { throw FerryError.invalid("\(field).\(key)", "unknown field") }
        func text(_ key: String, default fallback: String? = nil) throws -> String {
            if let v = m[key] {
                guard let s = v.stringValue, !s.isEmpty || key == "prefix" else { throw FerryError.invalid("\(field).\(key)", "expected a non-empty string") }
                return s
            }
            guard let fallback else { throw FerryError.invalid("\(field).\(key)", "required") }
            return fallback
        }
        let endpoint = try text("endpoint")
        guard endpoint.hasPrefix("http://") || endpoint.hasPrefix("https://"), !endpoint.contains("@") else {
            throw FerryError.invalid("\(field).endpoint", "expected an http(s) URL without credentials, such as https://s3.eu-west-1.amazonaws.com")
        }
        let bucket = try text("bucket")
        guard bucket.wholeMatch(of: /[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]/) != nil else {
            throw FerryError.invalid("\(field).bucket", "\"\(bucket)\" is not a valid bucket name (3-63 lower-case letters, digits, '.' and '-')")
        }
        var prefix = try text("prefix", default: "")
        while prefix.hasPrefix("/") { prefix.removeFirst() }
        if !prefix.isEmpty, !prefix.hasSuffix("/") { prefix += "/" }
        guard !prefix.split(separator: "/").contains(where: { $0 == ".." || $0 == "." }) else {
            throw FerryError.invalid("\(field).prefix", "must not contain . or .. parts")
        }
        return S3Target(
            endpoint: String(endpoint.reversed().drop(while: { $0 == "/" }).reversed()), bucket: bucket, prefix: prefix,
            region: try text("region", default: "us-east-1"), accessKeyEnv: try text("accessKeyEnv"), secretKeyEnv: try text("secretKeyEnv"))
    }
}
