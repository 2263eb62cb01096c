#!/usr/bin/env bash
# Throughput of `landfall check` on a platform's own files against
# landfall's own format: two generated trees of N workloads each (default
# 2,000), the same containers, ports, resources, env and probes written
# once as landfall Workloads (with their Application and one Scope that
# places them all) and once as Control Plane workloads read with
# `--dialect cpln`. Neither tree has findings, so both runs do the same
# rendering work (none).
#
#   bench/dialects.sh [N]
#   LANDFALL=/path/to/landfall bench/dialects.sh [N]   (skips the build)
#
# Needs hyperfine (apt-get install hyperfine) and python3. Trees and
# results go to bench/out/ (gitignored).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
n=${1:-2000}

for tool in hyperfine python3; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "bench/dialects.sh: $tool not found: apt-get install $tool" >&2
        exit 1
    fi
done

if [[ -z "${LANDFALL:-}" ]]; then
    cargo build --release -p landfall-cli
    LANDFALL=target/release/landfall
fi
out=bench/out/dialects-$n
rm -rf "$out"
mkdir -p "$out/landfall" "$out/cpln"

python3 - "$out" "$n" <<'PY'
import sys
out, n = sys.argv[1], int(sys.argv[2])
names = [f"svc-{i:05d}" for i in range(n)]
with open(f"{out}/landfall/app.yaml", "w") as f:
    f.write("""apiVersion: landfall.dev/v1
kind: Application
metadata: {name: shop}
spec: {version: "2.4.2"}
---
apiVersion: landfall.dev/v1
kind: ScopeType
metadata: {name: web}
spec: {target: local, workloadTypes: [standard, serverless, cron]}
---
apiVersion: landfall.dev/v1
kind: Scope
metadata: {name: staging, application: shop}
spec:
  type: web
  workloads:
""" + "".join(f"    - {name}\n" for name in names))
for name in names:
    with open(f"{out}/landfall/{name}.yaml", "w") as f:
        f.write(f"""apiVersion: landfall.dev/v1
kind: Workload
metadata: {{name: {name}, application: shop}}
spec:
  type: standard
  containers:
    - name: {name}
      image: registry.example.com/shop/{name}:2.4.2
      ports:
        - {{port: 8080, protocol: http}}
      resources: {{cpu: 500m, memory: 512Mi}}
      env:
        PORT: "8080"
        LOG_LEVEL: info
      probes:
        readiness:
          http: {{path: /ready, port: 8080}}
          period: 10s
""")
    with open(f"{out}/cpln/{name}.yaml", "w") as f:
        f.write(f"""kind: workload
name: {name}
gvc: shop
spec:
  type: standard
  containers:
    - name: {name}
      image: registry.example.com/shop/{name}:2.4.2
      ports:
        - {{number: 8080, protocol: http}}
      cpu: 500m
      memory: 512Mi
      env:
        - {{name: PORT, value: "8080"}}
        - {{name: LOG_LEVEL, value: info}}
      readinessProbe:
        httpGet: {{path: /ready, port: 8080}}
        periodSeconds: 10
""")
PY

"$LANDFALL" check "$out/landfall" >/dev/null
"$LANDFALL" check --dialect cpln "$out/cpln" >/dev/null
hyperfine --warmup 2 --runs 10 --export-markdown "$out/results.md" \
    -n "landfall format ($n workloads)" "$LANDFALL check $out/landfall" \
    -n "cpln dialect ($n workloads)" "$LANDFALL check --dialect cpln $out/cpln"
