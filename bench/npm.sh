#!/usr/bin/env bash
# npm-mirror benchmarks: prints a Markdown section (paste it into bench/RESULTS.md).
#
#   bash bench/npm.sh            TARBALLS=N (default 5000) tarballs, RUNS=N (default 3) runs each
#
# The storage: every package bundled with the installed npm, packed with `npm pack`, copied into
# TARBALLS/5 packages of 5 versions each (Verdaccio layout, packuments with sha512 integrity).
# Measured, each RUNS times (median, min–max), wall clock:
#   1. broken-scan (repair=false) of the whole storage through `ferry run … --wait`, against the
#      in-process reference (bench/npm-scan-reference.py: two threads, zlib + tar walk + sha512
#      per file, the same checks in one pass), the seed's way (a shell loop of `tar -tzf` per
#      file) and `gzip -t` on every core (`xargs -P $(nproc)`, the gzip check alone).
#   2. diff-build of the whole storage (`baseline=none`) in MB/s of input, against
#      `tar -cf - | zstd -3 -T0` of the same folder; a first scan (hashes everything) and a
#      second scan with nothing changed (hashes nothing).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$BENCH_ROOT"

RUNS="${RUNS:-3}"
TARBALLS="${TARBALLS:-5000}"
case "$TARBALLS" in ''|*[!0-9]*) die "TARBALLS must be a number";; esac
for tool in node npm curl python3 tar gzip zstd; do command -v "$tool" >/dev/null 2>&1 || die "$tool is missing"; done

FERRY="$(ferry_release_bin)"
WORK="$(mktemp -d /tmp/ferry-bench-npm.XXXXXX)"
FERRY_PID=""
cleanup() { stop_pid "$FERRY_PID"; rm -rf "$WORK"; }
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

STORAGE="$WORK/storage"
note "making a storage of $TARBALLS tarballs in $STORAGE"
BUNDLED="$(npm root -g)/npm/node_modules" STORAGE="$STORAGE" WORK="$WORK" TARBALLS="$TARBALLS" node - <<'JS'
const fs = require('fs'), path = require('path'), crypto = require('crypto'), { execFileSync } = require('child_process');
const { BUNDLED, STORAGE, WORK, TARBALLS } = process.env;
const dirs = fs.readdirSync(BUNDLED).flatMap(n => n.startsWith('@') ? fs.readdirSync(path.join(BUNDLED, n)).map(m => `${n}/${m}`) : [n])
  .filter(n => fs.existsSync(path.join(BUNDLED, n, 'package.json')));
// npm runs a folder's `prepare` even with --ignore-scripts: pack copies without packing hooks.
const copies = dirs.map((n, i) => {
  const copy = path.join(WORK, 'src', String(i));
  fs.cpSync(path.join(BUNDLED, n), copy, { recursive: true, filter: s => !s.includes('/node_modules/') || s.startsWith(BUNDLED) && !s.slice(BUNDLED.length + n.length + 2).includes('node_modules') });
  const file = path.join(copy, 'package.json');
  const m = JSON.parse(fs.readFileSync(file));
  if (m.scripts) for (const h of ['prepare', 'prepack', 'postpack', 'prepublish', 'prepublishOnly']) delete m.scripts[h];
  fs.writeFileSync(file, JSON.stringify(m));
  return copy;
});
const out = path.join(WORK, 'packed');
fs.mkdirSync(out);
execFileSync('npm', ['pack', '--ignore-scripts', '--loglevel=error', '--pack-destination', out, ...copies],
  { env: { ...process.env, npm_config_cache: path.join(WORK, 'cache') }, stdio: ['ignore', 'ignore', 'inherit'] });
const tarballs = fs.readdirSync(out).filter(f => f.endsWith('.tgz')).map(f => fs.readFileSync(path.join(out, f)));
const perPackage = 5, packages = Math.ceil(Number(TARBALLS) / perPackage);
let n = 0;
for (let p = 0; p < packages; p++) {
  const name = `bench-${String(p).padStart(5, '0')}`, dir = path.join(STORAGE, name);
  fs.mkdirSync(dir, { recursive: true });
  const doc = { name, versions: {}, 'dist-tags': {}, time: {}, _uplinks: {}, _distfiles: {}, _attachments: {}, _rev: '0-0000000000000000' };
  for (let v = 0; v < perPackage && n < Number(TARBALLS); v++, n++) {
    const version = `1.${v}.0`, file = `${name}-${version}.tgz`, bytes = tarballs[n % tarballs.length];
    fs.writeFileSync(path.join(dir, file), bytes);
    doc.versions[version] = { name, version, dist: { tarball: `https://registry.npmjs.org/${name}/-/${file}`,
      integrity: 'sha512-' + crypto.createHash('sha512').update(bytes).digest('base64'),
      shasum: crypto.createHash('sha1').update(bytes).digest('hex') } };
    doc['dist-tags'].latest = version;
  }
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify(doc, null, '\t'));
}
fs.writeFileSync(path.join(STORAGE, '.verdaccio-db.json'), '{"list":[],"secret":"bench"}');
JS
rm -rf "$WORK/src" "$WORK/packed" "$WORK/cache"
count="$(find "$STORAGE" -name '*.tgz' | wc -l)"
bytes="$(du -sb "$STORAGE" | cut -f1)"
mb="$(python3 -c "print(f'{$bytes / 1e6:.1f}')")"

port="$(free_port)"
cat > "$WORK/ferry.yaml" <<YAML
auth: { mode: none }
volumes: { allow: ["$STORAGE"] }
jobs: { concurrency: 2, retain: 2 }
YAML
"$FERRY" serve --config "$WORK/ferry.yaml" --data "$WORK/data" --listen "127.0.0.1:$port" >"$WORK/ferry.log" 2>&1 &
FERRY_PID=$!
FERRY_URL="http://127.0.0.1:$port"
wait_http "$FERRY_URL/api/health" 30 || { tail -20 "$WORK/ferry.log" >&2; die "ferry serve did not answer"; }
cat > "$WORK/bench.yaml" <<YAML
name: bench
source: { kind: npm-mirror, config: { storage: verdaccio, upstream: "http://127.0.0.1:9/" } }
volumes: [ { name: verdaccio, scope: absolute, path: "$STORAGE" } ]
YAML
"$FERRY" apply -f "$WORK/bench.yaml" --server "$FERRY_URL" >/dev/null
wait_deployed bench 60 || die "the bench workload did not deploy"

# timed CMD...: wall seconds of one run of CMD (its output goes to $WORK/last.out).
timed() { local t0; t0="$(now)"; "$@" >"$WORK/last.out" 2>&1 || { cat "$WORK/last.out" >&2; die "failed: $*"; }; python3 -c "print($(now) - $t0)"; }
# measure LABEL CMD...: RUNS runs, prints "median min max" seconds.
measure() {
    local label="$1" i times=()
    shift
    for ((i = 0; i < RUNS; i++)); do
        sync; wait_idle
        times+=("$(timed "$@")")
    done
    note "$label: ${times[*]} s"
    stats "${times[@]}"
}
ferry_run() { "$FERRY" run bench "$@" --wait --server "$FERRY_URL"; }
seed_loop() { find "$STORAGE" -name '*.tgz' | while read -r f; do tar -tzf "$f" >/dev/null || echo "$f" >>"$WORK/broken.txt"; done; }
reference() { python3 "$BENCH_ROOT/bench/npm-scan-reference.py" "$STORAGE" 2; }
gzip_parallel() { find "$STORAGE" -name '*.tgz' -print0 | xargs -0 -P "$(nproc)" -n 64 gzip -t; }
tar_zstd() { tar -cf - -C "$STORAGE" . | zstd -3 -T0 -q -f -o "$WORK/baseline.tar.zst"; }

read -r scan1 _ _ < <(RUNS=1 measure "first scan" ferry_run scan)
scan1_hashed="$(grep -o 'hashed [0-9]* of [0-9]*' "$WORK/last.out" | tail -1 | cut -d' ' -f2-)"
read -r scan2 scan2_min scan2_max < <(measure "second scan" ferry_run scan)
scan2_hashed="$(grep -o 'hashed [0-9]* of [0-9]*' "$WORK/last.out" | tail -1 | cut -d' ' -f2-)"

read -r broken broken_min broken_max < <(measure "ferry broken-scan" ferry_run broken-scan --param repair=false)
broken_summary="$(grep -o 'all [0-9]* tarballs are sound\|[0-9]* of [0-9]* tarballs broken.*' "$WORK/last.out" | tail -1)"
read -r ref ref_min ref_max < <(measure "in-process reference" reference)
ref_summary="$(tail -1 "$WORK/last.out")"
read -r seed seed_min seed_max < <(measure "tar -tzf loop" seed_loop)
read -r gz gz_min gz_max < <(measure "parallel gzip -t" gzip_parallel)

read -r diff diff_min diff_max < <(measure "diff-build" ferry_run diff-build --param baseline=none)
read -r tz tz_min tz_max < <(measure "tar | zstd" tar_zstd)
archive="$(ls -S "$WORK/data/artifacts/bench/"*.tar.zst | head -1)"
rate() { python3 -c "print(f'{$bytes / 1e6 / $1:.0f}')"; }
ratio() { python3 -c "print(f'x{$1 / $2:.1f}')"; }
# speed PEER FERRY: Ferry's rate as a share of the peer's (times are seconds for the same work).
speed() { python3 -c "print(f'{$1 / $2:.2f}')"; }

cat <<MD
### npm mirror ($count tarballs, $mb MB in $(find "$STORAGE" -name package.json | wc -l) packages)

* $(date -u), $(nproc) CPUs, ferry release build, RUNS=$RUNS; $(busy_report)
* storage: every package bundled with npm $(npm --version), \`npm pack\`ed, copied into packages of 5 versions (\`bench/npm.sh\`)

| what | median s | min–max s | note |
| --- | ---: | ---: | --- |
| ferry broken-scan (repair=false) | $broken | $broken_min–$broken_max | gzip + trailer CRC, tar to the end, sha512 vs packument; $broken_summary |
| in-process reference, 2 threads (\`bench/npm-scan-reference.py\`) | $ref | $ref_min–$ref_max | the same checks; $ref_summary; ferry runs at $(speed "$ref" "$broken") of its speed (target ≥ 0.9) |
| seed: \`tar -tzf\` per file, shell loop | $seed | $seed_min–$seed_max | $(ratio "$seed" "$broken") slower than ferry (target ≥ 8×); tar only |
| \`gzip -t\`, \`xargs -P $(nproc)\` | $gz | $gz_min–$gz_max | $(ratio "$gz" "$broken") of ferry; gzip only |
| ferry diff-build, whole storage | $diff | $diff_min–$diff_max | $(rate "$diff") MB/s, $(speed "$tz" "$diff") of tar \| zstd's rate (target ≥ 0.8); archive $(du -b "$archive" | cut -f1) bytes; includes the snapshot walk |
| \`tar -cf - \| zstd -3 -T0\` | $tz | $tz_min–$tz_max | $(rate "$tz") MB/s; $(du -b "$WORK/baseline.tar.zst" | cut -f1) bytes |
| ferry scan, first | $scan1 | – | $scan1_hashed files hashed (the snapshot diff-build reuses) |
| ferry scan, nothing changed | $scan2 | $scan2_min–$scan2_max | $scan2_hashed files hashed |

Commands: \`bash bench/npm.sh\` (TARBALLS=$TARBALLS RUNS=$RUNS). Ferry's figures are wall clock of
\`ferry run bench <action> --wait\` (dispatch, job and the CLI's 100 ms log polling included).
MD
