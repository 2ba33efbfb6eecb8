# Shared by bench/llm/run.sh and bench/llm/run_ternary.sh (sourced, not run): building the
# tools a run needs and the inputs every runtime gets. Expects root, here, build, work, py,
# LLAMA_CPP and a log function to be set.

# Builds what is missing: ternion-compile and ternion-llm-bench, the llama.cpp targets given
# as arguments (configured -DGGML_NATIVE=ON, Release; ~10 min on 2 cores), and the two helpers
# in $work/bin-<llama.cpp build>: llama_check (against that llama.cpp build) and the bandwidth probe.
bench_build_tools() {
  [ -f "$LLAMA_CPP/CMakeLists.txt" ] || {
    echo "LLAMA_CPP=$LLAMA_CPP is not a llama.cpp source tree (see bench/llm/run.sh)" >&2; exit 1; }
  if [ ! -x "$build/bin/ternion-compile" ] || [ ! -x "$build/bin/ternion-llm-bench" ]; then
    log "building ternion-compile and ternion-llm-bench"
    TERNION_BUILD_DIR="$build" bash "$root/scripts/build.sh" ternion-compile ternion-llm-bench >&2
  fi
  # LLAMA_BUILD: another build of the same source (e.g. one for AVX2 only: -DGGML_NATIVE=OFF
  # -DGGML_AVX2=ON -DGGML_AVX512=OFF) to compare with on an AVX-512 host.
  lbuild=${LLAMA_BUILD:-$LLAMA_CPP/build}
  local target missing=()
  for target in "$@"; do
    [ -x "$lbuild/bin/$target" ] || missing+=("$target")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    log "building llama.cpp's ${missing[*]} in $lbuild"
    [ -f "$lbuild/build.ninja" ] || cmake -G Ninja -S "$LLAMA_CPP" -B "$lbuild" -DGGML_NATIVE=ON -DLLAMA_CURL=OFF \
      -DCMAKE_BUILD_TYPE=Release -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF -DLLAMA_BUILD_SERVER=OFF >&2
    cmake --build "$lbuild" -j 2 --target "${missing[@]}" >&2
  fi
  # Per llama.cpp build: llama_check links against it.
  bin="$work/bin-$(basename "$lbuild")"
  mkdir -p "$bin"
  if [ ! -x "$bin/llama_check" ] || [ "$here/llama_check.cpp" -nt "$bin/llama_check" ]; then
    c++ -O2 -std=c++17 -I"$LLAMA_CPP/include" -I"$LLAMA_CPP/ggml/include" "$here/llama_check.cpp" \
      -L"$lbuild/bin" -lllama -lggml -lggml-base -Wl,-rpath,"$lbuild/bin" -o "$bin/llama_check"
  fi
  if [ ! -x "$bin/bandwidth" ] || [ "$here/bandwidth.c" -nt "$bin/bandwidth" ]; then
    # No -march: bandwidth.c picks its vector ISA at run time (AVX-512, AVX2 or SSE2).
    cc -O3 -pthread "$here/bandwidth.c" -o "$bin/bandwidth"
  fi
}

# The GGUF of the model in $1 (to_gguf.py) as model-$2.gguf, $2 f32 (default) or f16 (2-D
# weights in F16), rewritten when to_gguf.py changed.
bench_write_gguf() {
  local dtype=${2:-f32}
  if [ ! -f "$1/model-$dtype.gguf" ] || [ "$here/to_gguf.py" -nt "$1/model-$dtype.gguf" ]; then
    log "writing the $dtype GGUF"
    PYTHONPATH="$LLAMA_CPP/gguf-py" $py "$here/to_gguf.py" $([ "$dtype" = f16 ] && echo --f16) \
      "$1" "$1/model-$dtype.gguf" >&2
  fi
}

# Fixed pseudo-random prompt ids in [3, vocab) of the model in $1, $2 of them, into $3: the
# same ids for every runtime.
bench_prompt_ids() {
  $py -c "import random, json, sys; v = json.load(open(sys.argv[1]))['config']['vocab_size']; \
r = random.Random(512); print(' '.join(str(r.randrange(3, v)) for _ in range(int(sys.argv[2]))))" \
    "$1/config.json" "$2" > "$3"
}

# The conditions of a run, printed and written to $res/conditions.txt: where it ran (CPU, its
# vector extensions, load), what ran (revisions, the artifacts' --mcpu and their manifest's
# target fields given as $1), and how. Expects root, LLAMA_CPP, mcpu, threads, reps and res.
bench_conditions() {
  {
    echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo "machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo)"
    echo "vector extensions: $(grep -m1 '^flags' /proc/cpuinfo | tr ' ' '\n' | grep -E '^(avx2|avx512f|avx512bw|avx512_vnni|avx_vnni)$' | tr '\n' ' ')"
    echo "Ternion artifacts: --mcpu=$mcpu, $1"
    echo "load average before measuring: $(cut -d' ' -f1-3 /proc/loadavg)"
    echo "ternion: $(git -C "$root" rev-parse --short HEAD)$(git -C "$root" diff --quiet HEAD -- . 2>/dev/null || echo '+changes')"
    echo "llama.cpp: $(git -C "$LLAMA_CPP" rev-parse --short HEAD) (node-llama-cpp bundle, $(basename "${LLAMA_BUILD:-build}"))"
    echo "threads: $threads; reps: $reps after 1 warm-up"
  } | tee "$res/conditions.txt"
  if awk '{exit !($1 >= 0.7)}' /proc/loadavg; then
    log "WARNING: load average >= 0.7: other work is running, numbers will be low and noisy"
  fi
}
