#!/usr/bin/env bash
# Sparse attention quality on real text (docs/performance.md, "Sparse
# attention"): searches patterns for a model on one window of a text, then
# scores the other windows' perplexity with and without them, and compares
# greedy continuations of a long prompt.
# usage: bench/attention/quality.sh [MODEL_DIR] [CONTEXT] [DENSITY...]
#   MODEL_DIR  a fixture folder with model-kv.onnx and tokenizer.model
#              (default test/models/llama-long)
#   CONTEXT    tokens per window (default 2048, llama-long's trained context)
#   DENSITY    the search's target densities (default 0.2 0.35 0.5)
# MIN_RECALL (default 0.8) keeps heads dense below it; TEXT (default
# test/models/kjv-heldout.txt, never trained on) is the text.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
model=${1:-$root/test/models/llama-long}
context=${2:-2048}
shift $(( $# > 2 ? 2 : $# )) || true
densities=("$@")
[ ${#densities[@]} -gt 0 ] || densities=(0.2 0.35 0.5)
text=${TEXT:-$root/test/models/kjv-heldout.txt}
bin=$root/build/bin
bash "$root/scripts/build.sh" ternion-compile ternion-run ternion-search-attention >/dev/null
work=${TMPDIR:-/tmp}/ternion-attention-quality/$(basename "$model")-$context
mkdir -p "$work"

# The last full window of the text is where the search looks; perplexity
# scores the windows before it, so the patterns never saw the scored text.
"$bin/ternion-compile" "$model/model-kv.onnx" --tokenizer "$model/tokenizer.model" \
  --max-context "$context" -o "$work/dense.tnx" 2>/dev/null
windows=$("$bin/ternion-run" "$work/dense.tnx" --perplexity "$text" --context "$context" 2>/dev/null |
  sed -n 's/.* over \([0-9]*\) tokens.*/\1/p')
windows=$(( windows / context ))
scored=$(( windows - 1 ))
skip=$(( scored * context ))
echo "model: $model, text: $text, context $context: $windows windows, search on window $windows, perplexity on 1..$scored"
echo "cpu: $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1), $(nproc) threads"
# Seconds of a command (the perplexity runs are whole-model prefills).
seconds() { local t0 t1; t0=$(date +%s.%N); "$@"; t1=$(date +%s.%N); awk "BEGIN { printf \"%.2f\\n\", $t1 - $t0 }" >&3; }
exec 3>"$work/time"
dense=$(seconds "$bin/ternion-run" "$work/dense.tnx" --perplexity "$text" --context "$context" --chunks "$scored" 2>/dev/null)
dense_time=$(tail -1 "$work/time")
echo "dense: $dense, $dense_time s"
# A prompt of 1.5 windows' worth of text... capped at the context: the
# first CONTEXT - 64 tokens' text, continued greedily for 64 tokens.
prompt=$(head -c $(( context * 3 )) "$text")
"$bin/ternion-run" "$work/dense.tnx" --prompt "$prompt" -n 64 --greedy --ids --max-context "$context" \
  2>/dev/null > "$work/dense.ids" || true
for density in "${densities[@]}"; do
  patterns=$work/patterns-$density.json
  "$bin/ternion-search-attention" "$model/model-kv.onnx" --text "$text" --context "$context" \
    --skip "$skip" --density "$density" --min-recall "${MIN_RECALL:-0.8}" -o "$patterns" \
    2>/dev/null | tail -1
  "$bin/ternion-compile" "$model/model-kv.onnx" --tokenizer "$model/tokenizer.model" \
    --max-context "$context" --attention-patterns "$patterns" -o "$work/sparse-$density.tnx" \
    2>/dev/null
  sparse=$(seconds "$bin/ternion-run" "$work/sparse-$density.tnx" --perplexity "$text" \
    --context "$context" --chunks "$scored" 2>/dev/null)
  sparse_time=$(tail -1 "$work/time")
  "$bin/ternion-run" "$work/sparse-$density.tnx" --prompt "$prompt" -n 64 --greedy --ids \
    --max-context "$context" 2>/dev/null > "$work/sparse-$density.ids" || true
  # How many of the 64 generated tokens agree before the first difference.
  same=$(paste -d' ' <(tr -s ' ' '\n' < "$work/dense.ids") <(tr -s ' ' '\n' < "$work/sparse-$density.ids") |
    awk '$1 != $2 { exit } { n++ } END { print n + 0 }')
  echo "density $density: $sparse (dense: ${dense#perplexity: }), $sparse_time s ($(awk "BEGIN { printf \"%.2f\", $dense_time / $sparse_time }")x); greedy continuation: first $same of 64 tokens identical"
done
