"""Writes the broken tensor files of tensors.test into the folder given:
each is a valid .npy or TensorProto but for one fault."""
import struct
import sys

import numpy as np

out = sys.argv[1]


def npy(name, header, data=b""):
    """A .npy 1.0 file with the given header dictionary text."""
    text = header.encode("latin1")
    text += b" " * ((64 - (10 + len(text) + 1) % 64) % 64) + b"\n"
    with open(f"{out}/{name}", "wb") as f:
        f.write(b"\x93NUMPY\x01\x00" + struct.pack("<H", len(text)) + text + data)


np.save(f"{out}/ones.npy", np.ones((1, 4), np.float32))
np.save(f"{out}/int32.npy", np.ones((1, 4), np.int32))
np.save(f"{out}/rows3.npy", np.ones((3, 4), np.float32))
np.save(f"{out}/fortran.npy", np.asfortranarray(np.ones((2, 4), np.float32)))
with open(f"{out}/magic.npy", "wb") as f:
    f.write(b"\x93NUMPZ\x01\x00" + bytes(64))
npy("overflow.npy", "{'descr': '<f4', 'fortran_order': False, 'shape': (4294967296, 4294967296, 16), }")
with open(f"{out}/header.npy", "wb") as f:  # the header claims 60000 bytes
    f.write(b"\x93NUMPY\x01\x00" + struct.pack("<H", 60000) + b"{'descr'")
npy("complex.npy", "{'descr': '<c8', 'fortran_order': False, 'shape': (1, 4), }", bytes(32))


def varint(value):
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        out.append(byte | (0x80 if value else 0))
        if not value:
            return bytes(out)


# TensorProto: dims (field 1, varint), data_type (field 2) FLOAT = 1,
# raw_data (field 9, bytes).
huge = b"".join(b"\x08" + varint(1 << 40) for _ in range(2)) + b"\x10\x01"
with open(f"{out}/huge.pb", "wb") as f:
    f.write(huge)
short = b"\x08\x01\x08\x04\x10\x01" + b"\x4a" + varint(8) + bytes(8)
with open(f"{out}/short.pb", "wb") as f:
    f.write(short)
