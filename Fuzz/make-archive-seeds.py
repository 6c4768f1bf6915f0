#!/usr/bin/env python3
"""Writes the binary seeds of Fuzz/Corpus (npm tarballs, diff archives) in real shapes, byte for
byte the same on every run: small gzip'd tars as npm publishes them, and `ferry npm apply` diffs
(manifest.json, README.md, storage/...) as plain tar and as tar.zst. Needs the `zstd` command.
Run from anywhere: python3 Fuzz/make-archive-seeds.py"""
import gzip, hashlib, io, json, os, subprocess, tarfile

tarfile.RECORDSIZE = 1024  # end-of-archive padding only, not 10 KiB blocks: small seeds
here = os.path.dirname(os.path.abspath(__file__))
corpus = os.path.join(here, "Corpus")


def tar(entries, fmt=tarfile.GNU_FORMAT):
    """entries: (name, bytes | None for a folder | ('symlink', target))."""
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w", format=fmt) as t:
        for name, body in entries:
            info = tarfile.TarInfo(name)
            info.mtime = 1_700_000_000
            info.uname = info.gname = ""
            if body is None:
                info.type, info.mode = tarfile.DIRTYPE, 0o755
                t.addfile(info)
            elif isinstance(body, tuple):
                info.type, info.linkname = tarfile.SYMTYPE if body[0] == "symlink" else tarfile.LNKTYPE, body[1]
                t.addfile(info)
            else:
                info.size, info.mode = len(body), 0o644
                t.addfile(info, io.BytesIO(body))
    return out.getvalue()


def write(folder, name, data):
    os.makedirs(os.path.join(corpus, folder), exist_ok=True)
    with open(os.path.join(corpus, folder, name), "wb") as f:
        f.write(data)


def gz(data):
    return gzip.compress(data, mtime=0)


def zst(data):
    return subprocess.run(["zstd", "-q", "-19", "-c"], input=data, stdout=subprocess.PIPE, check=True).stdout


package_json = json.dumps({"name": "left-pad", "version": "1.3.0", "main": "index.js"}, indent=2).encode()
index_js = b"module.exports = (s, n, c) => String(s).padStart(n, c === undefined ? ' ' : c);\n"
write("TarballFuzz", "left-pad-1.3.0.tgz", gz(tar([("package/package.json", package_json), ("package/index.js", index_js)])))
write("TarballFuzz", "pax-long-name.tgz", gz(tar([("package/" + "a" * 120 + ".js", b"x"), ("package/package.json", package_json)], tarfile.PAX_FORMAT)))
write("TarballFuzz", "symlink.tgz", gz(tar([("package/link", ("symlink", "../../etc/passwd"))])))
write("TarballFuzz", "empty-tar.tgz", gz(b"\0" * 1024))


def diff(files, removed=(), extra=()):
    manifest = {
        "format": "ferry-npm-diff/1", "workload": "npm", "baseline": "snap-1", "snapshot": "snap-2",
        "createdAt": "2026-11-23T04:00:00Z", "removed": list(removed),
        "files": [{"path": p, "size": len(b), "sha512": hashlib.sha512(b).hexdigest(), "change": "new"} for p, b in files],
    }
    entries = [("manifest.json", json.dumps(manifest, indent=2, sort_keys=True).encode()),
               ("README.md", b"# npm diff\nApply with: ferry npm apply <archive> --storage <folder>\n"), ("storage/", None)]
    entries += [("storage/" + p, b) for p, b in files] + list(extra)
    return tar(entries), json.dumps(manifest).encode()


packument = json.dumps({"name": "left-pad", "versions": {"1.3.0": {"dist": {"tarball": "http://x/left-pad/-/left-pad-1.3.0.tgz"}}}}).encode()
good, good_manifest = diff([("left-pad/left-pad-1.3.0.tgz", b"tarball bytes"), ("left-pad/package.json", packument)], removed=["old/package.json"])
write("DiffArchiveFuzz", "diff.tar", good)
write("DiffArchiveFuzz", "diff.tar.zst", zst(good))
write("DiffArchiveFuzz", "manifest.json", good_manifest)
escape, _ = diff([("../outside", b"x")])
write("DiffArchiveFuzz", "escape.tar", escape)
link, _ = diff([], extra=[("storage/left-pad/evil", ("symlink", "/etc"))])
write("DiffArchiveFuzz", "symlink.tar", link)
