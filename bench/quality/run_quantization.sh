#!/usr/bin/env bash
# Quantization quality (issue 18): held-out perplexity of a model compiled f32 and with
# --quantize=rtn|sinq at 3, 4 and 8 bits (group 64), with the weights file size of each, all
# measured by ternion-run --perplexity on the fixtures' held-out text (test/models/
# kjv-heldout.txt: the validation chapters the fixtures were never trained on).
#
#   bash bench/quality/run_quantization.sh [MODEL_DIR] [--chunks N] [--bits "3 4 8"] [--group G]
#
# MODEL_DIR: a fixture directory with model-kv.onnx and tokenizer.model (default: the llama
# fixture). --chunks: windows of 512 tokens to score (default all 78). Results and the
# artifacts go to $QUALITY_DIR (default <repo>/build/quality/<model name>); the table is
# printed and written to results.md there.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
model="$root/test/models/llama"
chunks=0
bits_list="3 4 8"
group=64
while [ $# -gt 0 ]; do
  case "$1" in
    --chunks) chunks=$2; shift 2 ;;
    --bits) bits_list=$2; shift 2 ;;
    --group) group=$2; shift 2 ;;
    -*) echo "usage: run_quantization.sh [MODEL_DIR] [--chunks N] [--bits LIST] [--group G]" >&2; exit 2 ;;
    *) model=$(cd "$1" && pwd); shift ;;
  esac
done
build=${TERNION_BUILD_DIR:-$root/build}
name=$(basename "$model")
out=${QUALITY_DIR:-$root/build/quality/$name}
text="$root/test/models/kjv-heldout.txt"
mkdir -p "$out"
chunk_args=()
[ "$chunks" -gt 0 ] && chunk_args=(--chunks "$chunks")
log() { echo "[quality] $*" >&2; }

measure() {  # label, compile options...
  local label=$1 art="$out/$1.tnx"
  shift
  log "ternion-compile $label $*"
  "$build/bin/ternion-compile" "$model/model-kv.onnx" -o "$art" --tokenizer "$model/tokenizer.model" \
    --max-context 512 "$@" 2> "$out/$label.compile.log"
  log "ternion-run --perplexity ($label)"
  "$build/bin/ternion-run" "$art" --perplexity "$text" --context 512 "${chunk_args[@]}" \
    2> "$out/$label.progress.log" > "$out/$label.ppl"
  local ppl tokens size
  ppl=$(awk '{print $2}' "$out/$label.ppl")
  tokens=$(awk '{print $4}' "$out/$label.ppl")
  size=$(stat -c %s "$art/weights.bin")
  echo "$label $ppl $tokens $size" >> "$out/results.txt"
}

: > "$out/results.txt"
measure f32
for bits in $bits_list; do
  measure "rtn$bits" --quantize=rtn --bits "$bits" --group-size "$group"
  measure "sinq$bits" --quantize=sinq --bits "$bits" --group-size "$group"
done

/usr/bin/python3 - "$out/results.txt" "$name" "$group" > "$out/results.md" <<'PY'
import sys
rows = [line.split() for line in open(sys.argv[1])]
f32 = float(rows[0][1])
print(f"{sys.argv[2]}, held-out text, windows of 512 tokens, {rows[0][2]} tokens scored; group {sys.argv[3]}")
print()
print("| weights | perplexity | vs f32 | weights.bin |")
print("|---|---:|---:|---:|")
for label, ppl, tokens, size in rows:
    print(f"| {label} | {float(ppl):.4f} | {100 * (float(ppl) / f32 - 1):+.2f}% | {int(size) / 1e6:.2f} MB |")
PY
cat "$out/results.md"
