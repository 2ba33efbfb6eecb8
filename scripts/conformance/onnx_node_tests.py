#!/usr/bin/python3
"""Runs ONNX's backend node tests through ternion-compile and ternion-run.

Each test directory (model.onnx + test_data_set_N/{input,output}_K.pb) is
attributed to the ONNX op type its name starts with (test_layer_normalization_*
-> LayerNormalization; expanded variants too). A test is

  unsupported  when its graph uses an op type the importer does not list
               (`ternion-compile --list-onnx-ops`): it is not run;
  passed       when it compiles, runs, and every output matches the expected
               one within ternion-run's tolerances (rtol 1e-3, atol 1e-7);
  excluded     when it matches a pattern of the exclusion list (each with
               a reason) -- it is still run, and a passing excluded test is
               reported as stale;
  failed       otherwise.

Prints a table per op type and a total; exits 1 if any test failed.
Usage: onnx_node_tests.py --bin BUILD/bin [--exclusions FILE] [--jobs N]
                          [--filter REGEX] [--markdown OUT.md] [-v]
"""
import argparse
import concurrent.futures
import fnmatch
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections import defaultdict

import onnx
import onnx.defs

DATA = "/usr/share/libonnx-testdata/data/node"


def snake(name):
    s = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1_\2", name)
    return re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", s).lower()


def op_type_of(test, op_names):
    """The op type whose snake-case name is the longest prefix of the test."""
    rest = test[len("test_"):]
    best = None
    for op, key in op_names:
        if rest == key or rest.startswith(key + "_"):
            if best is None or len(key) > len(best[1]):
                best = (op, key)
    return best[0] if best else "(other)"


def load_exclusions(path):
    entries = []
    if not path:
        return entries
    with open(path) as f:
        for n, line in enumerate(f, 1):
            line = line.split("#", 1)[0].rstrip() if line.lstrip().startswith("#") else line.rstrip()
            if not line.strip():
                continue
            parts = line.split(None, 1)
            if len(parts) < 2:
                sys.exit(f"{path}:{n}: an exclusion needs a pattern and a reason")
            entries.append((parts[0], parts[1].strip()))
    return entries


def run_test(test_dir, bindir, workdir, timeout):
    """Returns (ok, message)."""
    name = os.path.basename(test_dir)
    artifact = os.path.join(workdir, name + ".tnx")
    compile_cmd = [os.path.join(bindir, "ternion-compile"), os.path.join(test_dir, "model.onnx"),
                   "-o", artifact]
    try:
        r = subprocess.run(compile_cmd, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return False, f"compile timed out after {timeout} s"
    if r.returncode != 0:
        lines = [l for l in r.stderr.splitlines() if "error" in l] or r.stderr.splitlines()
        return False, "compile: " + (lines[0].strip() if lines else f"exit {r.returncode}")
    try:
        sets = sorted(d for d in os.listdir(test_dir) if d.startswith("test_data_set_"))
        for s in sets:
            sdir = os.path.join(test_dir, s)
            inputs = sorted((f for f in os.listdir(sdir) if f.startswith("input_")),
                            key=lambda f: int(f[6:-3]))
            outputs = sorted((f for f in os.listdir(sdir) if f.startswith("output_")),
                             key=lambda f: int(f[7:-3]))
            cmd = [os.path.join(bindir, "ternion-run"), artifact, "--no-verify-weights"]
            for f in inputs:
                cmd += ["--input", os.path.join(sdir, f)]
            for f in outputs:
                cmd += ["--expected", os.path.join(sdir, f)]
            try:
                r = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
            except subprocess.TimeoutExpired:
                return False, f"{s}: run timed out after {timeout} s"
            if r.returncode != 0:
                text = (r.stdout + r.stderr).splitlines()
                bad = [l for l in text if "FAIL" in l or "error" in l] or text[-1:]
                return False, f"{s}: " + ("; ".join(l.strip() for l in bad[:2]) or
                                          f"exit {r.returncode}")
        return True, ""
    finally:
        shutil.rmtree(artifact, ignore_errors=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bin", required=True, help="directory with ternion-compile/-run")
    parser.add_argument("--data", default=DATA)
    parser.add_argument("--exclusions")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--filter", help="only tests whose name matches this regex")
    parser.add_argument("--timeout", type=int, default=120)
    parser.add_argument("--markdown", help="also write the table as Markdown here")
    parser.add_argument("-v", "--verbose", action="store_true", help="print every failure")
    args = parser.parse_args()

    supported = set(subprocess.run([os.path.join(args.bin, "ternion-compile"), "--list-onnx-ops"],
                                   capture_output=True, text=True, check=True).stdout.split())
    op_names = sorted({(s.name, snake(s.name)) for s in onnx.defs.get_all_schemas_with_history()
                       if s.domain in ("", "ai.onnx")})
    exclusions = load_exclusions(args.exclusions)

    tests = sorted(d for d in os.listdir(args.data) if d.startswith("test_"))
    if args.filter:
        tests = [t for t in tests if re.search(args.filter, t)]

    rows = defaultdict(lambda: {"passed": 0, "failed": 0, "excluded": 0, "unsupported": 0})
    to_run = []
    for t in tests:
        op = op_type_of(t, op_names)
        try:
            model = onnx.load(os.path.join(args.data, t, "model.onnx"), load_external_data=False)
        except Exception as e:  # a test file onnx itself cannot read
            rows[op]["unsupported"] += 1
            continue
        used = {n.op_type for n in model.graph.node if n.domain in ("", "ai.onnx")}
        foreign = {n.domain for n in model.graph.node if n.domain not in ("", "ai.onnx")}
        if foreign or not used <= supported:
            rows[op]["unsupported"] += 1
            continue
        to_run.append((t, op))

    failures, stale = [], []
    with tempfile.TemporaryDirectory(prefix="ternion-conformance-") as work:
        with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
            futures = {pool.submit(run_test, os.path.join(args.data, t), args.bin, work,
                                   args.timeout): (t, op) for t, op in to_run}
            for future in concurrent.futures.as_completed(futures):
                t, op = futures[future]
                ok, message = future.result()
                reason = next((r for p, r in exclusions if fnmatch.fnmatchcase(t, p)), None)
                if reason is not None:
                    rows[op]["excluded"] += 1
                    if ok:
                        stale.append((t, reason))
                elif ok:
                    rows[op]["passed"] += 1
                else:
                    rows[op]["failed"] += 1
                    failures.append((t, message))

    lines = ["| op type | passed | failed | excluded | unsupported |", "|---|---:|---:|---:|---:|"]
    total = defaultdict(int)
    for op in sorted(rows):
        r = rows[op]
        if r["passed"] + r["failed"] + r["excluded"] == 0:
            continue  # op types Ternion does not import: summed below
        lines.append(f"| {op} | {r['passed']} | {r['failed']} | {r['excluded']} | {r['unsupported']} |")
    for r in rows.values():
        for k, v in r.items():
            total[k] += v
    other = sum(r["unsupported"] for r in rows.values()
                if r["passed"] + r["failed"] + r["excluded"] == 0)
    lines.append(f"| other op types ({sum(1 for r in rows.values() if r['passed'] + r['failed'] + r['excluded'] == 0)}) | 0 | 0 | 0 | {other} |")
    lines.append(f"| **total** | **{total['passed']}** | **{total['failed']}** | "
                 f"**{total['excluded']}** | **{total['unsupported']}** |")
    table = "\n".join(lines)
    print(table)
    print(f"\n{len(tests)} tests: {total['passed']} passed, {total['failed']} failed, "
          f"{total['excluded']} excluded, {total['unsupported']} unsupported")
    for t, reason in sorted(stale):
        print(f"note: excluded test {t} passes now (exclusion: {reason})")
    if failures:
        shown = sorted(failures) if args.verbose else sorted(failures)[:40]
        print("\nfailures:")
        for t, m in shown:
            print(f"  {t}: {m}")
        if len(shown) < len(failures):
            print(f"  ... and {len(failures) - len(shown)} more (-v lists all)")
    if args.markdown:
        with open(args.markdown, "w") as f:
            f.write(table + "\n")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
