#!/usr/bin/env bash
# LLM benchmark: Ternion vs ONNX Runtime vs llama.cpp on the ~96M-parameter bench model
# (bench/models/make_bench_model.py), in one run, same prompt ids, batch 1, greedy:
#   prefill of a 512-token prompt (past length 0), and 128 decode steps after it.
# Prints a cross-runtime check (prefill logits and greedy ids against ONNX Runtime), the read
# bandwidth and decode bound (bandwidth.c: the best of 1, 2, 4 and 8 interleaved read streams
# per thread, with the widest vector loads the CPU has), and the table of tokens/s with ratios.
# See docs/performance.md.
#
#   bash bench/llm/run.sh [--reps N] [--threads T] [--wait-quiet SECONDS] [--preset tinyllama]
#
# --preset tinyllama: the same at TinyLlama-1.1B's shape (make_bench_model.py --preset; 4.4 GB
# of f32 weights, ~10 GB of scratch disk to export), in $BENCH_DIR/model-tinyllama and
# results-tinyllama. Compile time and peak memory go to results*/compile.txt either way.
# --weights-dtype f16: Ternion stores the linear weights in f16 (ternion-compile --weights-dtype)
# and llama.cpp reads an F16 GGUF of the same weights (to_gguf.py --f16); ONNX Runtime keeps the
# f32 graph (it has no 16-bit weight storage on the CPU). Results in results*-f16.
#
# Prerequisites (outside the repo; locations through environment variables):
#   ORT_NODE    onnxruntime-node 1.30 module dir (default /work/peers/node_modules/onnxruntime-node)
#               mkdir -p /work/peers && cd /work/peers && npm install --ignore-scripts onnxruntime-node
#   LLAMA_CPP   llama.cpp source (default /tmp/peers/llama.cpp), from npm's node-llama-cpp:
#               cd /tmp/peers && npm install --ignore-scripts node-llama-cpp &&
#               git clone node_modules/node-llama-cpp/llama/gitRelease.bundle llama.cpp
#               Its build ($LLAMA_CPP/build: llama-bench and libllama) is configured and built
#               here if missing (-DGGML_NATIVE=ON -DLLAMA_CURL=OFF Release; ~10 min on 2 cores).
#   TERNION_BUILD_DIR   Ternion build (default <repo>/build); ternion-compile and
#               ternion-llm-bench are built with scripts/build.sh if missing.
#   BENCH_DIR   work dir for the generated model, GGUF, artifact and results
#               (default <repo>/build/bench-llm; nothing here is committed).
# Python is /usr/bin/python3 (torch, onnx, numpy) throughout.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
here="$root/bench/llm"
reps=3
threads=2
wait_quiet=0
preset=
dtype=f32
prompt_len=512
decode_len=128
while [ $# -gt 0 ]; do
  case "$1" in
    --reps) reps=$2; shift 2 ;;
    --threads) threads=$2; shift 2 ;;
    --wait-quiet) wait_quiet=$2; shift 2 ;;
    --preset) preset=$2; shift 2 ;;
    --weights-dtype) dtype=$2; shift 2 ;;
    *) echo "usage: run.sh [--reps N] [--threads T] [--wait-quiet SECONDS] [--preset tinyllama]" >&2; exit 2 ;;
  esac
done
export ORT_NODE=${ORT_NODE:-/work/peers/node_modules/onnxruntime-node}
LLAMA_CPP=${LLAMA_CPP:-/tmp/peers/llama.cpp}
build=${TERNION_BUILD_DIR:-$root/build}
work=${BENCH_DIR:-$root/build/bench-llm}
py=/usr/bin/python3
model="$work/model${preset:+-$preset}"
# Names of what a preset or a 16-bit run writes: results-tinyllama-f16, model-tinyllama-f16.tnx.
variant="${preset:+-$preset}$([ "$dtype" = f32 ] || echo "-$dtype")"
res="$work/results$variant"
mkdir -p "$work" "$res"
log() { echo "[bench-llm] $*" >&2; }

[ -d "$ORT_NODE" ] || { echo "ORT_NODE=$ORT_NODE not found (see the prerequisites in $0)" >&2; exit 1; }

# ---- build / locate everything
. "$here/common.sh"
bench_build_tools llama-bench

# ---- the model, its GGUF, the Ternion artifact, the prompt
if [ ! -f "$model/config.json" ]; then
  log "generating the bench model in $model"
  $py "$root/bench/models/make_bench_model.py" "$model" ${preset:+--preset "$preset"} >&2
fi
bench_write_gguf "$model" "$dtype"
gguf="$model/model-$dtype.gguf"
artifact="$work/model$variant.tnx"
if [ ! -f "$artifact/manifest.json" ] || [ "$build/bin/ternion-compile" -nt "$artifact/manifest.json" ]; then
  log "compiling model-kv.onnx with ternion-compile (host CPU)"
  /usr/bin/time -f "ternion-compile: %e s, peak RSS %M KB" -o "$res/compile-time.txt" \
    "$build/bin/ternion-compile" "$model/model-kv.onnx" -o "$artifact" --max-context 2048 --progress \
    --weights-dtype "$dtype" >&2
  {
    cat "$res/compile-time.txt"
    echo "input weights: $(stat -c %s "$model/weights.bin") bytes; artifact weights: $(stat -c %s "$artifact/weights.bin") bytes"
  } | tee "$res/compile.txt" >&2
fi
ids="$work/prompt-$prompt_len.txt"
bench_prompt_ids "$model" $prompt_len "$ids"

# ---- conditions
if [ "$wait_quiet" -gt 0 ]; then
  end=$((SECONDS + wait_quiet))
  while awk '{exit !($1 >= 0.7)}' /proc/loadavg && [ $SECONDS -lt $end ]; do sleep 10; done
fi
load=$(cut -d' ' -f1-3 /proc/loadavg)
{
  echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo)"
  echo "load average before measuring: $load"
  echo "ternion: $(git -C "$root" rev-parse --short HEAD)$(git -C "$root" diff --quiet HEAD -- . 2>/dev/null || echo '+changes'), $("$build/bin/ternion-compile" --version 2>&1 | grep -m1 Ternion)"
  echo "llama.cpp: $(git -C "$LLAMA_CPP" rev-parse --short HEAD) (node-llama-cpp bundle), onnxruntime-node: $(node -p "require('$ORT_NODE/package.json').version")"
  echo "threads: $threads (ORT intra-op, llama.cpp -t, bandwidth); reps: $reps after 1 warm-up"
} | tee "$res/conditions.txt"
if awk '{exit !($1 >= 0.7)}' /proc/loadavg; then
  log "WARNING: load average $load >= 0.7: other work is running, numbers will be low and noisy"
fi

# ---- measurements, all in this run (each runtime: 1 warm-up run, then $reps timed runs)
log "read bandwidth"
"$bin/bandwidth" "$threads" 1024 10 > "$res/bandwidth.json"
"$bin/bandwidth" 1 1024 10 > "$res/bandwidth-1.json"
log "ONNX Runtime"
node "$here/ort_bench.js" "$model/model-kv.onnx" "$ids" --decode $decode_len --threads "$threads" \
  --reps "$reps" --warmup 1 --logits-out "$res/ort.logits" > "$res/ort.json"
log "Ternion"
OMP_NUM_THREADS=$threads "$build/bin/ternion-llm-bench" "$artifact" "$ids" --decode $decode_len --reps "$reps" --warmup 1 \
  --logits-out "$res/ternion.logits" > "$res/ternion.json"
log "llama.cpp (check, then llama-bench)"
"$bin/llama_check" "$gguf" "$ids" $decode_len "$threads" "$res/llama.logits" "$reps" \
  > "$res/llama-check.json"
# llama-bench with its defaults (f16 KV cache, flash attention auto; it offers no f32 cache):
# pp512 on an empty cache, and tg128 at depth 512 (-d: the cache holds 512 tokens first).
lb=("$lbuild/bin/llama-bench" -m "$gguf" -t "$threads" -r "$reps" -o json)
"${lb[@]}" -p $prompt_len -n 0 -d 0 > "$res/llama-pp.json"
"${lb[@]}" -p 0 -n $decode_len -d $prompt_len > "$res/llama-tg.json"
log "read bandwidth again"
"$bin/bandwidth" "$threads" 1024 10 > "$res/bandwidth-after.json"
echo "load average after measuring: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$res/conditions.txt"
echo
$py "$here/report.py" "$res" "$model" "$dtype" | tee "$res/report.txt"
