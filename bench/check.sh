#!/usr/bin/env bash
# Benchmarks `landfall check` on generated trees of 2,000 and 20,000 files
# and on a single file, then measures the peak RSS of the 20,000-file run.
#
#   bench/check.sh
#
# Needs hyperfine (apt-get install hyperfine), GNU time (apt-get install time)
# and python3. Installs nothing. Trees and results go to bench/out/
# (gitignored); existing trees are reused, delete bench/out/ to regenerate.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

missing=0
if ! command -v hyperfine >/dev/null 2>&1; then
    echo "bench/check.sh: hyperfine not found: apt-get install hyperfine" >&2
    missing=1
fi
if [[ ! -x /usr/bin/time ]]; then
    echo "bench/check.sh: /usr/bin/time not found: apt-get install time" >&2
    missing=1
fi
if ! command -v python3 >/dev/null 2>&1; then
    echo "bench/check.sh: python3 not found: apt-get install python3" >&2
    missing=1
fi
if [[ $missing -ne 0 ]]; then
    exit 1
fi

cargo build --profile dist -p landfall-cli -p landfall-bench

landfall=target/dist/landfall
gen=target/dist/landfall-gen-tree
out=bench/out
mkdir -p "$out"

# Generate a tree of N files unless it is already there. Written to a
# temporary directory first, so an interrupted run leaves no half tree.
tree() {
    local n=$1 dir="$out/tree-$1"
    if [[ ! -d $dir ]]; then
        rm -rf "$dir.tmp"
        "$gen" --out "$dir.tmp" --files "$n"
        mv "$dir.tmp" "$dir"
    fi
}
tree 2000
tree 20000
# Each tree is a project of its own: inside this repository, a folder
# without a landfall.toml would be checked against the whole repository
# (the changed-files mode, which bench/changed-files.sh measures).
for n in 2000 20000; do
    [[ -f "$out/tree-$n/landfall.toml" ]] || : >"$out/tree-$n/landfall.toml"
done

# One file on its own: the project root is found from the file (a
# `landfall.toml`, else `.git`), and inside this repository a file named
# alone is checked with the repository around it (the changed-files mode,
# which bench/changed-files.sh measures). So the file gets a project of
# its own, and the check runs from there.
single_dir="$out/one-file"
mkdir -p "$single_dir"
cp "$out/tree-2000/apps/app-0000/application.yaml" "$single_dir/application.yaml"
: >"$single_dir/landfall.toml"
landfall_abs=$(cd "$(dirname "$landfall")" && pwd)/$(basename "$landfall")
out_abs=$(cd "$out" && pwd)

# -i: diagnostics make `landfall check` exit 1; that is not a failed run.
# -N: no intermediate shell, so the few-ms single-file run is not drowned
# in shell start-up noise; hyperfine sends each command's stdout to /dev/null.
hyperfine --warmup 2 -i -N \
    --export-markdown "$out/results.md" \
    --export-json "$out/results.json" \
    -n "check 2,000 files" "$landfall check $out/tree-2000 --format json" \
    -n "check 20,000 files" "$landfall check $out/tree-20000 --format json"
(cd "$single_dir" && hyperfine --warmup 10 -i -N \
    --export-markdown "$out_abs/results-one-file.md" \
    -n "check 1 file" "$landfall_abs check application.yaml")

echo
echo "Peak RSS, 20,000 files:"
# `|| true`: a non-zero exit (diagnostics found) is not a failure here either.
/usr/bin/time -f '%M KB max RSS' -o "$out/rss.txt" \
    "$landfall" check "$out/tree-20000" --format json >/dev/null || true
cat "$out/rss.txt"

echo
python3 - "$out/results.json" <<'EOF'
import json, sys

# Results come in the order of the commands given to hyperfine.
results = json.load(open(sys.argv[1]))["results"]
for r, files in zip(results, (2000, 20000)):
    mean = r["mean"]
    print(f"{files:>6,} files: mean {mean * 1000:8.1f} ms, {files / mean:10,.0f} files/s")
EOF
echo
echo "Markdown table: $out/results.md"

# The rules benchmark: 10,000 Workloads and 2,000 Scopes (2,000 applications
# of 5 workloads and 1 scope), checked by the front end alone (--no-rules)
# and with every rule; the rules must keep >= 90% of the front end's files/s.
rules_tree="$out/tree-rules"
if [[ ! -d $rules_tree ]]; then
    rm -rf "$rules_tree.tmp"
    "$gen" --out "$rules_tree.tmp" --files 14002 --workloads-per-app 5 --scopes-per-app 1
    mv "$rules_tree.tmp" "$rules_tree"
fi
hyperfine --warmup 2 -i -N \
    --export-json "$out/rules.json" \
    -n "front end only, 14,002 files" "$landfall check $rules_tree --format json --no-rules" \
    -n "all rules, 14,002 files" "$landfall check $rules_tree --format json"
python3 - "$out/rules.json" <<'EOF2'
import json, sys

front, rules = json.load(open(sys.argv[1]))["results"]
files = 14002
print(f"front end only: {files / front['mean']:10,.0f} files/s")
print(f"all rules:      {files / rules['mean']:10,.0f} files/s "
      f"({front['mean'] / rules['mean'] * 100:.0f}% of the front end's)")
EOF2
