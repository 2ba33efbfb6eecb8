"""Reading what the bench/llm run scripts write (shared by report.py and report_ternary.py)."""
import json


def load(path):
    """A JSON file, or the last line of one that a tool printed more before (one JSON line)."""
    with open(path) as f:
        text = f.read().strip()
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return json.loads(text.splitlines()[-1])


def llama_row(path, key):
    """llama-bench -o json: list of tests; return (mean tok/s, stddev, the test record)."""
    tests = load(path)
    for t in tests:
        if (key == "pp" and t["n_prompt"] > 0 and t["n_gen"] == 0) or (key == "tg" and t["n_gen"] > 0 and t["n_prompt"] == 0):
            return t["avg_ts"], t["stddev_ts"], t
    raise SystemExit(f"no {key} test in {path}")


def print_conditions(res):
    """Prints the conditions.txt a run script wrote: every figure after it is of that machine."""
    with open(f"{res}/conditions.txt") as f:
        print(f.read().strip())
    print()


def read_bandwidth(res):
    """The best read bandwidth (GB/s) measured before and after the timings."""
    return max(load(f"{res}/bandwidth.json")["best_gb_s"], load(f"{res}/bandwidth-after.json")["best_gb_s"])
