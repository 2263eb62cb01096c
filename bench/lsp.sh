#!/usr/bin/env bash
# `landfall lsp` on the 10,000-file generated tree: the first diagnostics
# after `initialize`, and the diagnostics of one keystroke in one Workload
# file, p50 and p95 over 100 edits (bench/lsp_latency.py).
#
#   bench/lsp.sh [EDITS]
#
# Trees go to bench/out/ (gitignored) and are reused.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

cargo build --release -p landfall-cli -p landfall-bench
target=${CARGO_TARGET_DIR:-$PWD/target}
gen=$target/release/landfall-gen-tree
out=bench/out
tree="$out/tree-10000"
mkdir -p "$out"
if [[ ! -d $tree ]]; then
    rm -rf "$tree.tmp"
    "$gen" --out "$tree.tmp" --files 10000
    mv "$tree.tmp" "$tree"
fi
python3 bench/lsp_latency.py "$target/release/landfall" "$tree" "${1:-100}"
