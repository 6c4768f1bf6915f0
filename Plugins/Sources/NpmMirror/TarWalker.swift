/// Walks a tar stream as its bytes flow by, the way libarchive's tar reader does when a
/// client lists a tarball (`tar -tzf`): each 512-byte header must carry a valid checksum, each
/// entry's data (rounded up to whole blocks) must be there, and the stream ends at a block of
/// zeros or cleanly at a block boundary. It keeps one header block and, for a pax header, its
/// records (bounded by `maxPaxHeader`), so memory stays flat whatever the archive holds.
struct TarWalker {
    /// More than any real pax header (npm writes a few long paths); a larger one is refused
    /// rather than buffered.
    static let maxPaxHeader = 1 << 20
    /// 2^62 bytes: past any inflated-size limit, and far from overflowing the padding arithmetic.
    static let maxEntrySize: UInt64 = 1 << 62

    /// The first problem met; once set, further bytes are ignored.
    private(set) var problem: String?
    /// Regular entries seen (pax and GNU long-name headers describe the next entry, not files).
    private(set) var entries = 0

    private var header = [UInt8](repeating: 0, count: 512)
    private var headerFill = 0
    /// Data and padding of the current entry still to skip.
    private var remaining: UInt64 = 0
    /// Data bytes of the current entry still to collect when it is a pax header.
    private var paxLeft = 0
    private var pax: [UInt8]?
    /// A `size` a pax header set for the next entry.
    private var paxSize: UInt64?
    private var ended = false
    /// Bytes of tar consumed, for the position in messages.
    private var offset: UInt64 = 0

    /// Feeds the next bytes of the inflated stream.
    mutating func feed(_ bytes: UnsafeRawBufferPointer) {
        var i = 0
        while i < bytes.count, problem == nil, !ended {
            if remaining > 0 {
                let n = Int(min(remaining, UInt64(bytes.count - i)))
                if pax != nil, paxLeft > 0 {
                    let take = min(n, paxLeft)
                    pax?.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[i..<(i + take)]))
                    paxLeft -= take
                }
                remaining -= UInt64(n)
                i += n
                offset += UInt64(n)
                if remaining == 0, let records = pax {
                    pax = nil
                    readPax(records)
                }
            } else {
                let n = min(512 - headerFill, bytes.count - i)
                header.withUnsafeMutableBytes { $0.baseAddress!.advanced(by: headerFill).copyMemory(from: bytes.baseAddress!.advanced(by: i), byteCount: n) }
                headerFill += n
                i += n
                if headerFill == 512 {
                    headerFill = 0
                    readHeader()
                    offset += 512
                }
            }
        }
    }

    /// The verdict once the inflated stream has ended: nil when the tar read to its end.
    func finish() -> String? {
        if let problem { return problem }
        if !ended {
            if headerFill > 0 { return "truncated or corrupt tar: the stream ends inside the header at byte \(offset)" }
            if remaining > 0 { return "truncated tar entry: the stream ends \(remaining) byte(s) short of the entry's end" }
        }
        return entries == 0 ? "the tar stream holds no files" : nil
    }

    private mutating func readHeader() {
        if header.allSatisfy({ $0 == 0 }) {
            // The end-of-archive marker; npm pads what follows with zeros, libarchive reads no further.
            ended = true
            return
        }
        guard let stored = Self.number(header[148..<156]), checksumMatches(stored) else {
            problem = "truncated or corrupt tar: damaged header at byte \(offset) (checksum mismatch)"
            return
        }
        guard var size = Self.number(header[124..<136]) else {
            problem = "truncated or corrupt tar: negative or oversized size in the header at byte \(offset)"
            return
        }
        switch header[156] {
        case UInt8(ascii: "x"):
            guard size <= UInt64(Self.maxPaxHeader) else {
                problem = "truncated or corrupt tar: pax header at byte \(offset) is larger than \(Self.maxPaxHeader) bytes"
                return
            }
            pax = []
            paxLeft = Int(size)
            if size == 0 { pax = nil }
        case UInt8(ascii: "g"), UInt8(ascii: "L"), UInt8(ascii: "K"):
            break
        case UInt8(ascii: "2")...UInt8(ascii: "6"):
            // Links, devices, folders and FIFOs carry no data, whatever the size field says (as in libarchive).
            size = 0
            fallthrough
        default:
            if let override = paxSize, !(UInt8(ascii: "2")...UInt8(ascii: "6")).contains(header[156]) { size = override }
            entries += 1
            paxSize = nil
        }
        guard size <= Self.maxEntrySize else {
            problem = "truncated or corrupt tar: the header at byte \(offset) gives a size of \(size) bytes"
            return
        }
        remaining = (size + 511) / 512 * 512
    }

    /// POSIX sums the header's bytes unsigned with the checksum field read as spaces; some old
    /// writers summed signed bytes, and libarchive accepts either.
    private func checksumMatches(_ stored: UInt64) -> Bool {
        var unsigned: Int64 = 0
        var signed: Int64 = 0
        for (i, byte) in header.enumerated() {
            let b = (148..<156).contains(i) ? UInt8(ascii: " ") : byte
            unsigned += Int64(b)
            signed += Int64(Int8(bitPattern: b))
        }
        return stored == UInt64(unsigned) || Int64(bitPattern: stored) == signed
    }

    /// Pax records are `<length> <key>=<value>\n`; only `size` matters for walking the stream.
    private mutating func readPax(_ records: [UInt8]) {
        var start = 0
        while start < records.count {
            guard let space = records[start...].firstIndex(of: UInt8(ascii: " ")),
                  let length = Int(String(decoding: records[start..<space], as: UTF8.self)), length > space - start,
                  length <= records.count - start
            else {
                problem = "truncated or corrupt tar: unreadable pax header"
                return
            }
            let record = records[(space + 1)..<(start + length)]
            if let equals = record.firstIndex(of: UInt8(ascii: "=")), String(decoding: record[record.startIndex..<equals], as: UTF8.self) == "size" {
                let value = String(decoding: record[(equals + 1)...].filter { $0 != UInt8(ascii: "\n") }, as: UTF8.self)
                guard let size = UInt64(value) else {
                    problem = "truncated or corrupt tar: pax size \"\(value)\" is not a number"
                    return
                }
                paxSize = size
            }
            start += length
        }
    }

    /// A numeric header field read as libarchive reads it: octal digits after optional spaces or
    /// tabs, up to the first other byte (no digits is 0), or GNU's base-256 when the high bit of
    /// the first byte is set. nil only for a negative or oversized base-256 value.
    static func number(_ field: ArraySlice<UInt8>) -> UInt64? {
        guard let first = field.first else { return nil }
        if first & 0x80 != 0 {
            guard first == 0x80 else { return nil }  // 0xFF would be negative
            var value: UInt64 = 0
            for byte in field.dropFirst() {
                guard value >> 56 == 0 else { return nil }
                value = value << 8 | UInt64(byte)
            }
            return value
        }
        var value: UInt64 = 0
        for byte in field.drop(while: { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }) {
            guard (UInt8(ascii: "0")...UInt8(ascii: "7")).contains(byte) else { break }
            value = value << 3 | UInt64(byte - UInt8(ascii: "0"))
        }
        return value
    }
}
