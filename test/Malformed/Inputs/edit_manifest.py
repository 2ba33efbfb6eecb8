"""Edits an artifact's manifest.json in place for the malformed-artifact
tests: `edit_manifest.py ARTIFACT "STATEMENT"` runs STATEMENT with the
parsed manifest as `m` and writes it back."""
import json
import sys

path = sys.argv[1] + "/manifest.json"
with open(path) as f:
    m = json.load(f)
exec(sys.argv[2])
with open(path, "w") as f:
    json.dump(m, f, indent=2)
