#!/usr/bin/env bash
# The hostile-input benchmark: time and peak RSS of `landfall check` on each
# hostile file (an alias bomb, `[` x 10^6, 100,000 block levels, a 2 M-node
# Scope, non-finite numbers, a 1 MiB `pattern` in a ScopeType) and of
# `apply --dry-run` on a plan with a 1 MiB versionRegexp. The targets:
# each refused in under 100 ms and 50 MB.
#
#   bench/hostile.sh            # builds the release binary first
#   LANDFALL=path/to/landfall bench/hostile.sh
#
# Needs hyperfine and GNU time (apt-get install hyperfine time), python3.
# Inputs and results go to bench/out/hostile/ (gitignored).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

if [[ -z "${LANDFALL:-}" ]]; then
    cargo build --release --locked --bin landfall
    LANDFALL=${CARGO_TARGET_DIR:-target}/release/landfall
fi
out=bench/out/hostile
mkdir -p "$out"

python3 - "$out" <<'PY'
import json, sys
out = sys.argv[1]
head = "apiVersion: landfall.dev/v1\n"
bomb = "a: &a [x,x,x,x,x,x,x,x,x]\n"
names = "abcdefghij"
for i in range(1, len(names)):
    bomb += f"{names[i]}: &{names[i]} [{','.join(['*' + names[i-1]] * 9)}]\n"
files = {
    "alias-bomb.yaml": bomb,
    "flow-brackets.yaml": "[" * 1_000_000,
    "block-levels.yaml": "- " * 100_000 + "x\n",
    "two-million-nodes.yaml": head + "kind: Scope\nmetadata: {name: s, application: shop}\nspec:\n  type: web\n  parameters:\n    p: [" + "1," * 2_000_000 + "1]\n",
    "non-finite.yaml": head + "kind: Scope\nmetadata: {name: s, application: shop}\nspec:\n  type: web\n  parameters: {a: .inf, b: -.Inf, c: .nan, d: 1e400, e: 1000000000000000000000000000000}\n",
    "huge-pattern.yaml": head + "kind: ScopeType\nmetadata: {name: web}\nspec:\n  target: local\n  parameters:\n    properties:\n      p: {type: string, pattern: \"" + "(a|b)" * 200_000 + "\"}\n",
}
for name, text in files.items():
    open(f"{out}/{name}", "w").write(text)
plan = json.load(open("crates/landfall-runner/tests/fixtures/shop-local.plan.json"))
plan["upgradeFrom"][0]["versionRegexp"] = "(a|b)" * 200_000
json.dump(plan, open(f"{out}/huge-regexp.plan.json", "w"))
PY

printf '%-28s %10s %12s\n' input seconds "peak RSS KB"
for file in alias-bomb flow-brackets block-levels two-million-nodes non-finite huge-pattern; do
    /usr/bin/time -f "%e %M" -o "$out/$file.time" "$LANDFALL" check "$out/$file.yaml" >/dev/null 2>&1 || true
    read -r seconds rss < <(tail -n 1 "$out/$file.time")
    printf '%-28s %10s %12s\n' "$file.yaml" "$seconds" "$rss"
done
/usr/bin/time -f "%e %M" -o "$out/plan.time" "$LANDFALL" apply "$out/huge-regexp.plan.json" --dry-run >/dev/null 2>&1 || true
read -r seconds rss < <(tail -n 1 "$out/plan.time")
printf '%-28s %10s %12s\n' "huge-regexp.plan.json" "$seconds" "$rss"

hyperfine --warmup 2 --ignore-failure --export-markdown "$out/hostile.md" \
    "$LANDFALL check $out/two-million-nodes.yaml" \
    "$LANDFALL check $out/alias-bomb.yaml" \
    "$LANDFALL check $out/huge-pattern.yaml" \
    "$LANDFALL apply $out/huge-regexp.plan.json --dry-run"
