#!/usr/bin/env bash
# Runs every libFuzzer target for a time budget each and prints executions,
# speed and findings per target (docs/security.md).
#
#   scripts/fuzz.sh [SECONDS] [TARGET...]    (default: 60 s, all targets)
#
# The fuzzers live in the sanitizer build (./build-sanitize, ASan + UBSan +
# coverage), which this configures and builds if needed. Each starts from a
# seed corpus made from the test inputs (models, manifests, tokenizers,
# tensors, ONNX's node tests) and grows it in build-sanitize/fuzz/corpus/;
# committed regression inputs (fuzz/regressions/TARGET/) run first. A crash,
# sanitizer report, timeout (10 s) or allocation over 2 GiB is a finding:
# the input is saved in build-sanitize/fuzz/findings/TARGET/ and the script
# exits non-zero. Fix it, then keep the input in fuzz/regressions/TARGET/.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
seconds=${1:-60}
shift || true
all=(fuzz-onnx-import fuzz-artifact fuzz-sentencepiece fuzz-tokenizer-json fuzz-tensor-proto fuzz-npy)
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=("${all[@]}")

export TERNION_BUILD_DIR=${TERNION_BUILD_DIR:-$root/build-sanitize}
export TERNION_CMAKE_ARGS="-DTERNION_SANITIZE=address,undefined -DTERNION_BUILD_FUZZERS=ON ${TERNION_CMAKE_ARGS:-}"
"$root/scripts/build.sh" "${targets[@]}" >/dev/null
# shellcheck source=scripts/sanitizer-options.sh
source "$root/scripts/sanitizer-options.sh"
# The file-reading fuzzers write every input to a scratch file: keep those
# in memory where the machine has a tmpfs.
[ -d /dev/shm ] && [ -w /dev/shm ] && export TMPDIR=${FUZZ_TMPDIR:-/dev/shm}
fuzz_dir=$TERNION_BUILD_DIR/fuzz
python=/usr/bin/python3
[ -x "$python" ] || python=python3

# Seeds: copies of the test inputs each target reads.
seed() {
  local target=$1 dir=$fuzz_dir/corpus/$1
  mkdir -p "$dir"
  [ -z "$(ls -A "$dir")" ] || return 0
  case $target in
    fuzz-onnx-import)
      cp "$root"/test/Malformed/Inputs/*.onnx "$dir"/
      cp "$root"/test/models/gpt2-tiny/*.onnx "$dir"/ 2>/dev/null || true
      local i=0
      for model in /usr/share/libonnx-testdata/data/node/*/model.onnx; do
        [ -f "$model" ] || continue
        cp "$model" "$dir/node-$i.onnx"; i=$((i + 1))
      done ;;
    fuzz-artifact)
      cp "$root"/test/Runtime/Inputs/*.json "$dir"/
      printf '%s\n--weights--\n%s' "$(cat "$root/test/Runtime/Inputs/add_relu.json")" "0123456789abcdef" > "$dir/with-weights" ;;
    fuzz-sentencepiece)
      for model in "$root"/test/models/*/tokenizer.model; do
        cp "$model" "$dir/$(basename "$(dirname "$model")").model"
      done ;;
    fuzz-tokenizer-json)
      cp "$root"/test/models/draft-bytes/tokenizer.json "$dir"/ ;;
    fuzz-tensor-proto)
      local i=0
      for pb in "$root"/test/models/*/test_data_set_0/*.pb /usr/share/libonnx-testdata/data/node/test_[a-c]*/test_data_set_0/*.pb; do
        [ -f "$pb" ] && [ "$(stat -c %s "$pb")" -lt 65536 ] || continue
        cp "$pb" "$dir/t$i.pb"; i=$((i + 1))
      done ;;
    fuzz-npy)
      "$python" - "$dir" <<'PY'
import sys
import numpy as np
d = sys.argv[1]
for name, array in {"f32": np.ones((2, 3), np.float32), "i64": np.arange(5),
                    "f16": np.zeros((1, 4), np.float16), "bool": np.array([True, False]),
                    "scalar": np.float32(3), "empty": np.zeros((0, 4), np.int32)}.items():
    np.save(f"{d}/{name}.npy", array)
with open(f"{d}/v2.npy", "wb") as f:
    np.lib.format.write_array(f, np.ones(3, np.int8), version=(2, 0))
PY
      ;;
  esac
}

status=0
printf '%-22s %8s %14s %10s %9s\n' target seconds executions exec/s findings
for target in "${targets[@]}"; do
  seed "$target"
  regressions=$root/fuzz/regressions/$target
  findings=$fuzz_dir/findings/$target
  mkdir -p "$findings"
  log=$fuzz_dir/$target.log
  args=(-max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=2048
        -max_len=65536 -print_final_stats=1 -artifact_prefix="$findings/")
  dirs=("$fuzz_dir/corpus/$target")
  [ -d "$regressions" ] && dirs+=("$regressions")
  result=0
  "$fuzz_dir/$target" "${args[@]}" "${dirs[@]}" >"$log" 2>&1 || result=$?
  executions=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  found=$(find "$findings" -type f | wc -l)
  printf '%-22s %8s %14s %10s %9s\n' "$target" "$seconds" "${executions:-?}" "${speed:-?}" "$found"
  if [ "$result" -ne 0 ] || [ "$found" -ne 0 ]; then
    echo "  finding: see $log and $findings" >&2
    status=1
  fi
done
exit $status
