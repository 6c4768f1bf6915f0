#!/usr/bin/env bash
# Peak RSS and wall time of the npm mirror's TarballVerifier on a gzip bomb, the verifier of
# commit OLD (default 1b03205, before the streaming check) next to the one in the tree.
#
# Each version is compiled with `swiftc -O` from its own TarballVerifier/CRC32 (+ for the new
# one CompressedStream and TarWalker) beside a stub TarballDigest (the runs pass no expected
# digest, so neither version hashes) and a tiny main that verifies one file. The bombs are
# `tar -czf` of a sparse file of zeros: 1 GiB of zeros plus the headers (past the default maxInflatedSize) and
# 1000 MiB (under it, so the new verifier inflates it to the end). /usr/bin/time gives %M.
#
#   RUNS=5 OLD=1b03205 bash bench/verify-rss.sh
set -euo pipefail
RUNS=${RUNS:-5}
OLD=${OLD:-1b03205}
REPO=$(cd "$(dirname "$0")/.." && pwd)
PATH=/opt/swift/usr/bin:$PATH
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
cd "$WORK"
mkdir -p old new stub
for f in TarballVerifier CRC32; do git -C "$REPO" show "$OLD:Plugins/Sources/NpmMirror/$f.swift" > "old/$f.swift"; done
for f in TarballVerifier CRC32 CompressedStream TarWalker; do cp "$REPO/Plugins/Sources/NpmMirror/$f.swift" new/; done
cat > stub/Digest.swift <<'EOF'
import Foundation
public enum TarballDigest {
    public struct Expected: Sendable, Equatable {}
    public static func mismatch(_ bytes: some DataProtocol, expected: Expected) -> String? { nil }
    struct Check {
        init(_ expected: Expected) {}
        mutating func update(_ bytes: UnsafeRawBufferPointer) {}
        func mismatch() -> String? { nil }
    }
}
EOF
echo 'enum NpmMirrorConfig { static func sizeText(_ bytes: Int) -> String { "\(bytes >> 20) MiB" } }' > stub/Config.swift
cat > main.swift <<'EOF'
import Foundation
print(TarballVerifier.problem(file: URL(fileURLWithPath: CommandLine.arguments[1]), expected: nil) ?? "sound")
EOF
swiftc -O -I "$REPO/Sources/CArchive" -module-name VB -o verify-old old/*.swift stub/Digest.swift main.swift -larchive
swiftc -O -I "$REPO/Sources/CArchive" -module-name VB -o verify-new new/*.swift stub/*.swift main.swift -larchive
for size in 1G 1000M; do
    mkdir -p "src$size/package"
    echo '{"name":"bomb","version":"1.0.0"}' > "src$size/package/package.json"
    truncate -s "$size" "src$size/package/zeros"
    tar -czf "bomb-$size.tgz" -C "src$size" package
done
median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
echo "$(date -u) · $(nproc) CPU(s) · $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2) · RUNS=$RUNS · OLD=$OLD"
for bin in verify-old verify-new; do
    for bomb in bomb-1G.tgz bomb-1000M.tgz; do
        : > rss; : > secs
        for _ in $(seq "$RUNS"); do
            answer=$(/usr/bin/time -f '%M %e' -o t ./$bin $bomb)
            read -r kib s < t; echo "$kib" >> rss; echo "$s" >> secs
        done
        printf '%s %s (%s bytes): %s; peak RSS median %s KiB, wall median %s s\n' \
            "$bin" "$bomb" "$(stat -c %s $bomb)" "$answer" "$(median < rss)" "$(median < secs)"
    done
done
