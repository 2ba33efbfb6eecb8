"""Compiles every fixture graph to PTX for sm_80 and sm_90 and runs ptxas
on each (ptxas-fixtures.test). Prints one summary line, or each failure."""
import os
import subprocess
import sys

compiler, ptxas, toolkit, models, out = sys.argv[1:6]
failures = []
count = 0
for model in sorted(os.listdir(models)):
    for graph in ("model.onnx", "model-kv.onnx"):
        path = os.path.join(models, model, graph)
        if not os.path.exists(path):
            continue
        for arch in ("sm_80", "sm_90"):
            count += 1
            ptx = os.path.join(out, "%s-%s-%s.ptx" % (model, graph[:-5], arch))
            compiled = subprocess.run(
                [compiler, path, "--target=cuda", "--gpu-arch=" + arch, "--cuda-toolkit=" + toolkit,
                 "--emit=ptx", "-o", ptx], capture_output=True, text=True)
            if compiled.returncode != 0:
                failures.append("%s %s: ternion-compile: %s" % (path, arch, compiled.stderr))
                continue
            checked = subprocess.run([ptxas, "-arch=" + arch, ptx, "-o", ptx + ".cubin"],
                                     capture_output=True, text=True)
            if checked.returncode != 0:
                failures.append("%s %s: ptxas: %s" % (path, arch, checked.stderr))
for failure in failures:
    print(failure)
graphs = count // 2
print("%d graphs x sm_80, sm_90: ptxas accepts %s" %
      (graphs, "all %d" % count if not failures else "%d of %d" % (count - len(failures), count)))
