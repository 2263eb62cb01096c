#!/usr/bin/env bash
# The policy language's benchmark: `landfall check` on the 20,000-file
# benchmark tree with the built-in rules alone, and with 20 policy rules
# (landfall-gen-tree --policies writes them to policies/acme.policy and
# lists them in the Platform). The budget: at most 25% more time.
#
#   bench/policy.sh
#
# Needs hyperfine (apt-get install hyperfine). Trees and results go to
# bench/out/ (gitignored); existing trees are reused.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

if ! command -v hyperfine >/dev/null 2>&1; then
    echo "bench/policy.sh: hyperfine not found: apt-get install hyperfine" >&2
    exit 1
fi

cargo build --profile dist -p landfall-cli -p landfall-bench

target=${CARGO_TARGET_DIR:-target}
landfall=$target/dist/landfall
gen=$target/dist/landfall-gen-tree
out=bench/out
mkdir -p "$out"

# Two trees that differ only in the Platform's `policies` (and the policy file).
tree() {
    local dir=$1
    shift
    if [[ ! -d $dir ]]; then
        rm -rf "$dir.tmp"
        "$gen" --out "$dir.tmp" --files 20000 "$@"
        mv "$dir.tmp" "$dir"
    fi
}
tree "$out/tree-20000"
tree "$out/tree-20000-policies" --policies

# The policies must pass on the generated tree: a run that reports
# thousands of findings would measure rendering, not the rules.
if ! "$landfall" check "$out/tree-20000-policies" --format json >/dev/null; then
    echo "bench/policy.sh: the policy tree has findings; fix the generator" >&2
    exit 1
fi

hyperfine --warmup 2 -N \
    --export-markdown "$out/policy.md" \
    --export-json "$out/policy.json" \
    -n "built-in rules" "$landfall check $out/tree-20000 --format json" \
    -n "built-in rules + 20 policy rules" "$landfall check $out/tree-20000-policies --format json"
