"""Records TensorFlow's results for tests/rnn/cases.py into tests/rnn/data/ (run from the root
with an interpreter that has TensorFlow: `/work/tfenv/bin/python -m tests.rnn.record`).

Writes `<group>.npz` (one array per `case|fetch`) and `<group>_names.json` (each case's variable
names), group being "static" or "dynamic"; "block" writes block.npz from TF's BlockLSTM op.
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


def record_block() -> None:
    """TF's LSTMBlockCell math (the raw BlockLSTM op: TF 2 has no tf.contrib.rnn.LSTMBlockCell,
    and the op is what that cell ran): h at every step, the last memory, and the gradients of
    a fixed weighted sum w.r.t. the inputs, weights and initial state."""
    tf = _tf()
    arrays = {}
    for case, (peephole, clip) in cases.BLOCK_CASES.items():
        with tf.Graph().as_default():
            values = cases.block_values(peephole)
            tensors = {k: tf.constant(v) for k, v in values.items()}
            outputs = tf.raw_ops.BlockLSTM(
                seq_len_max=tf.constant(cases.STEPS, tf.int64), x=tensors["x"],
                cs_prev=tensors["c0"], h_prev=tensors["h0"], w=tensors["kernel"],
                wci=tensors["w_i_diag"], wcf=tensors["w_f_diag"], wco=tensors["w_o_diag"],
                b=tensors["bias"], forget_bias=cases.BLOCK_FORGET_BIAS, cell_clip=clip,
                use_peephole=peephole)
            h, cs = outputs.h, outputs.cs
            loss = cases.block_loss(tf, h, cs[-1])
            names = sorted(tensors)
            grads = tf.gradients(loss, [tensors[n] for n in names])
            with tf.Session() as sess:
                got = sess.run({"h": h, "c": cs[-1], "loss": loss,
                                **{f"grad/{n}": g for n, g in zip(names, grads) if g is not None}})
        for key, value in got.items():
            arrays[f"{case}|{key}"] = value
        print(f"recorded {case}: {len(got)} fetches")
    np.savez_compressed(DATA / "block.npz", **arrays)


def main(argv: list[str]) -> int:
    groups = argv or ["static", "dynamic", "block"]
    for group in groups:
        if group == "block":
            record_block()
            continue
        record(group, {"static": cases.STATIC_CASES, "dynamic": cases.DYNAMIC_CASES}[group])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
