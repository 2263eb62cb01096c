#!/usr/bin/env bash
# The overhead of `landfall apply` over the same podman commands run
# directly, from nothing (`landfall down` before every run), on two plans:
#   shop:   the example shop's local scope (a network, two volumes, a
#           config, two workloads with three containers); landfall moves
#           workloads side by side, the script one command after another;
#   single: one workload of three replicas, where nothing runs side by
#           side, so the difference is landfall's own cost (reading the
#           scope's labels, the lock, checking that the replicas run).
#
#   bench/apply.sh [RUNS]
#
# The direct scripts are what `landfall apply --dry-run` prints for the
# empty scope: both sides run exactly the same engine commands. Readiness
# probes are left out of the plans (a script has no way to run them), so
# the figures are landfall's cost, not probe waiting.
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

python3 - crates/landfall-runner/tests/fixtures/shop-local.plan.json "$out" <<'PY'
import json, sys
source, out = sys.argv[1], sys.argv[2]
plan = json.load(open(source))
plan["application"]["name"] = "bench"
for workload in plan["workloads"]:
    for container in workload["containers"]:
        container["probes"] = {}
open(out + "/shop.json", "w").write(json.dumps(plan, indent=2) + "\n")
single = json.loads(json.dumps(plan))
single["application"]["name"] = "benchone"
single["workloads"] = [w for w in single["workloads"] if w["name"] == "storefront"]
single["workloads"][0]["replicas"] = 3
single["volumes"] = [v for v in single["volumes"] if v["name"] == "page-cache"]
single["actions"] = [a for a in single["actions"] if a["name"] not in ("api", "api-cache")]
open(out + "/single.json", "w").write(json.dumps(single, indent=2) + "\n")
PY

for case in shop:bench single:benchone; do
    name=${case%%:*}
    app=${case#*:}
    scope_dir=$XDG_STATE_HOME/landfall/$app/local
    "$landfall" down --scope "$app/local" >/dev/null 2>&1
    { echo "set -e"; "$landfall" apply --dry-run "$out/$name.json" | grep -v '^#'; } > "$out/$name.sh"
    # The config directory the script mounts: apply writes it itself,
    # down removes it, so the script's runs get a copy back first.
    "$landfall" apply "$out/$name.json" >/dev/null 2>&1
    rm -rf "$out/$name-configs"
    cp -a "$scope_dir/configs" "$out/$name-configs"
    echo "== $name: $(grep -c '^podman' "$out/$name.sh") podman commands"
    hyperfine --warmup 1 --runs "$runs" \
        --prepare "$landfall down --scope $app/local >/dev/null 2>&1" \
        --prepare "$landfall down --scope $app/local >/dev/null 2>&1 && mkdir -p $scope_dir && cp -a $out/$name-configs $scope_dir/configs" \
        --export-markdown "$out/$name.md" \
        -n "landfall apply ($name)" "$landfall apply $out/$name.json" \
        -n "podman commands directly ($name)" "bash $out/$name.sh >/dev/null"
    "$landfall" down --scope "$app/local" >/dev/null 2>&1
done
