#!/usr/bin/env bash
# Compile time and peak memory against model depth, with and without tern-outline-layers:
# LLaMA-style bench models (bench/models/make_bench_model.py, dim 768, the default shape) of
# 1, 2, 4, 8 and 12 layers, each compiled by ternion-compile --outline-layers=true and =false.
# Prints a table of wall time, the LLVM stages' time (lowering to the LLVM dialect, -O3,
# code generation) and peak RSS, and writes it to $BENCH_DIR/results/compile-depth.md.
#
#   bash bench/compile/run.sh [--layers "1 2 4 8 12"]
#
# TERNION_BUILD_DIR (default <repo>/build) holds ternion-compile; BENCH_DIR (default
# <repo>/build/bench-compile) the generated models (not committed).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${TERNION_BUILD_DIR:-$root/build}
work=${BENCH_DIR:-$root/build/bench-compile}
layers="1 2 4 8 12"
while [ $# -gt 0 ]; do
  case "$1" in
    --layers) layers=$2; shift 2 ;;
    *) echo "usage: run.sh [--layers \"1 2 4 8 12\"]" >&2; exit 2 ;;
  esac
done
[ -x "$build/bin/ternion-compile" ] || TERNION_BUILD_DIR="$build" bash "$root/scripts/build.sh" ternion-compile
mkdir -p "$work/results"
out="$work/results/compile-depth.md"
{
  echo "machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) cores; $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "ternion: $(git -C "$root" rev-parse --short HEAD)"
  echo
  echo "| layers | outline | compile s | LLVM stages s | peak RSS MB | model.so KB |"
  echo "|---:|---|---:|---:|---:|---:|"
} > "$out"
for n in $layers; do
  model="$work/model-$n"
  if [ ! -f "$model/model-kv.onnx" ]; then
    echo "[bench-compile] generating the $n-layer model" >&2
    /usr/bin/python3 "$root/bench/models/make_bench_model.py" "$model" --layers "$n" >&2
  fi
  for outline in true false; do
    art="$work/model-$n-$outline.tnx"
    rm -rf "$art"
    log="$work/results/compile-$n-$outline.log"
    /usr/bin/time -f "TIME %e %M" "$build/bin/ternion-compile" "$model/model-kv.onnx" -o "$art" \
      --max-context 2048 --progress --outline-layers=$outline > "$log" 2>&1
    wall=$(awk '/^TIME/ {print $2}' "$log")
    rss=$(awk '/^TIME/ {printf "%.0f", $3 / 1024}' "$log")
    llvm=$(grep -E "lowering to the LLVM dialect|translating to LLVM IR|generating machine code" "$log" |
      sed -E 's/.* ([0-9.]+) s$/\1/' | awk '{s += $1} END {printf "%.1f", s}')
    so=$(( $(stat -c %s "$art/model.so") / 1024 ))
    echo "| $n | $outline | $wall | $llvm | $rss | $so |" | tee -a "$out"
  done
done
echo "results in $out" >&2
