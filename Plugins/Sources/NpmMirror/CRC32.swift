/// CRC-32 (IEEE 802.3, the one gzip's trailer carries), slicing-by-8 so checking a gzip
/// trailer costs little next to inflating. libarchive verifies neither CRC nor length itself.
enum CRC32 {
    private static let tables: [[UInt32]] = {
        var tables = [[UInt32]](repeating: [UInt32](repeating: 0, count: 256), count: 8)
        for i in 0..<256 {
            var c = UInt32(i)
            for _ in 0..<8 { c = c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
            tables[0][i] = c
        }
        for i in 0..<256 {
            for t in 1..<8 { tables[t][i] = (tables[t - 1][i] >> 8) ^ tables[0][Int(tables[t - 1][i] & 0xFF)] }
        }
        return tables
    }()

    static func checksum(_ bytes: [UInt8]) -> UInt32 {
        let t = tables
        var crc: UInt32 = 0xFFFF_FFFF
        bytes.withUnsafeBufferPointer { p in
            var i = 0
            let n = p.count
            t[0].withUnsafeBufferPointer { t0 in
            t[1].withUnsafeBufferPointer { t1 in
            t[2].withUnsafeBufferPointer { t2 in
            t[3].withUnsafeBufferPointer { t3 in
            t[4].withUnsafeBufferPointer { t4 in
            t[5].withUnsafeBufferPointer { t5 in
            t[6].withUnsafeBufferPointer { t6 in
            t[7].withUnsafeBufferPointer { t7 in
                while i + 8 <= n {
                    let lo = crc ^ (UInt32(p[i]) | UInt32(p[i + 1]) << 8 | UInt32(p[i + 2]) << 16 | UInt32(p[i + 3]) << 24)
                    let hi = UInt32(p[i + 4]) | UInt32(p[i + 5]) << 8 | UInt32(p[i + 6]) << 16 | UInt32(p[i + 7]) << 24
                    crc = t7[Int(lo & 0xFF)] ^ t6[Int((lo >> 8) & 0xFF)] ^ t5[Int((lo >> 16) & 0xFF)] ^ t4[Int(lo >> 24)]
                        ^ t3[Int(hi & 0xFF)] ^ t2[Int((hi >> 8) & 0xFF)] ^ t1[Int((hi >> 16) & 0xFF)] ^ t0[Int(hi >> 24)]
                    i += 8
                }
                while i < n {
                    crc = t0[Int((crc ^ UInt32(p[i])) & 0xFF)] ^ (crc >> 8)
                    i += 1
                }
            }}}}}}}}
        }
        return crc ^ 0xFFFF_FFFF
    }
}
