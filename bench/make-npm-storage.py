#!/usr/bin/env python3
"""An npm storage in Verdaccio's layout for bench/serve.sh: one package, bench-pkg, with VERSIONS
versions whose tarballs hold SIZE bytes of incompressible data each (so a tarball is about SIZE
bytes), and a packument with dist.integrity and dist.shasum as the registry gives them.

    python3 bench/make-npm-storage.py STORAGE VERSIONS SIZE
"""
import base64, hashlib, io, json, os, sys, tarfile

storage, versions, size = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
name = "bench-pkg"
folder = os.path.join(storage, name)
os.makedirs(folder, exist_ok=True)
doc = {"name": name, "versions": {}, "dist-tags": {}, "time": {}, "_uplinks": {}, "_distfiles": {}, "_attachments": {},
       "_rev": "0-0000000000000000"}
for v in range(versions):
    version = f"1.{v}.0"
    manifest = {"name": name, "version": version, "description": "a benchmark package", "main": "index.js"}
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w:gz") as tar:
        for path, data in (("package/package.json", json.dumps(manifest).encode()), ("package/data.bin", os.urandom(size))):
            info = tarfile.TarInfo(path)
            info.size, info.mtime, info.mode = len(data), 1_700_000_000, 0o644
            tar.addfile(info, io.BytesIO(data))
    tarball = raw.getvalue()
    file = f"{name}-{version}.tgz"
    with open(os.path.join(folder, file), "wb") as out:
        out.write(tarball)
    manifest["dist"] = {"tarball": f"https://registry.npmjs.org/{name}/-/{file}",
                        "integrity": "sha512-" + base64.b64encode(hashlib.sha512(tarball).digest()).decode(),
                        "shasum": hashlib.sha1(tarball).hexdigest()}
    doc["versions"][version] = manifest
    doc["time"][version] = "2026-01-01T00:00:00.000Z"
    doc["dist-tags"]["latest"] = version
with open(os.path.join(folder, "package.json"), "w") as out:
    json.dump(doc, out, indent="\t")
with open(os.path.join(storage, ".verdaccio-db.json"), "w") as out:
    out.write('{"list":[],"secret":"bench"}')
