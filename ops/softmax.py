"""Softmax and LogSoftmax over the last axis (TF1's ops; `tf.nn.softmax(axis=k)` transposes).

Both subtract the row maximum first, so logits of any size give finite results.
"""

from __future__ import annotations

import numpy as np

from .registry import OpDef, Sample, Spec, register


def log_softmax(x: np.ndarray) -> np.ndarray:
    """x - logsumexp(x) along the last axis, computed without overflow."""
    shifted = x - np.max(x, axis=-1, keepdims=True)
    return shifted - np.log(np.sum(np.exp(shifted), axis=-1, keepdims=True))


def softmax(x: np.ndarray) -> np.ndarray:
    e = np.exp(x - np.max(x, axis=-1, keepdims=True))
    return e / np.sum(e, axis=-1, keepdims=True)


def softmax_vjp(y, dy):
    """(J^T dy) of softmax at output y, as graph ops: (dy - sum(dy * y)) * y per row."""
    from graphflow.api import math as gmath

    return (dy - gmath.reduce_sum(dy * y, axis=-1, keepdims=True)) * y


class _LastAxisOp(OpDef):
    def infer(self, inputs, attrs):
        x = inputs[0]
        if not x.dtype.is_floating:
            raise TypeError(f"{self.type} expects a float tensor, got {x.dtype.name}")
        if x.rank == 0:
            raise ValueError(f"{self.type}: logits must have at least one dimension, got a scalar")
        return [Spec(x.shape, x.dtype)]

    def samples(self, rng):
        return [Sample([rng.normal(size=(3, 5))]), Sample([rng.normal(size=(4,)) * 3.0]),
                Sample([rng.normal(size=(2, 1, 3))]),
                Sample([np.array([[1e4, -1e4, 0.0], [500.0, 501.0, 499.0]])], check_grad=False)]


@register
class Softmax(_LastAxisOp):
    """softmax(x)_i = exp(x_i) / sum_j exp(x_j) over the last axis."""

    type = "Softmax"
    kernels = {"cuda": "graphflow.cuda.softmax:build_softmax"}

    def reference(self, attrs, x):
        return softmax(np.asarray(x))

    def grad(self, op, dy):
        return [softmax_vjp(op.outputs[0], dy)]


@register
class LogSoftmax(_LastAxisOp):
    """log_softmax(x)_i = x_i - log(sum_j exp(x_j)) over the last axis."""

    type = "LogSoftmax"
    kernels = {"cuda": "graphflow.cuda.softmax:build_softmax"}

    def reference(self, attrs, x):
        return log_softmax(np.asarray(x))

    def grad(self, op, dy):
        from graphflow.api import math as gmath

        return [dy - gmath.exp(op.outputs[0]) * gmath.reduce_sum(dy, axis=-1, keepdims=True)]
