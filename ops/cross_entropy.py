"""Softmax cross-entropy ops, dense and sparse labels (TF1's fused ops).

Each returns the per-example loss and its gradient with respect to the logits ("backprop"),
computed together from the log-softmax, so logits of 1e4 neither overflow nor lose the loss.
"""

from __future__ import annotations

import numpy as np

from graphflow.framework import dtypes
from graphflow.framework.tensor_shape import TensorShape

from .registry import OpDef, Sample, Spec, register
from .softmax import log_softmax, softmax_vjp


def _check_logits(op_type: str, logits: Spec) -> None:
    if not logits.dtype.is_floating:
        raise TypeError(f"{op_type}: logits must be float, got {logits.dtype.name}")
    if logits.rank is not None and logits.rank != 2:
        raise ValueError(f"{op_type}: logits must be 2-D [batch, classes], got shape {logits.shape}")


def _expand_last(t):
    from graphflow.api.indexing import expand_dims

    return expand_dims(t, -1)


@register
class SoftmaxCrossEntropyWithLogits(OpDef):
    """(loss, backprop) = (-sum(labels * log_softmax(logits), -1), softmax(logits) - labels).

    Labels are probability rows; as in TF1 `backprop` assumes they sum to one.
    """

    type = "SoftmaxCrossEntropyWithLogits"
    kernels = {"cuda": "graphflow.cuda.softmax:build_cross_entropy"}
    grad_takes_none = True

    def infer(self, inputs, attrs):
        logits, labels = inputs
        _check_logits(self.type, logits)
        if labels.dtype != logits.dtype:
            raise TypeError(f"{self.type}: labels dtype {labels.dtype.name} differs from logits "
                            f"dtype {logits.dtype.name}")
        if not logits.shape.is_compatible_with(labels.shape):
            raise ValueError(f"{self.type}: logits and labels must have the same shape, got "
                             f"{logits.shape} and {labels.shape}")
        shape = logits.shape.merge_with(labels.shape)
        batch = TensorShape(None if shape.dims is None else shape.dims[:1])
        return [Spec(batch, logits.dtype), Spec(shape, logits.dtype)]

    def reference(self, attrs, logits, labels):
        logp = log_softmax(np.asarray(logits))
        return -np.sum(labels * logp, axis=-1), np.exp(logp) - labels

    def grad(self, op, dloss, dbackprop):
        from graphflow.api import softmax as softmax_api

        logits = op.inputs[0]
        d_logits = d_labels = None
        if dloss is not None:
            dloss = _expand_last(dloss)
            d_logits = dloss * op.outputs[1]
            d_labels = -dloss * softmax_api.log_softmax(logits)
        if dbackprop is not None:  # second-order use: backprop = softmax(logits) - labels
            jvp = softmax_vjp(softmax_api.softmax(logits), dbackprop)
            d_logits = jvp if d_logits is None else d_logits + jvp
            d_labels = -dbackprop if d_labels is None else d_labels - dbackprop
        return [d_logits, d_labels]

    def samples(self, rng):
        labels = rng.random((3, 4))
        labels /= labels.sum(axis=1, keepdims=True)
        one_hot = np.eye(3)[[2, 0]]
        return [Sample([rng.normal(size=(3, 4)), labels]),
                Sample([rng.normal(size=(2, 3)) * 4.0, one_hot]),
                Sample([np.array([[1e4, -1e4, 0.0]]), np.array([[0.0, 1.0, 0.0]])],
                       check_grad=False)]


@register
class SparseSoftmaxCrossEntropyWithLogits(OpDef):
    """(loss, backprop) = (-log_softmax(logits)[i, labels[i]], softmax(logits) - onehot(labels)).

    Labels are class indices (int32 or int64) in [0, classes).
    """

    type = "SparseSoftmaxCrossEntropyWithLogits"
    kernels = {"cuda": "graphflow.cuda.softmax:build_sparse_cross_entropy"}
    grad_takes_none = True

    def infer(self, inputs, attrs):
        logits, labels = inputs
        _check_logits(self.type, logits)
        if labels.dtype not in (dtypes.int32, dtypes.int64):
            raise TypeError(f"{self.type}: labels must be int32 or int64, got {labels.dtype.name}")
        if labels.rank is not None and labels.rank != 1:
            raise ValueError(f"{self.type}: labels must be 1-D, got shape {labels.shape}")
        batch = TensorShape(None if logits.dims is None else logits.dims[:1])
        if not batch.is_compatible_with(labels.shape):
            raise ValueError(f"{self.type}: logits and labels must have the same first "
                             f"dimension, got logits shape {logits.shape} and labels shape "
                             f"{labels.shape}")
        batch = batch.merge_with(labels.shape)
        return [Spec(batch, logits.dtype), Spec(logits.shape, logits.dtype)]

    def reference(self, attrs, logits, labels):
        logits, labels = np.asarray(logits), np.asarray(labels)
        classes = logits.shape[-1]
        bad = (labels < 0) | (labels >= classes)
        if np.any(bad):  # the plan turns this into an InvalidArgumentError naming the op
            raise ValueError(f"Received a label value of {labels[bad][0]} which is outside the "
                             f"valid range of [0, {classes}).  Label values: {labels.tolist()}")
        logp = log_softmax(logits)
        rows = np.arange(len(labels))
        backprop = np.exp(logp)
        backprop[rows, labels] -= 1.0
        return -logp[rows, labels], backprop

    def cpu_kernel(self, node):
        """One numba pass per row (ops/_cross_entropy_numba.py) for float32/float64 logits."""
        dtype = node.in_specs[0].dtype.np
        if dtype not in (np.dtype(np.float32), np.dtype(np.float64)):
            return None
        from ._cross_entropy_numba import sparse_cross_entropy

        reference, attrs = self.reference, node.attrs

        def kernel(logits, labels):
            logits, labels = np.ascontiguousarray(logits), np.ascontiguousarray(labels)
            if logits.ndim != 2 or not logits.size or labels.shape != logits.shape[:1]:
                return reference(attrs, logits, labels)
            loss = np.empty(logits.shape[0], dtype)
            backprop = np.empty(logits.shape, dtype)
            if sparse_cross_entropy(logits, labels, loss, backprop) >= 0:
                return reference(attrs, logits, labels)  # raises, naming the bad label
            return loss, backprop

        return kernel

    def grad(self, op, dloss, dbackprop):
        from graphflow.api import softmax as softmax_api

        d_logits = None
        if dloss is not None:
            d_logits = _expand_last(dloss) * op.outputs[1]
        if dbackprop is not None:
            jvp = softmax_vjp(softmax_api.softmax(op.inputs[0]), dbackprop)
            d_logits = jvp if d_logits is None else d_logits + jvp
        return [d_logits, None]

    def samples(self, rng):
        return [Sample([rng.normal(size=(4, 3)), np.array([2, 0, 1, 1], np.int64)]),
                Sample([rng.normal(size=(1, 5)) * 3.0, np.array([4], np.int32)]),
                Sample([np.array([[1e4, -1e4], [-1e4, 1e4]]), np.array([1, 1], np.int32)],
                       check_grad=False)]


@register
class L2Loss(OpDef):
    """sum(x ** 2) / 2, a scalar (`tf.nn.l2_loss`, the weight-decay penalty)."""

    type = "L2Loss"
    kernels = {"cuda": "graphflow.cuda.softmax:build_l2_loss"}

    def infer(self, inputs, attrs):
        if not inputs[0].dtype.is_floating:
            raise TypeError(f"L2Loss expects a float tensor, got {inputs[0].dtype.name}")
        return [Spec(TensorShape([]), inputs[0].dtype)]

    def reference(self, attrs, x):
        x = np.asarray(x)
        return np.asarray(np.sum(x * x) / 2, dtype=x.dtype)

    def grad(self, op, dy):
        return [op.inputs[0] * dy]

    def samples(self, rng):
        return [Sample([rng.normal(size=(3, 4))]), Sample([rng.normal(size=())])]
