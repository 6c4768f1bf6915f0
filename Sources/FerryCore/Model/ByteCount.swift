import Foundation

/// Byte sizes as people write them in config files and read them in errors ("4 MiB").
public enum ByteCount {
    /// `4194304` → "4 MiB", `1536` → "1.5 KiB", `100` → "100 bytes".
    public static func text(_ bytes: Int) -> String {
        let units = ["KiB", "MiB", "GiB", "TiB"]
        guard bytes >= 1024 else { return "\(bytes) bytes" }
        var value = Double(bytes)
        var unit = -1
        while value >= 1024, unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        let rounded = (value * 10).rounded() / 10
        let number = rounded == rounded.rounded() ? String(Int(rounded)) : String(rounded)
        return "\(number) \(units[unit])"
    }

    /// "4GiB", "500 MiB", "2G", "1048576" → bytes; nil for anything else. Binary units, as the
    /// rest of Ferry writes them (k/M/G/T and KiB/MiB/GiB/TiB all mean powers of 1024).
    public static func parse(_ text: String) -> Int? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let digits = trimmed.prefix { $0.isNumber || $0 == "." }
        guard let number = Double(digits), number >= 0 else { return nil }
        let unit = trimmed.dropFirst(digits.count).trimmingCharacters(in: .whitespaces).lowercased()
        let power: Double
        switch unit {
        case "", "b", "bytes": power = 0
        case "k", "kb", "kib": power = 1
        case "m", "mb", "mib": power = 2
        case "g", "gb", "gib": power = 3
        case "t", "tb", "tib": power = 4
        default: return nil
        }
        let bytes = number * pow(1024, power)
        return bytes < Double(Int.max / 2) ? Int(bytes) : nil
    }
}
