/// Free space of one filesystem Ferry writes to: the data directory, or an `absolute` volume.
public struct DiskUsage: Codable, Sendable, Equatable {
    public var path: String
    /// `data`, or `volume NAME of WORKLOAD[, …]`.
    public var role: String
    public var freeBytes: Int
    public var totalBytes: Int
    /// Below the threshold: jobs that write there do not start.
    public var low: Bool

    public init(path: String, role: String, freeBytes: Int, totalBytes: Int, low: Bool) {
        self.path = path
        self.role = role
        self.freeBytes = freeBytes
        self.totalBytes = totalBytes
        self.low = low
    }

    public var freePercent: Double { totalBytes > 0 ? Double(freeBytes) * 100 / Double(totalBytes) : 0 }

    /// "812 MiB free of 100 GiB (0.8 %)".
    public var summary: String {
        "\(ByteCount.text(freeBytes)) free of \(ByteCount.text(totalBytes)) (\(String(format: "%.1f", freePercent)) %)"
    }
}

/// When a filesystem counts as full: free space under `minFreePercent` of its size or under
/// `minFreeBytes`, whichever is smaller, so a small disk is not refused at 1 GiB and a 10 TiB
/// one is not refused with 500 GiB left (server config `disk:`).
public struct DiskThreshold: Sendable, Equatable, CustomStringConvertible {
    public var minFreePercent: Double
    public var minFreeBytes: Int

    public init(minFreePercent: Double = 5, minFreeBytes: Int = 1 << 30) {
        self.minFreePercent = minFreePercent
        self.minFreeBytes = minFreeBytes
    }

    public func required(total: Int) -> Int {
        min(Int(Double(total) * minFreePercent / 100), minFreeBytes)
    }

    public func isLow(free: Int, total: Int) -> Bool { free < required(total: total) }

    /// "the smaller of disk.minFreeBytes (1 GiB) and disk.minFreePercent (5 %)".
    public var description: String {
        "the smaller of disk.minFreeBytes (\(ByteCount.text(minFreeBytes))) and disk.minFreePercent (\(String(format: "%g", minFreePercent)) %)"
    }
}
