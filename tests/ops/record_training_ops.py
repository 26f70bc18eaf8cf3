"""Records TensorFlow's fused optimizer updates into tests/ops/data/training_ops_tf.json (run
with TensorFlow installed; the tests only read the file):

    /work/tfenv/bin/python -m tests.ops.record_training_ops

For every rule variant of ops/_update_rules.py: float32 start values and gradients of shape
[3, 4] (stored with the results), three steps of `tf.raw_ops.ResourceApply<...>` with the same
scalar inputs as tests/ops/test_training_ops.py, and the final variable and slots.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

OUT = Path(__file__).resolve().parent / "data" / "training_ops_tf.json"
SCALARS = {"alpha": 0.1, "lr": 0.05, "momentum": 0.9, "beta1": 0.9, "beta2": 0.99,
           "beta1_power": 0.81, "beta2_power": 0.9801, "epsilon": 1e-3, "rho": 0.9}
#: each rule: its references and inputs (TF's names), variants (attribute settings)
RULES = {
    "ApplyGradientDescent": (("var",), ("var", "alpha", "delta"), [{}]),
    "ApplyMomentum": (("var", "accum"), ("var", "accum", "lr", "grad", "momentum"),
                      [{}, {"use_nesterov": True}]),
    "ApplyKerasMomentum": (("var", "accum"), ("var", "accum", "lr", "grad", "momentum"),
                           [{}, {"use_nesterov": True}]),
    "ApplyAdam": (("var", "m", "v"), ("var", "m", "v", "beta1_power", "beta2_power", "lr", "beta1",
                                      "beta2", "epsilon", "grad"), [{}, {"use_nesterov": True}]),
    "ApplyAdaMax": (("var", "m", "v"), ("var", "m", "v", "beta1_power", "lr", "beta1", "beta2",
                                        "epsilon", "grad"), [{}]),
    "ApplyRMSProp": (("var", "ms", "mom"), ("var", "ms", "mom", "lr", "rho", "momentum", "epsilon",
                                            "grad"), [{}]),
    "ApplyCenteredRMSProp": (("var", "mg", "ms", "mom"), ("var", "mg", "ms", "mom", "lr", "rho",
                                                          "momentum", "epsilon", "grad"), [{}]),
    "ApplyAdagrad": (("var", "accum"), ("var", "accum", "lr", "grad"),
                     [{}, {"update_slots": False}]),
    "ApplyAdagradV2": (("var", "accum"), ("var", "accum", "lr", "epsilon", "grad"),
                       [{}, {"update_slots": False}]),
    "ApplyAdadelta": (("var", "accum", "accum_update"), ("var", "accum", "accum_update", "lr", "rho",
                                                         "epsilon", "grad"), [{}]),
}


def record() -> dict:
    import tensorflow as tf

    rng = np.random.default_rng(11)
    cases = {}
    for op_type, (refs, inputs, variants) in RULES.items():
        for attrs in variants:
            ranges = {"var": (-1.0, 1.0), "mg": (-0.1, 0.1)}
            start = {r: rng.uniform(*ranges.get(r, (0.5, 1.5)), (3, 4)).astype(np.float32)
                     for r in refs}
            grads = [rng.normal(size=(3, 4)).astype(np.float32) for _ in range(3)]
            variables = {r: tf.Variable(start[r]) for r in refs}
            grad_name = "delta" if op_type == "ApplyGradientDescent" else "grad"
            raw = getattr(tf.raw_ops, "Resource" + op_type)
            for g in grads:
                kwargs = {n: (variables[n].handle if n in refs else tf.constant(g) if n == grad_name
                              else tf.constant(SCALARS[n], tf.float32)) for n in inputs}
                raw(**kwargs, **attrs)
            cases[op_type + json.dumps(attrs, sort_keys=True)] = {
                "attrs": attrs, "start": {r: start[r].tolist() for r in refs},
                "grads": [g.tolist() for g in grads],
                "result": {r: variables[r].numpy().tolist() for r in refs}}
    return {"tensorflow": tf.__version__, "scalars": SCALARS, "cases": cases}


if __name__ == "__main__":
    OUT.parent.mkdir(exist_ok=True)
    OUT.write_text(json.dumps(record(), indent=1) + "\n")
    print(f"wrote {OUT}")
