"""Completes a compiled llama artifact for LLM mode, then compares ids.

  llm_artifact.py prepare ARTIFACT MODEL_DIR
      Adds the manifest sections LLM mode reads (model_kind, tokenizer,
      generation) where ternion-compile did not write them, and copies the
      tokenizer in. Idempotent.
  llm_artifact.py compare IDS_FILE REFERENCE PROMPT_INDEX
      Checks that IDS_FILE (ternion-run --ids output) holds the prompt's
      greedy_ids from reference.json.
"""
import json
import os
import shutil
import sys


def prepare(artifact, model_dir):
    with open(os.path.join(model_dir, "reference.json")) as f:
        reference = json.load(f)
    path = os.path.join(artifact, "manifest.json")
    with open(path) as f:
        manifest = json.load(f)
    tok = reference["tokenizer"]
    manifest["model_kind"] = "llm"
    manifest.setdefault("tokenizer", {
        "file": tok["file"], "type": tok["type"], "bos_id": tok["bos_id"],
        "eos_id": tok["eos_id"], "add_bos": tok["add_bos"]})
    manifest.setdefault("generation",
                        {"max_context": reference["config"]["context"]})
    with open(path, "w") as f:
        json.dump(manifest, f, indent=2)
    target = os.path.join(artifact, manifest["tokenizer"]["file"])
    if not os.path.exists(target):
        shutil.copyfile(os.path.join(model_dir, tok["file"]), target)


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
    if sys.argv[1] == "prepare":
        prepare(sys.argv[2], sys.argv[3])
    else:
        sys.exit(compare(sys.argv[2], sys.argv[3], int(sys.argv[4])))
