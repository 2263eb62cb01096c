#!/usr/bin/env bash
# The overhead of `landfall apply` over the same podman commands run
# directly, from nothing (`landfall down` before every run), on two plans:
#   shop:   the example shop's local scope (a network, two volumes, a
#           config, two workloads with three containers); landfall moves
#           workloads side by side, the script one command after another;
#   single: one workload of three replicas, which landfall starts side
#           by side and the script one after another;
#   one:    one workload of one replica, where only the network and the
#           volume are made side by side, so the difference is landfall's
#           own fixed cost (reading the plan, the lock, the state
#           directory, the engine's processes and their output).
#
#   bench/apply.sh [RUNS]     (rounds, default 10)
#   LANDFALL=/path/to/landfall bench/apply.sh [RUNS]
#
# The direct scripts are what `landfall apply --dry-run` prints for the
# empty scope: both sides run exactly the same engine commands, the
# script one after another (as `--dry-run` lists them), landfall its
# workloads and a workload's new replicas side by side. Readiness
# probes are left out of the plans (a script has no way to run them), so
# the figures are landfall's cost, not probe waiting; so are fixed host
# ports.
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

# LANDFALL=path/to/landfall benchmarks that binary (e.g. an older build,
# for a before/after comparison) instead of building this tree.
if [[ -n "${LANDFALL:-}" ]]; then
    landfall=$LANDFALL
else
    cargo build --profile dist -p landfall-cli --quiet
    landfall=$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')/dist/landfall
fi

out=bench/out/apply
mkdir -p "$out"
export XDG_STATE_HOME=$PWD/$out/state

# The example's local scope, lowered as `landfall apply --scope` would
# (its findings are the example's, shown only if planning fails).
if ! "$landfall" plan examples/shop --scope shop/local -o "$out/shop-source.json" \
        >/dev/null 2>"$out/plan.log"; then
    cat "$out/plan.log" >&2
    exit 1
fi
python3 - "$out/shop-source.json" "$out" <<'PY'
import json, sys
source, out = sys.argv[1], sys.argv[2]
plan = json.load(open(source))
plan["application"]["name"] = "bench"
for workload in plan["workloads"]:
    for container in workload["containers"]:
        container["probes"] = {}
        # The engine picks every host port: a fixed one (the example's API
        # on 18080) could be held by something else on the machine.
        for port in container["ports"]:
            port.pop("hostPort", None)
open(out + "/shop.json", "w").write(json.dumps(plan, indent=2) + "\n")
single = json.loads(json.dumps(plan))
single["application"]["name"] = "benchone"
single["workloads"] = [w for w in single["workloads"] if w["name"] == "storefront"]
single["workloads"][0]["replicas"] = 3
single["volumes"] = [v for v in single["volumes"] if v["name"] == "page-cache"]
single["actions"] = [a for a in single["actions"] if a["name"] not in ("api", "api-cache")]
open(out + "/single.json", "w").write(json.dumps(single, indent=2) + "\n")
one = json.loads(json.dumps(single))
one["application"]["name"] = "benchsolo"
one["workloads"][0]["replicas"] = 1
open(out + "/one.json", "w").write(json.dumps(one, indent=2) + "\n")
PY

# The two commands run in alternating rounds (one run each, the order
# swapped every round) rather than all runs of one and then all of the
# other: on a shared machine the load drifts, and blocks of runs would
# charge the drift to whichever command ran during it.
for case in shop:bench single:benchone one:benchsolo; do
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
    echo "== $name: $(grep -c '^podman' "$out/$name.sh") podman commands, $runs alternating rounds"
    landfall_cmd="$landfall apply $out/$name.json"
    direct_cmd="bash $out/$name.sh"
    landfall_prepare="$landfall down --scope $app/local >/dev/null 2>&1"
    direct_prepare="$landfall_prepare && mkdir -p $scope_dir && cp -a $out/$name-configs $scope_dir/configs"
    rm -f "$out/$name".round-*.json
    for round in $(seq 0 "$runs"); do
        # Round 0 warms both up and is not counted.
        if ((round % 2 == 0)); then
            order=(--prepare "$landfall_prepare" -n landfall "$landfall_cmd"
                   --prepare "$direct_prepare" -n direct "$direct_cmd")
        else
            order=(--prepare "$direct_prepare" -n direct "$direct_cmd"
                   --prepare "$landfall_prepare" -n landfall "$landfall_cmd")
        fi
        hyperfine --runs 1 --style none --export-json "$out/$name.round-$round.json" \
            "${order[@]}" >/dev/null
    done
    "$landfall" down --scope "$app/local" >/dev/null 2>&1
    python3 - "$out" "$name" "$runs" <<'PY'
import json, statistics, sys
out, name, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
times = {"landfall": [], "direct": []}
for round in range(1, runs + 1):
    for result in json.load(open(f"{out}/{name}.round-{round}.json"))["results"]:
        times[result["command"]].append(result["times"][0] * 1000)
labels = {"landfall": f"landfall apply ({name})", "direct": f"podman commands directly ({name})"}
rows = ["| Command | Mean [ms] | Median [ms] | Min [ms] | Max [ms] |", "|:---|---:|---:|---:|---:|"]
for key in ("landfall", "direct"):
    t = times[key]
    sd = statistics.stdev(t) if len(t) > 1 else 0.0
    rows.append(f"| `{labels[key]}` | {statistics.mean(t):.1f} ± {sd:.1f} | "
                f"{statistics.median(t):.1f} | {min(t):.1f} | {max(t):.1f} |")
ratios = [l / d for l, d in zip(times["landfall"], times["direct"])]
summary = (f"landfall / direct: {statistics.mean(times['landfall']) / statistics.mean(times['direct']):.2f}x "
           f"(ratio of the means), {statistics.median(ratios):.2f}x (median of the {len(ratios)} rounds' ratios)")
text = "\n".join(rows) + "\n\n" + summary + "\n"
open(f"{out}/{name}.md", "w").write(text)
print(text)
PY
done
