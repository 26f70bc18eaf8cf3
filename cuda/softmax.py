"""Softmax, log-softmax, the softmax cross-entropies and L2Loss on the GPU, composed of the
reduction kernel and generated elementwise programs (the same rows the CPU backend fuses): a row
maximum, one fused pass for exp(x - max), a row sum, one fused pass for the result. The max is
subtracted first, so logits of 1e4 stay finite, as on the CPU."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from graphflow.compiler.fused_op import Program

from .elementwise import program_runner
from .reduce import reduce_runner

X, Y, Z, W = (("in", k) for k in range(4))


def _t(k: int) -> tuple[str, int]:
    return ("step", k)


def programs(shape: tuple[int, ...], dtype: Any) -> dict[str, Program]:
    """The elementwise passes over rows of `shape` (softmax axis last), by name."""
    d = np.dtype(dtype).name
    rows = (*shape[:-1], 1)

    def program(steps, outputs, in_shapes):
        return Program(steps=steps, outputs=outputs, shape=tuple(shape), in_shapes=in_shapes,
                       in_dtypes=(d,) * len(in_shapes), out_dtypes=(d,) * len(outputs))

    return {
        # z = x - max, e = exp(z)
        "shifted": program((("Sub", (X, Y)), ("Exp", (_t(0),))), (0, 1), (shape, rows)),
        "softmax": program((("RealDiv", (X, Y)),), (0,), (shape, rows)),  # e / sum e
        "log_softmax": program((("Log", (Y,)), ("Sub", (X, _t(0)))), (1,), (shape, rows)),
        # (z, e, sum e, labels) -> labels * (log(sum e) - z), e / sum e - labels
        "cross_entropy": program((("Log", (Z,)), ("Sub", (_t(0), X)), ("Mul", (W, _t(1))),
                                  ("RealDiv", (Y, Z)), ("Sub", (_t(3), W))), (2, 4),
                                 (shape, shape, rows, shape)),
        "square": program((("Square", (X,)),), (0,), (shape,)),
        "scale": Program(steps=(("Mul", (X, Y)),), outputs=(0,), shape=(), in_shapes=((), ()),
                         in_dtypes=(d, d), out_dtypes=(d,)),
    }


def _row_reductions(shape: tuple[int, ...], dtype: Any) -> tuple[Callable, Callable]:
    """(row max, row sum) over the last axis of `shape`, keeping it as 1."""
    rows, last = (*shape[:-1], 1), [len(shape) - 1]
    return (reduce_runner(shape, last, "max", dtype, dtype, rows),
            reduce_runner(shape, last, "sum", dtype, dtype, rows))


def softmax_runner(shape: tuple[int, ...], dtype: Any, log: bool = False) -> Callable[[Any], Any]:
    """`run(x)`: softmax (or log-softmax) of a device array over its last axis."""
    passes = programs(shape, dtype)
    row_max, row_sum = _row_reductions(shape, dtype)
    shifted = program_runner(passes["shifted"])
    finish = program_runner(passes["log_softmax" if log else "softmax"])

    def run(x: Any) -> Any:
        z, e = shifted(x, row_max(x))
        return finish(z if log else e, row_sum(e))

    return run


def cross_entropy_runner(shape: tuple[int, ...], dtype: Any) -> Callable[[Any, Any], Any]:
    """`run(logits, labels)` -> (loss per row, backprop): loss = sum(labels * (log(sum e) - z)),
    backprop = e / sum(e) - labels, with z = logits - max and e = exp(z)."""
    passes = programs(shape, dtype)
    row_max, row_sum = _row_reductions(shape, dtype)
    shifted, terms = program_runner(passes["shifted"]), program_runner(passes["cross_entropy"])
    loss_sum = reduce_runner(shape, [len(shape) - 1], "sum", dtype, dtype, shape[:-1])

    def run(logits: Any, labels: Any) -> tuple[Any, Any]:
        z, e = shifted(logits, row_max(logits))
        weighted, backprop = terms(z, e, row_sum(e), labels)
        return loss_sum(weighted), backprop

    return run


def l2_loss_runner(shape: tuple[int, ...], dtype: Any) -> Callable[[Any], Any]:
    """`run(x)`: sum(x * x) / 2 as a 0-d device array."""
    from .device import to_device

    passes = programs(shape, dtype)
    squares, half = program_runner(passes["square"]), program_runner(passes["scale"])
    total = reduce_runner(shape, list(range(len(shape))), "sum", dtype, dtype, ())
    one_half = to_device(np.asarray(0.5, dtype))
    return lambda x: half(total(squares(x)), one_half)


# ---- kernel builders (named by the ops: `OpDef.kernels["cuda"]`) ----------------------------------

def build_softmax(node: Any) -> Callable[[Any], Any]:
    """Softmax, LogSoftmax over the last axis."""
    from .builder_inputs import shape_of

    return softmax_runner(shape_of(node.in_specs[0]), node.in_specs[0].dtype.np,
                          log=node.type == "LogSoftmax")


def build_cross_entropy(node: Any) -> Callable[[Any, Any], Any]:
    """SoftmaxCrossEntropyWithLogits(logits, labels) -> (loss, backprop)."""
    from .builder_inputs import shape_of

    return cross_entropy_runner(shape_of(node.in_specs[0]), node.in_specs[0].dtype.np)


def build_sparse_cross_entropy(node: Any) -> Callable[[Any, Any], Any]:
    """SparseSoftmaxCrossEntropyWithLogits: the dense cross-entropy of one-hot labels. As TF1's
    GPU kernel, labels outside [0, classes) are not checked (their rows' loss is meaningless);
    the CPU raises."""
    from .builder_inputs import shape_of
    from .device import to_device
    from .one_hot import one_hot_runner

    shape, dtype = shape_of(node.in_specs[0]), node.in_specs[0].dtype.np
    one_hot = one_hot_runner(shape_of(node.in_specs[1]), shape[-1], -1, dtype)
    on, off = to_device(np.ones(1, dtype)), to_device(np.zeros(1, dtype))
    dense = cross_entropy_runner(shape, dtype)
    return lambda logits, labels: dense(logits, one_hot(labels, on, off))


def build_l2_loss(node: Any) -> Callable[[Any], Any]:
    """L2Loss(x) = sum(x * x) / 2."""
    from .builder_inputs import shape_of

    return l2_loss_runner(shape_of(node.in_specs[0]), node.in_specs[0].dtype.np)


def launch_signatures() -> list[Any]:
    """The elementwise passes of the softmax family in float32 and float64 (the reductions are
    `reduce.py`'s)."""
    from .elementwise import program_launch

    return [program_launch(f"softmax-{name}-{dtype}", program)
            for dtype in ("float32", "float64") for name, program in programs((3, 5), dtype).items()]
