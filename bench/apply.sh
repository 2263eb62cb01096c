#!/usr/bin/env bash
# The overhead of `landfall apply` over the same podman commands run
# directly: both bring up the example shop's local scope (a network, two
# volumes, a config, three containers) from nothing, and `landfall down`
# removes it before every run.
#
#   bench/apply.sh [RUNS]
#
# The direct script is what `landfall apply --dry-run` prints for the empty
# scope, so both run exactly the same engine commands; landfall adds
# reading the scope's labels, the lock, and checking that every replica
# runs. The plan's readiness probes are left out (the script has no way to
# run them), so the figure is landfall's own cost, not probe waiting.
#
# Needs hyperfine, python3 and a configured podman (.ci/setup-podman.sh).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
runs=${1:-10}

for tool in hyperfine python3 podman; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "bench/apply.sh: $tool not found" >&2
        exit 1
    fi
done

cargo build --release -p landfall-cli --quiet
landfall=$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')/release/landfall

out=bench/out/apply
mkdir -p "$out"
export XDG_STATE_HOME=$PWD/$out/state

python3 - crates/landfall-runner/tests/fixtures/shop-local.plan.json "$out/plan.json" <<'PY'
import json, sys
plan = json.load(open(sys.argv[1]))
plan["application"]["name"] = "bench"
for workload in plan["workloads"]:
    for container in workload["containers"]:
        container["probes"] = {}
open(sys.argv[2], "w").write(json.dumps(plan, indent=2) + "\n")
PY

"$landfall" down --scope bench/local >/dev/null
{
    echo "set -e"
    "$landfall" apply --dry-run "$out/plan.json" | grep -v '^#'
} > "$out/direct.sh"
# The config directory the direct script mounts (apply writes it itself;
# down removes it, so the direct runs restore a copy).
"$landfall" apply "$out/plan.json" >/dev/null
rm -rf "$out/configs"
cp -a "$XDG_STATE_HOME/landfall/bench/local/configs" "$out/configs"
echo "== the direct script ($(grep -c '^podman' "$out/direct.sh") podman commands)"
cut -c1-120 "$out/direct.sh"

hyperfine --warmup 1 --runs "$runs" \
    --prepare "$landfall down --scope bench/local >/dev/null" \
    --prepare "$landfall down --scope bench/local >/dev/null && mkdir -p $XDG_STATE_HOME/landfall/bench/local && cp -a $out/configs $XDG_STATE_HOME/landfall/bench/local/" \
    --export-markdown "$out/results.md" \
    -n "landfall apply" "$landfall apply $out/plan.json" \
    -n "podman commands directly" "bash $out/direct.sh >/dev/null"
"$landfall" down --scope bench/local >/dev/null
