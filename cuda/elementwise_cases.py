"""The elementwise programs the CUDA checks cover: every row of the elementwise table on every
sample the op-conformance suite uses (same shapes, broadcasting and value domains), in float32
and float64, plus multi-step fused programs with broadcasting."""

from __future__ import annotations

import numpy as np

from graphflow.compiler.fused_op import FUSED, Program, single_row
from graphflow.ops.elementwise import ELEMENTWISE
from graphflow.ops.registry import REGISTRY


def one_step(op_type: str, inputs: list[np.ndarray]) -> Program:
    """Row `op_type` alone over these inputs, with the output dtype numpy gives."""
    out = np.asarray(ELEMENTWISE[op_type].numpy(*inputs))
    return single_row(op_type, tuple(np.shape(a) for a in inputs),
                      tuple(np.asarray(a).dtype.name for a in inputs), out.dtype.name)


def row_cases() -> list[tuple[str, Program, list[np.ndarray]]]:
    """(label, program, inputs) for every row, sample and float dtype."""
    cases = []
    for op_type in sorted(ELEMENTWISE):
        for index, sample in enumerate(REGISTRY[op_type].samples(np.random.default_rng(0))):
            for dtype in (np.float32, np.float64):
                inputs = [np.asarray(x, dtype) if np.asarray(x).dtype.kind == "f"
                          else np.asarray(x) for x in sample.inputs]
                if dtype is np.float64 and not any(a.dtype.kind == "f" for a in inputs):
                    continue  # integer and bool samples once
                with np.errstate(all="ignore"):
                    program = one_step(op_type, inputs)
                named = next((a for a in inputs if a.dtype.kind == "f"), inputs[0])  # not Select's bool
                cases.append((f"{op_type}-{index}-{named.dtype.name}", program, inputs))
    return cases + fused_cases()


def fused_cases() -> list[tuple[str, Program, list[np.ndarray]]]:
    """Multi-step programs: a bias-add-ReLU-tanh chain with a broadcast bias and a scalar, and
    a comparison feeding a select (bool intermediates)."""
    rng = np.random.default_rng(1)
    x = rng.normal(size=(3, 4, 5)).astype(np.float32)
    bias = rng.normal(size=(4, 1)).astype(np.float32)
    scale = np.float32(0.5)
    chain = Program(steps=(("BiasAdd", (("in", 0), ("in", 1))), ("Relu", (("step", 0),)),
                           ("Mul", (("step", 1), ("in", 2))), ("Tanh", (("step", 2),))),
                    outputs=(1, 3), shape=(3, 4, 5), in_shapes=((3, 4, 5), (4, 1), ()),
                    in_dtypes=("float32",) * 3, out_dtypes=("float32",) * 2)
    y = rng.normal(size=(5,))
    w = rng.normal(size=(2, 5))
    select = Program(steps=(("Greater", (("in", 0), ("in", 1))),
                            ("Select", (("step", 0), ("in", 0), ("in", 1)))),
                     outputs=(1,), shape=(2, 5), in_shapes=((2, 5), (5,)),
                     in_dtypes=("float64", "float64"), out_dtypes=("float64",))
    return [("fused-chain", chain, [x, bias, np.asarray(scale)]),
            ("fused-select", select, [w, y])]


def expected(program: Program, inputs: list[np.ndarray]) -> tuple[np.ndarray, ...]:
    """The numpy reference of a program (the fused op's own reference)."""
    with np.errstate(all="ignore"):
        result = FUSED.reference({"program": program}, *inputs)
    return result if isinstance(result, tuple) else (result,)
