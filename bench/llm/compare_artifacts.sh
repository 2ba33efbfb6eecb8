#!/usr/bin/env bash
# Before/after check of a change on the LLM benchmark model, in one run:
# runs artifact A with runtime A and artifact B with runtime B, alternating
# A, B, A, B... so that machine load hits both alike, and prints the prefill
# and decode rates of each round, the B/A ratios of the medians and whether
# the greedy ids agree. A compiler change compares two artifacts (compiled
# before and after) on one ternion-llm-bench; a runtime change compares one
# artifact on two ternion-llm-bench builds (--bench-a, --bench-b).
#
#   bash bench/llm/compare_artifacts.sh A.tnx B.tnx IDS_FILE [--rounds N] [--threads T]
#                                       [--bench-a BIN] [--bench-b BIN]
#
# IDS_FILE: whitespace-separated prompt ids (bench/llm/run.sh writes one).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${TERNION_BUILD_DIR:-$root/build}
a=$1 b=$2 ids=$3
shift 3
rounds=5
threads=2
bench="$build/bin/ternion-llm-bench"
bench_a=$bench bench_b=$bench
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) rounds=$2; shift 2 ;;
    --threads) threads=$2; shift 2 ;;
    --bench-a) bench_a=$2; shift 2 ;;
    --bench-b) bench_b=$2; shift 2 ;;
    *) echo "usage: compare_artifacts.sh A.tnx B.tnx IDS_FILE [--rounds N] [--threads T] [--bench-a BIN] [--bench-b BIN]" >&2; exit 2 ;;
  esac
done
[ -x "$bench" ] || TERNION_BUILD_DIR="$build" bash "$root/scripts/build.sh" ternion-llm-bench >&2
isa=sse2; grep -qw avx2 /proc/cpuinfo && isa=avx2; grep -qw avx512f /proc/cpuinfo && isa=avx512
echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //') ($isa), threads $threads, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "a: $a on $bench_a"
echo "b: $b on $bench_b"
out=$(mktemp -d)
for r in $(seq 1 "$rounds"); do
  for side in a b; do
    artifact=$a runner=$bench_a
    [ $side = b ] && artifact=$b runner=$bench_b
    OMP_NUM_THREADS=$threads "$runner" "$artifact" "$ids" --decode 128 --reps 1 --warmup 1 \
      > "$out/$side-$r.json"
  done
done
/usr/bin/python3 - "$out" "$rounds" "$a" "$b" <<'PY'
import json, statistics, sys
out, rounds, a, b = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
runs = {s: [json.load(open(f"{out}/{s}-{r}.json")) for r in range(1, rounds + 1)] for s in "ab"}
def key(run, what):
    return run[f"{what}_tok_s"]
for s, name in (("a", a), ("b", b)):
    pre = [key(r, "prefill") for r in runs[s]]
    dec = [key(r, "decode") for r in runs[s]]
    print(f"{s} {name}: prefill tok/s {' '.join(f'{x:.1f}' for x in pre)}; "
          f"decode tok/s {' '.join(f'{x:.2f}' for x in dec)}")
same = all(ra["greedy_ids"] == rb["greedy_ids"] for ra, rb in zip(runs["a"], runs["b"]))
med = lambda s, w: statistics.median(key(r, w) for r in runs[s])
print(f"median b/a: prefill {med('b', 'prefill') / med('a', 'prefill'):.3f}, "
      f"decode {med('b', 'decode') / med('a', 'decode'):.3f}; greedy ids identical: {same}")
PY
