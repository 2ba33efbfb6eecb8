"""Checks generated token ids against the ones PyTorch recorded at export.

  compare_greedy_ids.py IDS_FILE REFERENCE PROMPT_INDEX
      IDS_FILE (ternion-run --ids output) must hold the prompt's greedy_ids
      from reference.json.
"""
import json
import sys


def compare(ids_file, reference_file, index):
    with open(reference_file) as f:
        expected = json.load(f)["prompts"][index]["greedy_ids"]
    with open(ids_file) as f:
        actual = [int(word) for word in f.read().split()]
    if actual == expected:
        print(f"prompt {index}: {len(actual)} greedy ids match")
        return 0
    first = next((i for i, (a, e) in enumerate(zip(actual, expected))
                  if a != e), min(len(actual), len(expected)))
    print(f"prompt {index}: ids differ at {first}: got {actual[first:first + 8]}"
          f" expected {expected[first:first + 8]} ({len(actual)} vs "
          f"{len(expected)} ids)")
    return 1


if __name__ == "__main__":
    sys.exit(compare(sys.argv[1], sys.argv[2], int(sys.argv[3])))
