"""Records TensorFlow's results for tests/rnn/cases.py into tests/rnn/data/ (run from the root
with an interpreter that has TensorFlow: `/work/tfenv/bin/python -m tests.rnn.record`).

Writes `<group>.npz` (one array per `case|fetch`) and `<group>_names.json` (each case's variable
names), group being "static" or "dynamic".
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import numpy as np

from tests.rnn import cases

DATA = Path(__file__).resolve().parent / "data"


def _tf():
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    os.environ.setdefault("TF_USE_LEGACY_KERAS", "1")
    import tensorflow.compat.v1 as tf

    tf.disable_v2_behavior()
    return tf


def record(group: str, table: dict) -> None:
    tf = _tf()
    arrays, names = {}, {}
    for case, build in table.items():
        values, variable_names = cases.run_case(tf, build)
        for key, value in values.items():
            arrays[f"{case}|{key}"] = value
        names[case] = variable_names
        print(f"recorded {case}: {len(values)} fetches")
    np.savez_compressed(DATA / f"{group}.npz", **arrays)
    (DATA / f"{group}_names.json").write_text(json.dumps(names, indent=1, sort_keys=True) + "\n")


def main(argv: list[str]) -> int:
    groups = argv or ["static", "dynamic"]
    for group in groups:
        record(group, {"static": cases.STATIC_CASES, "dynamic": cases.DYNAMIC_CASES}[group])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
