#!/usr/bin/env python3
"""The in-process reference for `broken-scan` (bench/npm.sh): every tarball of a Verdaccio storage
read once, in 256 KiB chunks, with WORKERS threads (default 2): zlib inflates the gzip stream
(checking its CRC-32 and length trailer, as `gzip -t` does), a tar walk reads the inflated
stream's headers to its end (what `tar -t` checks), and sha512 of the file is compared with the
packument's dist.integrity. zlib and hashlib release the GIL on their buffers, so the threads
run on every core. Prints "checked N, broken M".

    python3 bench/npm-scan-reference.py STORAGE [WORKERS]
"""
import base64, hashlib, json, os, sys, zlib
from concurrent.futures import ThreadPoolExecutor

storage = sys.argv[1]
workers = int(sys.argv[2]) if len(sys.argv) > 2 else 2
CHUNK = 256 << 10


def targets():
    for name in sorted(os.listdir(storage)):
        folder = os.path.join(storage, name)
        if name.startswith("@"):
            yield from ((os.path.join(folder, sub), f"{name}/{sub}") for sub in sorted(os.listdir(folder)))
        elif os.path.isdir(folder):
            yield folder, name


def expected(folder):
    try:
        doc = json.load(open(os.path.join(folder, "package.json")))
    except (OSError, ValueError):
        return {}
    out = {}
    for version in (doc.get("versions") or {}).values():
        dist = version.get("dist") or {}
        integrity = dist.get("integrity", "")
        url = dist.get("tarball", "")
        if integrity.startswith("sha512-") and url:
            out[url.rsplit("/", 1)[-1]] = base64.b64decode(integrity[7:].split("?")[0])
    return out


class TarWalk:
    """Reads 512-byte headers from the inflated stream and skips each entry's data."""

    def __init__(self):
        self.pending = b""
        self.skip = 0
        self.ended = False
        self.zeros = 0
        self.error = None

    def feed(self, data):
        if self.ended or self.error:
            return
        view = memoryview(self.pending + data) if self.pending else memoryview(data)
        self.pending = b""
        pos = 0
        while pos < len(view):
            if self.skip:
                step = min(self.skip, len(view) - pos)
                self.skip -= step
                pos += step
                continue
            if len(view) - pos < 512:
                self.pending = bytes(view[pos:])
                return
            header = bytes(view[pos:pos + 512])
            pos += 512
            if header == b"\0" * 512:
                self.zeros += 1
                if self.zeros == 2:
                    self.ended = True
                    return
                continue
            self.zeros = 0
            stored = sum(header[:148]) + 256 + sum(header[156:])
            try:
                checksum = int(header[148:156].strip(b"\0 ") or b"0", 8)
                size = int(header[124:136].strip(b"\0 ") or b"0", 8)
            except ValueError:
                self.error = "bad tar header"
                return
            if checksum != stored:
                self.error = "tar header checksum"
                return
            self.skip = (size + 511) // 512 * 512


def check(item):
    path, want = item
    digest = hashlib.sha512()
    inflate = zlib.decompressobj(31)
    walk = TarWalk()
    try:
        with open(path, "rb") as f:
            while True:
                chunk = f.read(CHUNK)
                if not chunk:
                    break
                digest.update(chunk)
                if not inflate.eof:
                    walk.feed(inflate.decompress(chunk))
        walk.feed(inflate.flush())
    except (OSError, zlib.error) as error:
        return f"{path}: {error}"
    if not inflate.eof:
        return f"{path}: truncated gzip"
    if walk.error or not (walk.ended or (walk.zeros == 0 and walk.skip == 0 and not walk.pending)):
        return f"{path}: {walk.error or 'tar stream ends early'}"
    if want is None or digest.digest() != want:
        return f"{path}: sha512 differs from the packument"
    return None


items = []
for folder, _ in targets():
    wanted = expected(folder)
    for file in sorted(os.listdir(folder)):
        if file.endswith(".tgz"):
            items.append((os.path.join(folder, file), wanted.get(file)))
with ThreadPoolExecutor(workers) as pool:
    broken = [r for r in pool.map(check, items, chunksize=16) if r]
for line in broken[:10]:
    print(line, file=sys.stderr)
print(f"checked {len(items)}, broken {len(broken)}")
