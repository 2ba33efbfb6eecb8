"""Starts COMPILER MODEL -o ARTIFACT, interrupts it with SIGNAL
once its staging folder exists, and checks that it exits with status 130
and leaves no staging folder behind."""
import glob
import os
import signal
import subprocess
import sys
import time

compiler, artifact, model, name = sys.argv[1:5]
process = subprocess.Popen([compiler, model, "-o", artifact],
                           stderr=subprocess.PIPE)
deadline = time.time() + 120
while not glob.glob(artifact + ".partial-*"):
    if process.poll() is not None or time.time() > deadline:
        sys.exit("ternion-compile finished before it could be interrupted")
    time.sleep(0.05)
time.sleep(0.5)
process.send_signal(getattr(signal, "SIG" + name))
process.wait(timeout=60)
if process.returncode != 130:
    sys.exit(f"exit status {process.returncode}, expected 130")
left = glob.glob(artifact + ".partial-*")
if left:
    sys.exit(f"left behind: {left}")
