"""The `_FusedElementwise` op the fuser creates: a small straight-line program of elementwise
rows over one iteration space. It is an IR-only op (never in a user's graph, so not in the
registry); its numpy reference replays the rows one by one. Its kernels belong to the backends,
which dispatch on this class (the CPU's generated numba loop is `graphflow.backends.cpu_fused`):
the compiler imports no backend."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import numpy as np

from graphflow.ops.elementwise import ELEMENTWISE
from graphflow.ops.registry import OpDef

Operand = tuple[str, int]  # ("in", k): fused input k; ("step", j): result of step j


@dataclass(frozen=True)
class Program:
    """What a fused node computes; hashable, so equal programs share one compiled kernel."""

    steps: tuple[tuple[str, tuple[Operand, ...]], ...]  # (row type, operands) in order
    outputs: tuple[int, ...]  # the steps whose results leave the fused node
    #: the iteration space (every step's output shape); None for a dimension known only at
    #: run time (a plan general in the batch size), which the backend's kernel checks per call
    shape: tuple[int | None, ...]
    in_shapes: tuple[tuple[int | None, ...], ...]  # static shapes of the inputs (broadcast to `shape`)
    in_dtypes: tuple[str, ...]
    out_dtypes: tuple[str, ...]
    #: per input (empty: none), where along the last axis its values start in the array the
    #: kernel is given: input k is `array[..., off:off + in_shapes[k][-1]]` of a wider array (a
    #: piece of a Split read in place, graphflow.compiler.fuse_slices)
    in_offsets: tuple[int, ...] = ()


def input_views(program: Program, xs: Any) -> list[Any]:
    """The program's inputs as the arrays its rows read: the pieces `in_offsets` select."""
    if not program.in_offsets:
        return list(xs)
    return [x if not off and np.shape(x)[-1:] == s[-1:] else np.asarray(x)[..., off:off + s[-1]]
            for x, s, off in zip(xs, program.in_shapes, program.in_offsets)]


def single_row(row: str, in_shapes: tuple[tuple[int, ...], ...], in_dtypes: tuple[str, ...],
               out_dtype: str) -> Program:
    """Elementwise row `row` alone as a program over the broadcast of its inputs' shapes."""
    return Program(steps=((row, tuple(("in", k) for k in range(len(in_shapes)))),), outputs=(0,),
                   shape=tuple(np.broadcast_shapes(*in_shapes)), in_shapes=tuple(in_shapes),
                   in_dtypes=tuple(in_dtypes), out_dtypes=(out_dtype,))


def _is_index(value: Any) -> bool:
    return isinstance(value, (int, np.integer)) and not isinstance(value, bool) and value >= 0


def is_dynamic(program: Program) -> bool:
    """Whether some dimension of the program's iteration space is known only at run time."""
    return any(d is None for d in program.shape)


def check_program(program: Program) -> None:
    """Guards the kernel generators, which paste a program's numbers into Python source: every
    shape entry must be a non-negative integer (or None: known at run time), every operand and
    output a non-negative integer, every row a table entry (so no text from a graph can become
    code).

    Raises:
        TypeError: naming the first field that breaks this.
    """
    shapes = (program.shape, *program.in_shapes)
    if not all(isinstance(s, tuple) and all(d is None or _is_index(d) for d in s) for s in shapes):
        raise TypeError(f"fused program shapes must be tuples of integers or None: {shapes!r}")
    for op_type, operands in program.steps:
        if not isinstance(op_type, str) or op_type not in ELEMENTWISE:
            raise TypeError(f"fused program step {op_type!r} is not an elementwise row")
        if not all(kind in ("in", "step") and _is_index(k) for kind, k in operands):
            raise TypeError(f"fused program operands must be ('in'|'step', index): {operands!r}")
    if not all(_is_index(k) for k in program.outputs):
        raise TypeError(f"fused program outputs must be step indices: {program.outputs!r}")
    offsets = program.in_offsets
    if offsets and (len(offsets) != len(program.in_shapes) or not all(_is_index(k) for k in offsets)
                    or any(k and not (s and s[-1] is not None) for k, s in zip(offsets, program.in_shapes))):
        raise TypeError(f"fused program offsets must be one integer per input: {offsets!r}")


def step_dtypes(program: Program) -> list[str]:
    """The numpy dtype name of each step's result: a row keeps its operands' dtype (Select its
    second operand's), comparisons and logic give bool."""
    dtypes: list[str] = []
    for op_type, operands in program.steps:
        row = ELEMENTWISE[op_type]
        kind, k = operands[1 if op_type == "Select" else 0]
        dtypes.append("bool" if row.bool_out else
                      np.dtype(program.in_dtypes[k]).name if kind == "in" else dtypes[k])
    return dtypes


def uses_float32_cpu_exprs(program: Program) -> bool:
    """Whether `scalar_steps(program, float32_cpu=True)` calls `graphflow.ops._fast_math`."""
    return any(ELEMENTWISE[op_type].float32_cpu_expr is not None and dtype == "float32"
               for (op_type, _), dtype in zip(program.steps, step_dtypes(program)))


def scalar_steps(program: Program, float32_cpu: bool = False) -> list[str]:
    """The program as scalar assignments `t{j} = <row expression>` over inputs named `x{k}`:
    the loop body every backend's generated kernel shares (numba CPU and numba CUDA compile the
    same Python expressions). Only table expressions and integers reach the text
    (`check_program`).

    Args:
        program: the fused program.
        float32_cpu: use the rows' `float32_cpu_expr` (vectorizable functions of
            `graphflow.ops._fast_math`, which the kernel's module must define) for steps over
            float32 operands: the CPU's generated loops do, the CUDA kernels keep `expr`.
    """
    check_program(program)
    dtypes = step_dtypes(program) if float32_cpu else [""] * len(program.steps)
    lines = []
    for j, ((op_type, operands), dtype) in enumerate(zip(program.steps, dtypes)):
        row = ELEMENTWISE[op_type]
        names = dict(zip("xyz", (f"x{k}" if kind == "in" else f"t{k}" for kind, k in operands)))
        template = row.float32_cpu_expr if row.float32_cpu_expr and dtype == "float32" else row.expr
        expr = re.sub(r"\b[xyz]\b", lambda m, names=names: names[m.group(0)], template)
        lines.append(f"t{j} = ({expr})")
    return lines


class FusedElementwise(OpDef):
    """A fused group of elementwise ops (see graphflow.compiler.fuse)."""

    type = "_FusedElementwise"
    kernels = {"cuda": "graphflow.cuda.elementwise:build_program"}

    def reference(self, attrs: Any, *xs: Any) -> Any:
        program: Program = attrs["program"]
        xs = input_views(program, xs)
        results: list[Any] = []
        for op_type, operands in program.steps:
            args = [xs[k] if kind == "in" else results[k] for kind, k in operands]
            results.append(ELEMENTWISE[op_type].numpy(*args))
        outs = tuple(np.asarray(results[k], dtype=d)
                     for k, d in zip(program.outputs, program.out_dtypes))
        return outs if len(outs) > 1 else outs[0]


FUSED = FusedElementwise()
