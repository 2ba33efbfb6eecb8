# -*- Python -*-
# Runs the GoogleTest binaries under unittests/ as part of check-ternion.
import os

import lit.formats

config.name = "Ternion-Unit"
config.suffixes = []
config.test_source_root = os.path.join(config.ternion_obj_root, "unittests")
config.test_exec_root = config.test_source_root
config.test_format = lit.formats.GoogleTest(".", "Tests")
config.environment["TERNION_SOURCE_DIR"] = config.ternion_src_root
