#!/usr/bin/env bash
# Makes the Verdaccio storage the example npm-mirror workload `npm` serves, and its workload file.
#
#   examples/.repos/npm-storage/       Verdaccio layout: <name>/package.json + tarballs, @scope/<name>/…
#   examples/.repos/npm-mirror.yaml    the workload file examples/ferry.yaml applies at start-up
#
# The storage is made once, offline, from packages bundled with the installed npm
# (/usr/lib/node_modules/npm/node_modules): `tar`, `npm-package-arg`, `@npmcli/fs`, `chalk` and
# everything they depend on, packed with `npm pack` and described by packuments as the registry
# writes them (dist.integrity sha512, dist.shasum sha1). Later runs leave an existing storage
# alone, so what refreshes add to it survives. Then try:
#
#   npm install --registry http://127.0.0.1:8080/npm/npm/ tar chalk
set -euo pipefail

die() { echo "make-example-npm: $*" >&2; exit 1; }

command -v node >/dev/null 2>&1 || die "node is not installed (apt-get install nodejs npm)"
command -v npm >/dev/null 2>&1 || die "npm is not installed (apt-get install npm)"

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
repos="$root/examples/.repos"
storage="$repos/npm-storage"
bundled="$(npm root -g)/npm/node_modules"
[ -d "$bundled" ] || die "$bundled is missing: the packages bundled with npm are the example's source"

mkdir -p "$repos"

if [ -n "$(find "$storage" -name package.json -print -quit 2>/dev/null)" ]; then
    echo "make-example-npm: $storage exists; left as is"
else
    work="$(mktemp -d)"
    trap 'rm -rf "$work"' EXIT
    mkdir -p "$storage"
    BUNDLED="$bundled" STORAGE="$storage" WORK="$work" node - <<'JS'
const fs = require('fs'), path = require('path'), crypto = require('crypto'), { execFileSync } = require('child_process');
const { BUNDLED, STORAGE, WORK } = process.env;
const roots = ['tar', 'npm-package-arg', '@npmcli/fs', 'chalk'];

// Node's resolution: the nearest node_modules/<dep> walking up, else the top level.
const seen = new Map();
function resolve(name, from) {
  for (let dir = from; dir.startsWith(BUNDLED); dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'node_modules', name);
    if (fs.existsSync(path.join(candidate, 'package.json'))) return candidate;
  }
  const top = path.join(BUNDLED, name);
  return fs.existsSync(top) ? top : null;
}
function walk(dir) {
  const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'package.json')));
  const key = `${manifest.name}@${manifest.version}`;
  if (seen.has(key)) return;
  seen.set(key, dir);
  for (const dep of Object.keys(manifest.dependencies || {}).sort()) {
    const found = resolve(dep, dir);
    if (found) walk(found);
  }
}
roots.forEach(r => walk(path.join(BUNDLED, r)));

// npm runs a folder's `prepare` even with --ignore-scripts, so pack copies without the packing hooks.
const copies = [...seen.values()].map((dir, i) => {
  const copy = path.join(WORK, 'src', String(i));
  fs.cpSync(dir, copy, { recursive: true, filter: src => !src.startsWith(path.join(dir, 'node_modules')) });
  const file = path.join(copy, 'package.json');
  const manifest = JSON.parse(fs.readFileSync(file));
  for (const hook of ['prepare', 'prepack', 'postpack', 'prepublish', 'prepublishOnly']) if (manifest.scripts) delete manifest.scripts[hook];
  fs.writeFileSync(file, JSON.stringify(manifest, null, 2));
  return copy;
});
const out = path.join(WORK, 'packed');
fs.mkdirSync(out);
execFileSync('npm', ['pack', '--ignore-scripts', '--loglevel=error', '--pack-destination', out, ...copies],
             { env: { ...process.env, npm_config_cache: path.join(WORK, 'cache') }, stdio: ['ignore', 'ignore', 'inherit'] });

const packuments = new Map();
for (const copy of copies) {
  const manifest = JSON.parse(fs.readFileSync(path.join(copy, 'package.json')));
  const { name, version } = manifest;
  const bytes = fs.readFileSync(path.join(out, `${name.replace('@', '').replace('/', '-')}-${version}.tgz`));
  const file = `${name.split('/').pop()}-${version}.tgz`;
  const dir = path.join(STORAGE, name);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, file), bytes);
  const doc = { ...manifest, _id: `${name}@${version}`, dist: {
    tarball: `https://registry.npmjs.org/${name}/-/${file}`,
    integrity: 'sha512-' + crypto.createHash('sha512').update(bytes).digest('base64'),
    shasum: crypto.createHash('sha1').update(bytes).digest('hex') } };
  const p = packuments.get(name) || { name, versions: {}, 'dist-tags': {}, time: {}, _uplinks: {}, _distfiles: {}, _attachments: {}, _rev: '0-0000000000000000' };
  p.versions[version] = doc;
  p.time[version] = new Date().toISOString();
  p._distfiles[file] = { url: doc.dist.tarball, sha: doc.dist.shasum, registry: 'npmjs' };
  packuments.set(name, p);
}
const semver = require(path.join(BUNDLED, 'semver'));
for (const [name, p] of packuments) {
  p['dist-tags'].latest = semver.rsort(Object.keys(p.versions))[0];
  p.time.modified = new Date().toISOString();
  const file = path.join(STORAGE, name, 'package.json');
  fs.writeFileSync(file + '.tmp-example', JSON.stringify(p, null, '\t'));
  fs.renameSync(file + '.tmp-example', file);
}
fs.writeFileSync(path.join(STORAGE, '.verdaccio-db.json'), JSON.stringify({ list: [], secret: crypto.randomBytes(16).toString('hex') }));
console.log(`make-example-npm: packed ${copies.length} versions of ${packuments.size} packages into ${STORAGE}`);
JS
fi

cat > "$repos/npm-mirror.yaml" <<YAML
# Written by scripts/make-example-npm.sh; applied at start-up by examples/ferry.yaml.
name: npm
source:
  kind: npm-mirror
  config:
    storage: verdaccio
    upstream: "https://registry.npmjs.org/"
volumes:
  - { name: verdaccio, scope: absolute, path: "$storage" }
triggers:
  - { kind: manual, action: scan }
YAML
echo "make-example-npm: wrote $repos/npm-mirror.yaml"
