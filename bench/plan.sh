#!/usr/bin/env bash
# Benchmarks `landfall plan` on one application whose one Scope (a local
# one) holds 1,000 workloads: reading, checking and lowering 1,004 files,
# process start included. The issue's budget is 50 ms. Then the planning
# step alone (lowering and writing the plan JSON, in-process, after one
# check) with landfall-bench-plan.
#
#   bench/plan.sh
#
# Needs hyperfine (apt-get install hyperfine). Installs nothing. The tree
# and results go to bench/out/ (gitignored); an existing tree is reused.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

if ! command -v hyperfine >/dev/null 2>&1; then
    echo "bench/plan.sh: hyperfine not found: apt-get install hyperfine" >&2
    exit 1
fi

cargo build --profile dist -p landfall-cli -p landfall-bench

landfall="${CARGO_TARGET_DIR:-target}/dist/landfall"
gen="${CARGO_TARGET_DIR:-target}/dist/landfall-gen-tree"
out=bench/out
mkdir -p "$out"

# platform.yaml, scopetypes.yaml, application.yaml, 1,000 workloads, 1 scope.
tree="$out/tree-plan-1000"
if [[ ! -d $tree ]]; then
    rm -rf "$tree.tmp"
    "$gen" --out "$tree.tmp" --files 1004 --workloads-per-app 1000 \
        --scopes-per-app 1 --scope-type dev-box
    mv "$tree.tmp" "$tree"
fi

# The scope must plan: a failing run would measure the error path.
"$landfall" plan "$tree" --scope app-0000/production --format json >"$out/plan-1000.json"
echo "plan of $(grep -c '"specHash"' "$out/plan-1000.json") workloads written to $out/plan-1000.json"

# -N: no intermediate shell; hyperfine sends stdout to /dev/null.
hyperfine --warmup 3 -N \
    --export-markdown "$out/plan.md" \
    --export-json "$out/plan.json" \
    -n "plan, 1,000 workloads (json)" "$landfall plan $tree --scope app-0000/production --format json" \
    -n "plan, 1,000 workloads (diff)" "$landfall plan $tree --scope app-0000/production" \
    -n "check, same tree" "$landfall check $tree --format json"

# On a shared machine a few slow runs pull the mean up: the median too.
if command -v python3 >/dev/null 2>&1; then
    python3 - "$out/plan.json" <<'PY'
import json, statistics, sys
for result in json.load(open(sys.argv[1]))["results"]:
    times = [t * 1000 for t in result["times"]]
    print(f"{result['command']}: median {statistics.median(times):.1f} ms, "
          f"mean {statistics.mean(times):.1f} ms over {len(times)} runs")
PY
fi

"${CARGO_TARGET_DIR:-target}/dist/landfall-bench-plan" "$tree" --scope app-0000/production --repeat 50
