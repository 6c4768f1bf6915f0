/// One `Range: bytes=…` request (RFC 9110 §14), resolved against a representation's size.
/// Only single ranges are honoured; a multi-range request is answered whole (200), which the
/// RFC allows and npm, curl and browsers all accept. Resuming an interrupted tarball download
/// and seeking in a large site file are what this is for.
enum ByteRange: Equatable {
    /// No usable Range header: serve the whole representation.
    case whole
    /// Serve these bytes with 206.
    case part(ClosedRange<Int>)
    /// A syntactically valid range that selects nothing: 416 with `Content-Range: bytes */size`.
    case unsatisfiable

    init(header: String?, size: Int) {
        guard let header else { self = .whole; return }
        let text = header[...].trimmingSpaces
        guard text.lowercased().hasPrefix("bytes=") else { self = .whole; return }
        let spec = text.dropFirst("bytes=".count)
        let ranges = spec.split(separator: ",", omittingEmptySubsequences: false)
        guard ranges.count == 1, let dash = spec.firstIndex(of: "-") else { self = .whole; return }
        let first = spec[..<dash].trimmingSpaces, last = spec[spec.index(after: dash)...].trimmingSpaces
        if first.isEmpty {
            // `bytes=-N`: the final N bytes.
            guard let suffix = Int(last), suffix >= 0 else { self = .whole; return }
            self = suffix == 0 || size == 0 ? .unsatisfiable : .part(max(0, size - suffix)...(size - 1))
            return
        }
        guard let start = Int(first), start >= 0 else { self = .whole; return }
        var end = size - 1
        if !last.isEmpty {
            guard let given = Int(last), given >= start else { self = .whole; return }
            end = min(given, size - 1)
        }
        self = start < size ? .part(start...end) : .unsatisfiable
    }
}

extension Substring {
    fileprivate var trimmingSpaces: Substring {
        var s = self
        while s.first == " " || s.first == "\t" { s = s.dropFirst() }
        while s.last == " " || s.last == "\t" { s = s.dropLast() }
        return s
    }
}
