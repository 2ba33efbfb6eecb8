"""Writes the tensors the ternion-run lit tests feed to the fixture model
(add_relu = relu(a + b); cast = (int32(x), x > 0)) into the folder argv[1]."""
import os
import sys

import numpy as np

out = sys.argv[1]
a = np.array([[1, -2, 3], [-4, 5, -6]], dtype=np.float32)
b = np.array([[1, 1, 1], [1, 1, 10]], dtype=np.float32)
np.save(os.path.join(out, "a.npy"), a)
np.save(os.path.join(out, "b.npy"), b)
np.save(os.path.join(out, "out.npy"), np.maximum(a + b, 0))
np.save(os.path.join(out, "wrong.npy"), (np.maximum(a + b, 0) + [[0, 0, 0], [0, 0, 1]]).astype(np.float32))
np.save(os.path.join(out, "a_f64.npy"), a.astype(np.float64))
np.save(os.path.join(out, "b_short.npy"), b[:, :2])
x = np.array([-5, 0, 7], dtype=np.int64)
np.save(os.path.join(out, "x.npy"), x)
np.save(os.path.join(out, "y.npy"), x.astype(np.int32))
np.save(os.path.join(out, "mask.npy"), x > 0)

try:
    from onnx import numpy_helper
except ImportError:
    sys.exit(0)
for name, array in [("a", a), ("b", b), ("out", np.maximum(a + b, 0))]:
    with open(os.path.join(out, name + ".pb"), "wb") as f:
        f.write(numpy_helper.from_array(array, name).SerializeToString())
