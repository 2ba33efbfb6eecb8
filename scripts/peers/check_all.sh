#!/bin/sh
# Run ONNX Runtime (npm onnxruntime-node) over every fixture in test/models, one node process
# per model, and compare with the recorded references (tolerances: reference.json
# "ort_tolerance"). Install once, outside the repo:
#   mkdir -p /work/peers && cd /work/peers && npm install --ignore-scripts onnxruntime-node
# and point $ORT_NODE at node_modules/onnxruntime-node if it lives elsewhere.
# Prints one summary line per model; exits 1 if any model fails.
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
fail=0
for m in llama bitnet draft draft-bytes llama-long gpt2-tiny; do
  d="$root/test/models/$m"
  if [ ! -f "$d/model.onnx" ]; then echo "$m: MISSING ($d)"; fail=1; continue; fi
  out=$(node "$root/scripts/peers/ort_check.js" "$d" 2>&1); rc=$?
  echo "$out" | /usr/bin/python3 -c '
import json, sys
raw = sys.stdin.read()
try:
    d = json.loads(raw.strip().splitlines()[-1])
except Exception:
    print("%-12s ERROR %s" % (sys.argv[1], raw.strip()[-400:])); sys.exit(0)
sets = [r for r in d["report"] if "set" in r]
g = [r for r in d["report"] if "greedy" in r]
gs = ""
if g:
    res = g[0]["greedy"]
    gs = " greedy %d/%d prompts identical%s" % (sum(r["match"] for r in res), len(res),
        "".join(" (first mismatch at token %d)" % r["first_mismatch"] for r in res if not r["match"]))
print("%-12s %s atol=%g rtol=%g max|diff| %.3g over %d sets%s" % (d["model"], "PASS" if d["ok"] else "FAIL",
      d["atol"], d["rtol"], max(r["max_abs_diff"] for r in sets), len(sets), gs))
for r in sets:
    for e in r["errors"]:
        print("    %s %s: %s" % (r["graph"], r["set"], e))
' "$m"
  [ $rc -eq 0 ] || fail=1
done
exit $fail
