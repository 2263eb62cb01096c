#!/usr/bin/env bash
# Benchmarks emitting both targets (compose.yaml and the Kubernetes
# manifests) for a plan of 1,000 workloads; the budget is 100 ms.
#
#   bench/targets.sh
#
# Needs hyperfine (apt-get install hyperfine). Installs nothing. The whole
# process is timed (building the plan included), then the emission alone
# in-process.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

if ! command -v hyperfine >/dev/null 2>&1; then
    echo "bench/targets.sh: hyperfine not found: apt-get install hyperfine" >&2
    exit 1
fi

cargo build --profile dist -q -p landfall-bench --bin landfall-bench-targets
bin="${CARGO_TARGET_DIR:-target}/dist/landfall-bench-targets"

hyperfine --warmup 3 --runs 30 -N "$bin --workloads 1000"
"$bin" --workloads 1000 --repeat 50
