"""Part of the "fuse" pass, for backends whose fused loops index their inputs (the CPU's): a
fused node that reads pieces of a Split along the last axis reads them in place, at an offset
inside the split array (`Program.in_offsets`), and a BiasAdd just before that Split becomes an
Add at the head of the fused program.

Why: an LSTM cell computes `split(bias_add(x @ W, b), 4, axis=1)` and then one fused loop over
the four gates. Each piece is a column block of the product, not contiguous in memory: the
fused loop's flat 1-D indexing needed a copy of each (four [128, 128] copies per step), and the
BiasAdd wrote the whole product once more. Reading the product's columns at their offsets and
adding the bias's matching slice inside the loop (BiasAdd is an elementwise row) removes both
passes over memory and the Split and BiasAdd calls (about 30 of the 64 us these took per step
of benchmarks/rnn.py).

Consumes the nodes after `fuse_elementwise`; produces the same nodes with such fused nodes
replaced (the Split and BiasAdd stay for their other consumers; "dce" drops them otherwise).
Only programs whose shapes are all known are rewritten (a plan general in the batch size keeps
its run-time shape checks as they are). Sums are unchanged: the BiasAdd row is the same `x + b`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from graphflow.framework.tensor_shape import TensorShape
from graphflow.ops.registry import Spec

from .fused_op import FusedElementwise, Program
from .ir import Node, Value
from .rewrite import rewrite


def _static(shape: TensorShape) -> tuple[int, ...] | None:
    """The dims of a fully known shape, else None."""
    return tuple(shape.as_list()) if shape.is_fully_defined() else None


def _piece(value: Value, program: Program, k: int) -> tuple[Value, int] | None:
    """(the split array, the piece's offset) when input `k` of `program` is a piece of a Split
    along the last axis of an array of the program's own rank and leading dims."""
    split, j = value
    if split.type != "Split" or program.in_shapes[k] != program.shape or not program.shape:
        return None
    source = split.inputs[0]
    shape = _static(split.in_specs[0].shape)
    rank = len(program.shape)
    if shape is None or len(shape) != rank or split.attrs["axis"] % rank != rank - 1:
        return None
    if shape[:-1] != program.shape[:-1] or split.in_specs[0].dtype != split.out_specs[0].dtype:
        return None
    return source, j * program.shape[-1]


def _bias_add(value: Value) -> tuple[Value, Value, Spec, Spec] | None:
    """(x, b, x's spec, b's spec) when `value` is a BiasAdd of a 1-D bias (over the last axis:
    an NCHW bias_add reshapes its bias to [C, 1, ...] first) to an array of its own shape."""
    node, _ = value
    if node.type != "BiasAdd" or len(node.inputs) != 2:
        return None
    x_spec, b_spec = node.in_specs
    x_shape, b_shape = _static(x_spec.shape), _static(b_spec.shape)
    if x_shape is None or b_shape is None or len(b_shape) != 1 or x_shape[-1:] != b_shape \
            or x_shape != _static(node.out_specs[0].shape) or x_spec.dtype != b_spec.dtype:
        return None
    return node.inputs[0], node.inputs[1], x_spec, b_spec


def _rewrite(node: Node) -> Node | None:
    program: Program = node.attrs["program"]
    if program.in_offsets or None in program.shape:
        return None
    pieces = {k: _piece(v, program, k) for k, v in enumerate(node.inputs)}
    pieces = {k: p for k, p in pieces.items() if p is not None}
    if not pieces:
        return None
    inputs, specs, shapes, dtypes, offsets = [], [], [], [], []

    def add_input(value: Value, spec: Spec, shape: tuple, dtype: str, offset: int) -> int:
        inputs.append(value)
        specs.append(spec)
        shapes.append(shape)
        dtypes.append(dtype)
        offsets.append(offset)
        return len(inputs) - 1

    head: list[tuple[str, tuple[tuple[str, int], ...]]] = []  # the BiasAdds, as Add steps
    operand_of: dict[int, tuple[str, int]] = {}
    for k, (value, spec) in enumerate(zip(node.inputs, node.in_specs)):
        shape, dtype = program.in_shapes[k], program.in_dtypes[k]
        if k not in pieces:
            operand_of[k] = ("in", add_input(value, spec, shape, dtype, 0))
            continue
        source, offset = pieces[k]
        split = value[0]
        biased = _bias_add(source)
        if biased is None:
            operand_of[k] = ("in", add_input(source, split.in_specs[0], shape, dtype, offset))
            continue
        x, b, x_spec, b_spec = biased
        x_in = add_input(x, x_spec, shape, dtype, offset)
        b_in = add_input(b, b_spec, shape[-1:], dtype, offset)
        head.append(("BiasAdd", (("in", x_in), ("in", b_in))))
        operand_of[k] = ("step", len(head) - 1)
    shift = len(head)
    steps = [*head, *((row, tuple(operand_of[i] if kind == "in" else (kind, i + shift)
                                  for kind, i in operands)) for row, operands in program.steps)]
    rewritten = dataclasses.replace(
        program, steps=tuple(steps), outputs=tuple(i + shift for i in program.outputs),
        in_shapes=tuple(shapes), in_dtypes=tuple(dtypes), in_offsets=tuple(offsets))
    return node.replace(attrs={**node.attrs, "program": rewritten}, inputs=tuple(inputs),
                        in_specs=tuple(specs))


def read_split_pieces_in_place(nodes: Sequence[Node], fetched: Sequence[Value]
                               ) -> tuple[list[Node], list[Value]]:
    """The nodes with each fused node that reads Split pieces rewritten (see the module
    docstring), and the fetched values remapped to the rewritten nodes."""

    def visit(_: Node, current: Node) -> Node:
        if isinstance(current.opdef, FusedElementwise):
            return _rewrite(current) or current
        return current

    return rewrite(nodes, fetched, visit)
