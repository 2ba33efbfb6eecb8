"""Greedy generation for every reference prompt of a fixture model.

  generate_all_prompts.py TERNION_RUN ARTIFACT MODEL_DIR

Runs `ternion-run ARTIFACT --prompt TEXT -n N --greedy --ids` for each prompt
in MODEL_DIR/reference.json and compares the ids with the greedy_ids PyTorch
recorded at export. A prompt without "text" (a fixture without a tokenizer,
gpt2-tiny) is given as its "ids" with --prompt-ids. Prints one line per
prompt; exits 1 on any difference.
"""
import json
import subprocess
import sys

run, artifact, model_dir = sys.argv[1:4]
with open(f"{model_dir}/reference.json") as f:
    reference = json.load(f)
failed = 0
for index, prompt in enumerate(reference["prompts"]):
    expected = prompt["greedy_ids"]
    if "text" in prompt:
        given = ["--prompt", prompt["text"]]
    else:
        given = ["--prompt-ids", ",".join(str(i) for i in prompt["ids"])]
    out = subprocess.run([run, artifact, *given, "-n", str(len(expected)), "--greedy", "--ids"],
                         capture_output=True, text=True)
    if out.returncode != 0:
        print(f"prompt {index}: ternion-run failed: {out.stderr.strip()}")
        failed = 1
        continue
    actual = [int(word) for word in out.stdout.split()]
    if actual == expected:
        print(f"prompt {index}: {len(actual)} greedy ids match")
    else:
        first = next((i for i, (a, e) in enumerate(zip(actual, expected)) if a != e),
                     min(len(actual), len(expected)))
        print(f"prompt {index}: ids differ at {first}: got {actual[first:first + 8]} "
              f"expected {expected[first:first + 8]}")
        failed = 1
sys.exit(failed)
