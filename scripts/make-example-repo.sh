#!/usr/bin/env bash
# Makes the git repository the example workload `hello` deploys from, and its workload file.
#
#   examples/site/                    the content (edit this)
#   examples/.repos/hello.git         bare repository, branch main (what Ferry fetches)
#   examples/.repos/hello-work        work clone used to make the commits
#   examples/.repos/workloads.yaml    the workload file examples/ferry.yaml applies at start-up
#
# Idempotent: the first run creates the repository from examples/site/; later runs commit what
# changed there (additions, edits, deletions) as one new commit, and commit nothing when nothing
# changed. The workload file is rewritten each time (same content unless the checkout moved).
set -euo pipefail

die() { echo "make-example-repo: $*" >&2; exit 1; }

command -v git >/dev/null 2>&1 || die "git is not installed; run 'make deps' (or: apt-get install git)"

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
site="$root/examples/site"
repos="$root/examples/.repos"
bare="$repos/hello.git"
work="$repos/hello-work"
branch=main

[ -d "$site" ] || die "$site is missing"

# Same identity and settings on every machine, whatever the user's git config says.
g() {
    git -c user.name=Ferry -c user.email=ferry@localhost \
        -c init.defaultBranch="$branch" -c commit.gpgsign=false -c core.autocrlf=false "$@"
}

mkdir -p "$repos"

if ! git --git-dir="$bare" rev-parse --git-dir >/dev/null 2>&1; then
    rm -rf "$bare"
    g init --quiet --bare "$bare"
    g --git-dir="$bare" symbolic-ref HEAD "refs/heads/$branch"
    echo "make-example-repo: created $bare"
fi

if ! git -C "$work" rev-parse --git-dir >/dev/null 2>&1 || [ ! -d "$work/.git" ]; then
    rm -rf "$work"
    g clone --quiet "$bare" "$work" 2>/dev/null
fi

# Start from what the bare repository has (it is the history of record), then make the work
# tree an exact copy of examples/site/.
g -C "$work" fetch --quiet origin
if g -C "$work" rev-parse --quiet --verify "refs/remotes/origin/$branch" >/dev/null; then
    g -C "$work" checkout --quiet --force -B "$branch" "origin/$branch"
else
    g -C "$work" symbolic-ref HEAD "refs/heads/$branch"
fi
find "$work" -mindepth 1 -maxdepth 1 ! -name .git -exec rm -rf {} +
cp -R "$site/." "$work/"
g -C "$work" add --all

if g -C "$work" diff --cached --quiet; then
    echo "make-example-repo: examples/site unchanged; no new commit"
else
    if g -C "$work" rev-parse --quiet --verify HEAD >/dev/null; then
        subject="Update the example site"
    else
        subject="The example site"
    fi
    changes="$(g -C "$work" diff --cached --name-status)"
    g -C "$work" commit --quiet -m "$subject" -m "From examples/site:"$'\n'"$changes"
    echo "make-example-repo: committed $(g -C "$work" rev-parse --short HEAD) ($subject)"
fi
# Also pushes a commit a previous, interrupted run made but did not push.
g -C "$work" push --quiet origin "$branch"

cat > "$repos/workloads.yaml" <<YAML
# Written by scripts/make-example-repo.sh; applied at start-up by examples/ferry.yaml.
name: hello
source:
  kind: static-site
  config:
    repo: "file://$bare"
    branch: $branch
    folder: public
    markdown: true
triggers:
  - { kind: manual, action: deploy }
YAML
echo "make-example-repo: wrote $repos/workloads.yaml"
