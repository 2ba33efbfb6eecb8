#!/usr/bin/env bash
# Speculative decoding benchmark (docs/speculative.md; results in docs/performance.md):
# the llama-medium target (11M parameters, trained here on the KJV text) with the draft fixture
# (0.8M, the same SentencePiece vocabulary) and with draft-bytes (byte-level: string-level exact
# matching), and the llama fixture (3.3M) with the draft. For each pair, in one process
# (bench/speculative/speculative_bench.cpp): the target alone, then with the draft proposing K
# tokens per target pass, greedy and sampling (temperature 0.8, top-k 40, top-p 0.95), decode
# tokens/s over five prompts. Then llama.cpp's llama-speculative on the same target and draft
# as f32 GGUF (same vocabulary; llama.cpp has no cross-vocabulary mode), against llama-bench's
# decode speed of the target alone.
#
#   bash bench/speculative/run.sh [--tokens N] [--reps R] [--k 1,2,3,4,6,8] [--no-llama-cpp]
#                                 [--no-ternion]
#
# Prerequisites: build/models/llama-medium (/usr/bin/python3 scripts/models/build_model.py
# llama-medium --out build/models; about an hour on 2 cores); for llama.cpp, LLAMA_CPP as in
# bench/llm/run.sh, whose build gets llama-speculative and llama-bench here if missing.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${TERNION_BUILD_DIR:-$root/build}
work=${BENCH_DIR:-$build/bench-speculative}
LLAMA_CPP=${LLAMA_CPP:-/tmp/peers/llama.cpp}
medium=${MEDIUM_MODEL:-$build/models/llama-medium}
tokens=128
reps=2
ks=1,2,3,4,6,8
llama_cpp=1
ternion=1
while [ $# -gt 0 ]; do
  case "$1" in
    --tokens) tokens=$2; shift 2 ;;
    --reps) reps=$2; shift 2 ;;
    --k) ks=$2; shift 2 ;;
    --no-llama-cpp) llama_cpp=0; shift ;;
    --no-ternion) ternion=0; shift ;;
    *) echo "usage: run.sh [--tokens N] [--reps R] [--k LIST] [--no-llama-cpp]" >&2; exit 2 ;;
  esac
done
log() { echo "[speculative] $*" >&2; }
[ -f "$medium/model-kv.onnx" ] || {
  echo "no $medium: run /usr/bin/python3 scripts/models/build_model.py llama-medium --out build/models" >&2
  exit 1; }
mkdir -p "$work"
TERNION_BUILD_DIR="$build" bash "$root/scripts/build.sh" ternion-compile ternion-speculative-bench >&2
export OMP_NUM_THREADS=${OMP_NUM_THREADS:-2}
models=$root/test/models

compile_pair() { # name target-dir draft-dir [draft tokenizer]
  local out=$work/$1.tnx
  [ -d "$out" ] && [ "$out/manifest.json" -nt "$build/bin/ternion-compile" ] && return 0
  log "compiling $1"
  "$build/bin/ternion-compile" "$2/model-kv.onnx" --tokenizer "$2/tokenizer.model" \
    --draft "$3/model-kv.onnx" ${4:+--draft-tokenizer "$4"} --max-context 1024 -o "$out"
}
compile_pair medium-draft "$medium" "$models/draft"
compile_pair medium-draft-bytes "$medium" "$models/draft-bytes" "$models/draft-bytes/tokenizer.json"
compile_pair llama-draft "$models/llama" "$models/draft"

[ "$ternion" = 1 ] && for pair in medium-draft medium-draft-bytes llama-draft; do
  echo "### $pair"
  echo
  "$build/bin/ternion-speculative-bench" "$work/$pair.tnx" --tokens "$tokens" --reps "$reps" --k "$ks"
  echo
done

[ "$llama_cpp" = 1 ] || exit 0
lbuild=$LLAMA_CPP/build
for target in llama-speculative llama-bench; do
  [ -x "$lbuild/bin/$target" ] || { log "building llama.cpp's $target"; cmake --build "$lbuild" -j 2 --target "$target" >&2; }
done
for model in "$medium" "$models/draft"; do
  gguf=$work/$(basename "$model").gguf
  [ -f "$gguf" ] || PYTHONPATH="$LLAMA_CPP/gguf-py" /usr/bin/python3 "$root/bench/llm/to_gguf.py" \
    "$model" "$gguf" "$model/tokenizer.model" >&2
done
echo "### llama.cpp: llama-speculative, $(basename "$medium") with draft (f32 GGUF, $OMP_NUM_THREADS threads)"
echo
alone=$("$lbuild/bin/llama-bench" -m "$work/$(basename "$medium").gguf" -p 0 -n "$tokens" -t "$OMP_NUM_THREADS" \
  -r "$reps" -o csv 2>/dev/null | tail -1 | awk -F, '{gsub(/"/, "", $0); print $(NF-1)}')
echo "| mode | K | tokens/s | vs target alone (llama-bench tg$tokens: $alone tokens/s) | acceptance |"
echo "|---|---|---|---|---|"
prompts=("In the beginning God created" "And the LORD spake unto Moses, saying," "Blessed are the"
         "Jesus answered and said unto them," "And it came to pass, when")
for mode in greedy sample; do
  if [ $mode = greedy ]; then sampling=(--temp 0); else sampling=(--temp 0.8 --top-k 40 --top-p 0.95); fi
  for k in ${ks//,/ }; do
    decoded=0 seconds=0 drafted=0 accepted=0
    for prompt in "${prompts[@]}"; do
      out=$("$lbuild/bin/llama-speculative" -m "$work/$(basename "$medium").gguf" -md "$work/draft.gguf" \
        -p "$prompt" -n "$tokens" --spec-draft-n-max "$k" -t "$OMP_NUM_THREADS" -td "$OMP_NUM_THREADS" \
        -s 1234 "${sampling[@]}" 2>&1 >/dev/null)
      n= s=
      read -r n s < <(echo "$out" | sed -n 's/.*decoded *\([0-9]*\) tokens in *\([0-9.]*\) seconds.*/\1 \2/p') || true
      if [ -z "$n" ]; then
        log "llama-speculative printed no speed ($mode, K=$k, \"$prompt\"); its last lines:"
        echo "$out" | tail -5 >&2
        continue
      fi
      d=$(echo "$out" | sed -n 's/.*n_drafted = *\([0-9]*\).*/\1/p')
      a=$(echo "$out" | sed -n 's/.*n_accept *= *\([0-9]*\).*/\1/p')
      decoded=$((decoded + n)); drafted=$((drafted + d)); accepted=$((accepted + a))
      seconds=$(echo "$seconds + $s" | bc -l)
    done
    awk -v m=$mode -v k="$k" -v n=$decoded -v s="$seconds" -v b="$alone" -v d=$drafted -v a=$accepted \
      'BEGIN { r = n / s; printf "| %s | %s | %.1f | %.2fx | %.1f%% |\n", m, k, r, r / b, d ? 100 * a / d : 0 }'
  done
done
