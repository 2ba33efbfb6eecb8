# Inputs and numpy reference outputs for compile-run.test.
import sys

import numpy as np

out = sys.argv[1]
x = (np.arange(24, dtype=np.float32).reshape(3, 8) - 5) / 7
w = (np.arange(32, dtype=np.float32).reshape(4, 8)) / 4
np.save(f"{out}/x.npy", x)
np.save(f"{out}/y.npy", x @ w.T)
np.save(f"{out}/w.npy", w)
np.save(f"{out}/same.npy", x)
