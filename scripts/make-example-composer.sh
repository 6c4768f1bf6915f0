#!/usr/bin/env bash
# Makes the git repository the example Composer repository `packages` publishes, and its workload file.
#
#   examples/composer-lib/                 the library (edit this)
#   examples/.repos/composer-lib.git       bare repository: branch main, tag v1.0.0 (what Ferry reads)
#   examples/.repos/composer-lib-work      work clone used to make the commits
#   examples/.repos/composer.yaml          the workload file examples/ferry.yaml applies at start-up
#
# Idempotent: the first run commits examples/composer-lib/ and tags it v1.0.0; later runs commit
# what changed there to main (a dev-main version) and never move the tag. To publish a new
# version, tag it in the work clone and push: git -C examples/.repos/composer-lib-work tag v1.1.0 && git -C … push --tags
set -euo pipefail

die() { echo "make-example-composer: $*" >&2; exit 1; }

command -v git >/dev/null 2>&1 || die "git is not installed; run 'make deps' (or: apt-get install git)"

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
lib="$root/examples/composer-lib"
repos="$root/examples/.repos"
bare="$repos/composer-lib.git"
work="$repos/composer-lib-work"
branch=main

[ -d "$lib" ] || die "$lib is missing"

g() {
    git -c user.name=Ferry -c user.email=ferry@localhost \
        -c init.defaultBranch="$branch" -c commit.gpgsign=false -c tag.gpgsign=false -c core.autocrlf=false "$@"
}

mkdir -p "$repos"
if ! git --git-dir="$bare" rev-parse --git-dir >/dev/null 2>&1; then
    rm -rf "$bare"
    g init --quiet --bare "$bare"
    g --git-dir="$bare" symbolic-ref HEAD "refs/heads/$branch"
    echo "make-example-composer: created $bare"
fi
if [ ! -d "$work/.git" ]; then
    rm -rf "$work"
    g clone --quiet "$bare" "$work" 2>/dev/null
fi

g -C "$work" fetch --quiet --tags origin
if g -C "$work" rev-parse --quiet --verify "refs/remotes/origin/$branch" >/dev/null; then
    g -C "$work" checkout --quiet --force -B "$branch" "origin/$branch"
else
    g -C "$work" symbolic-ref HEAD "refs/heads/$branch"
fi
find "$work" -mindepth 1 -maxdepth 1 ! -name .git -exec rm -rf {} +
cp -R "$lib/." "$work/"
g -C "$work" add --all
if g -C "$work" diff --cached --quiet; then
    echo "make-example-composer: examples/composer-lib unchanged; no new commit"
else
    g -C "$work" commit --quiet -m "The example library" -m "From examples/composer-lib"
    echo "make-example-composer: committed $(g -C "$work" rev-parse --short HEAD)"
fi
if ! g -C "$work" rev-parse --quiet --verify refs/tags/v1.0.0 >/dev/null; then
    g -C "$work" tag -a -m "First release" v1.0.0
    echo "make-example-composer: tagged v1.0.0"
fi
g -C "$work" push --quiet --tags origin "$branch"

cat > "$repos/composer.yaml" <<YAML
# Written by scripts/make-example-composer.sh; applied at start-up by examples/ferry.yaml.
# Try it:  composer config repositories.ferry composer http://127.0.0.1:8080/composer/packages
#          composer config secure-http false && composer require ferry-example/greeter
name: packages
source:
  kind: composer-repo
  config:
    vcs:
      - { url: "file://$bare" }
triggers:
  - { kind: manual, action: deploy }
YAML
echo "make-example-composer: wrote $repos/composer.yaml"
