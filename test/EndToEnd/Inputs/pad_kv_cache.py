"""Turns one Optimum KV test set into inputs of an in-place KV-cache artifact.

Usage: pad_kv_cache.py TEST_SET_DIR CAPACITY OUT_DIR

Writes input_<i>.npy for every input_<i>.pb of TEST_SET_DIR. Each
past_key_values.N.* tensor [batch, heads, past, head_dim] becomes the cache
buffer [batch, heads, CAPACITY, head_dim]: its past rows first, then NaN.
The compiled code must write the step's rows after the past and never read
beyond them, or the logits turn NaN.
"""
import glob
import os
import sys

import numpy as np
import onnx
from onnx import numpy_helper


def main():
    test_set, capacity, out_dir = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    os.makedirs(out_dir, exist_ok=True)
    paths = sorted(glob.glob(os.path.join(test_set, "input_*.pb")),
                   key=lambda p: int(p.rsplit("_", 1)[1].split(".")[0]))
    for path in paths:
        tensor = onnx.TensorProto()
        with open(path, "rb") as f:
            tensor.ParseFromString(f.read())
        array = numpy_helper.to_array(tensor)
        if tensor.name.startswith("past_key_values."):
            batch, heads, past, head_dim = array.shape
            if past > capacity:
                sys.exit(f"{path}: past length {past} exceeds capacity {capacity}")
            cache = np.full((batch, heads, capacity, head_dim), np.nan, dtype=array.dtype)
            cache[:, :, :past, :] = array
            array = cache
        name = os.path.basename(path).replace(".pb", ".npy")
        np.save(os.path.join(out_dir, name), array)


if __name__ == "__main__":
    main()
