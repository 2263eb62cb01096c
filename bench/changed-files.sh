#!/usr/bin/env bash
# The changed-files mode: `landfall check FILE` for one file of a
# 10,000-file project (a git repository), process start included, against
# the whole check of the same project.
#
#   bench/changed-files.sh
#
# Needs hyperfine. Trees go to bench/out/ (gitignored) and are reused.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

if ! command -v hyperfine >/dev/null 2>&1; then
    echo "bench/changed-files.sh: hyperfine not found: apt-get install hyperfine" >&2
    exit 1
fi

cargo build --profile dist -p landfall-cli -p landfall-bench
landfall=$PWD/target/dist/landfall
gen=$PWD/target/dist/landfall-gen-tree
out=bench/out
tree="$out/project-10000"
mkdir -p "$out"
if [[ ! -d $tree ]]; then
    rm -rf "$tree.tmp"
    "$gen" --out "$tree.tmp" --files 10000
    # A project root: the changed-files mode needs a landfall.toml or .git.
    # Committed, as a project is: a file unchanged since the last commit
    # is checked once, a changed one also as it was (its consequences).
    git init -q "$tree.tmp"
    git -C "$tree.tmp" add -A
    git -C "$tree.tmp" -c user.name=bench -c user.email=bench@localhost \
        commit -q -m tree
    mv "$tree.tmp" "$tree"
fi

cd "$tree"
# -N: no shell between runs; -i: findings (exit 1) are not failed runs.
hyperfine --warmup 3 -i -N \
    --export-markdown ../changed-files.md \
    -n "one changed file of 10,000 (workload)" "$landfall check apps/app-0007/backup.yaml" \
    -n "one changed file of 10,000 (application)" "$landfall check apps/app-0700/application.yaml" \
    -n "the whole project, 10,000 files" "$landfall check"
