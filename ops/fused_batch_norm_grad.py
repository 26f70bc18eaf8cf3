"""FusedBatchNormGradV3 (and V1/V2): the gradients of a fused batch normalization with respect
to x, scale and offset from y's gradient, as TF's CPU kernel computes them.

Inputs: y_backprop, x, scale, reserve_space_1 (the mean that normalized), reserve_space_2 (the
variance that normalized: the biased batch variance in training, the given one in inference)
and for V3 reserve_space_3. With r = rsqrt(variance + epsilon) and xc = x - mean per channel:
  offset_backprop = sum(dy), scale_backprop = sum(dy * xc) * r,
  x_backprop = scale * r * (dy - mean(dy) - xc * mean(dy * xc) / (variance + epsilon)) in
  training (the batch statistics depend on x), scale * r * dy in inference.
The last two outputs are TF's placeholders (scalars).
"""

from __future__ import annotations

import numpy as np

from graphflow.framework.tensor_shape import TensorShape

from .fused_batch_norm import _FLOATS, _per_channel, _view, channel_axis
from .registry import OpDef, Sample, Spec, register


def _coefficients(attrs, count, scale, variance, sum_dy, sum_dy_xc):
    """(factor, mean_dy, slope, scale_backprop, offset_backprop) per channel in float64."""
    eps = float(attrs.get("epsilon", 1e-4))
    inv = 1.0 / np.sqrt(np.asarray(variance, np.float64) + eps)
    factor = np.asarray(scale, np.float64) * inv
    if attrs.get("is_training", True):
        n = max(count, 1)
        mean_dy, slope = sum_dy / n, sum_dy_xc / n * inv * inv
    else:
        mean_dy, slope = np.zeros_like(sum_dy), np.zeros_like(sum_dy)
    return factor, mean_dy, slope, sum_dy_xc * inv, sum_dy


def _composed(op, dy, x, scale, mean, variance):
    """(x_backprop, scale_backprop, offset_backprop) of `op` as elementwise graph ops and
    reductions, the same formulas as the kernel, for differentiating them."""
    from graphflow.api import math as gmath
    from graphflow.api.array import reshape, shape

    axis = channel_axis({"data_format": op.get_attr("data_format")})
    axes = [a for a in range(4) if a != axis]
    per_channel = (lambda t: reshape(t, [-1, 1, 1])) if axis == 1 else (lambda t: t)
    inv = gmath.rsqrt(variance + float(op.get_attr("epsilon")))
    centred = x - per_channel(gmath.cast(mean, x.dtype))
    d_offset = gmath.reduce_sum(gmath.cast(dy, scale.dtype), axes)
    sum_dy_xc = gmath.reduce_sum(gmath.cast(dy * centred, scale.dtype), axes)
    factor = per_channel(gmath.cast(scale * inv, x.dtype))
    if op.get_attr("is_training"):
        dims = shape(x)
        count = gmath.cast(gmath.reduce_prod([dims[a] for a in axes]), scale.dtype)
        mean_dy = per_channel(gmath.cast(d_offset / count, x.dtype))
        slope = per_channel(gmath.cast(sum_dy_xc / count * inv * inv, x.dtype))
        dx = factor * (dy - mean_dy - centred * slope)
    else:
        dx = factor * dy
    return dx, sum_dy_xc * inv, d_offset


def batch_norm_grad_kernel(opdef, node, masked: bool):
    """The CPU kernel of a fused batch norm gradient `node` of float32/float64 data: kernel(dy,
    x, scale, mean, variance, *reserve), or with `masked` (_FusedBatchNormReluGrad)
    kernel(dy, relu_out, x, ...) reading dy through the ReLU's mask. Training mode runs in one
    numba call; inference computes the coefficients on the host."""
    from ._batch_norm_numba import backprop_sums, training_input_grad
    from ._batch_norm_relu_numba import (
        masked_backprop_sums,
        masked_input_grad,
        training_gradient,
    )

    dtype = node.out_specs[0].dtype.np
    stat_dtype = node.out_specs[1].dtype.np
    attrs = dict(node.attrs)
    axis = channel_axis(attrs)
    epsilon = float(attrs.get("epsilon", 1e-4))

    def split(args):
        """(dy, relu_out or None, x, scale, mean, variance) from the kernel's arguments."""
        return (args[0], args[1], *args[2:6]) if masked else (args[0], None, *args[1:5])

    def one_call(*args):
        dy, relu_out, x, scale, mean, variance = split(args)
        view = _view(np.asarray(x, dtype), axis)
        grads = _view(np.asarray(dy, dtype), axis)
        mask = grads if relu_out is None else _view(np.asarray(relu_out, dtype), axis)
        depth = view.shape[2] if axis == 3 else view.shape[1]
        dx = np.empty(view.shape, dtype)
        d_scale, d_offset = np.empty(depth, stat_dtype), np.empty(depth, stat_dtype)
        training_gradient(grads, mask, masked, view, axis == 3, np.asarray(mean),
                          np.asarray(variance), np.asarray(scale), epsilon, dx, d_scale, d_offset)
        zero = np.zeros((), stat_dtype)
        return dx.reshape(np.shape(x)), d_scale, d_offset, zero, zero.copy()

    def kernel(*args):
        dy, relu_out, x, scale, mean, variance = split(args)
        view = _view(np.asarray(x, dtype), axis)
        grads = _view(np.asarray(dy, dtype), axis)
        mean64 = np.asarray(mean, np.float64)
        if relu_out is None:
            sum_dy, sum_dy_xc = backprop_sums(grads, view, axis == 3, mean64)
        else:
            mask = _view(np.asarray(relu_out, dtype), axis)
            sum_dy, sum_dy_xc = masked_backprop_sums(grads, mask, view, axis == 3, mean64)
        count = view.size // max(np.shape(x)[axis], 1)
        factor, mean_dy, slope, d_scale, d_offset = _coefficients(
            attrs, count, scale, variance, sum_dy, sum_dy_xc)
        dx = np.empty(view.shape, dtype)
        if relu_out is None:
            training_input_grad(grads, view, axis == 3, mean64, factor, mean_dy, slope, dx)
        else:
            masked_input_grad(grads, mask, view, axis == 3, mean64, factor, mean_dy, slope, dx)
        return opdef._pack(dx.reshape(np.shape(x)), d_scale, d_offset, scale)

    return one_call if attrs.get("is_training", True) else kernel


class _FusedBatchNormGradBase(OpDef):
    defaults = {"epsilon": 1e-4, "data_format": "NHWC", "is_training": True}

    def infer(self, inputs, attrs):
        dy, x, scale = inputs[0], inputs[1], inputs[2]
        channel_axis(attrs)
        if x.dtype not in _FLOATS or dy.dtype != x.dtype:
            raise TypeError(f"{self.type}: y_backprop and x must be float tensors of one dtype, "
                            f"got {dy.dtype.name} and {x.dtype.name}")
        for name, spec in (("y_backprop", dy), ("x", x)):
            if spec.rank is not None and spec.rank != 4:
                raise ValueError(f"{self.type}: {name} must be 4-dimensional, got shape "
                                 f"{spec.shape}")
        if not dy.shape.is_compatible_with(x.shape):
            raise ValueError(f"{self.type}: y_backprop {dy.shape} and x {x.shape} differ")
        stat = Spec(scale.shape, scale.dtype)
        empty = Spec(TensorShape([]), scale.dtype)
        return [Spec(x.shape.merge_with(dy.shape), x.dtype), stat, stat, empty, empty]

    def reference(self, attrs, dy, x, scale, mean, variance, *reserve):
        axis = channel_axis(attrs)
        axes = tuple(a for a in range(4) if a != axis)
        dy64, x64 = np.asarray(dy, np.float64), np.asarray(x, np.float64)
        centred = x64 - _per_channel(np.asarray(mean, np.float64), axis)
        count = x64.size // max(x64.shape[axis], 1)
        factor, mean_dy, slope, d_scale, d_offset = _coefficients(
            attrs, count, scale, variance, dy64.sum(axis=axes), (dy64 * centred).sum(axis=axes))
        dx = _per_channel(factor, axis) * (dy64 - _per_channel(mean_dy, axis)
                                           - centred * _per_channel(slope, axis))
        return self._pack(dx.astype(np.asarray(x).dtype), d_scale, d_offset, scale)

    @staticmethod
    def _pack(dx, d_scale, d_offset, scale):
        stat_dtype = np.asarray(scale).dtype
        zero = np.zeros((), stat_dtype)
        return dx, d_scale.astype(stat_dtype), d_offset.astype(stat_dtype), zero, zero.copy()

    def cpu_kernel(self, node):
        dtype = node.out_specs[0].dtype.np
        if dtype not in (np.dtype(np.float32), np.dtype(np.float64)):
            return None
        return batch_norm_grad_kernel(self, node, masked=False)

    def grad(self, op, d_dx, d_scale, d_offset, *unused):
        """Second derivatives (TF1 defines them too): the op's formulas rebuilt from graph ops
        and differentiated by `tf.gradients`, weighted by the incoming gradients."""
        from graphflow.gradients import gradients

        dy, x, scale, mean, variance = op.inputs[:5]
        outs = _composed(op, dy, x, scale, mean, variance)
        pairs = [(o, g) for o, g in zip(outs, (d_dx, d_scale, d_offset)) if g is not None]
        if not pairs:
            return [None] * len(op.inputs)
        wrt = [dy, x, scale, mean, variance]
        grads = gradients([o for o, _ in pairs], wrt, grad_ys=[g for _, g in pairs])
        return list(grads) + [None] * (len(op.inputs) - 5)

    def samples(self, rng):
        def case(shape, data_format, training):
            depth = shape[channel_axis({"data_format": data_format})]
            inputs = [rng.normal(size=shape), rng.normal(size=shape) + 0.3,
                      rng.normal(size=depth) + 1.0, rng.normal(size=depth) * 0.2,
                      rng.uniform(0.5, 1.5, size=depth)]
            if self.type.endswith("V3"):
                inputs.append(np.zeros(0))
            return Sample(inputs, {"epsilon": 1e-3, "data_format": data_format,
                                   "is_training": training})

        return [case((2, 3, 3, 4), "NHWC", True), case((2, 3, 2, 2), "NCHW", True),
                case((2, 2, 2, 3), "NHWC", False), case((1, 2, 3, 2), "NCHW", False)]


@register
class FusedBatchNormGradV3(_FusedBatchNormGradBase):
    """Gradient of FusedBatchNormV3 (six inputs)."""

    type = "FusedBatchNormGradV3"
    kernels = {"cuda": "graphflow.cuda.batch_norm:build_fused_batch_norm_grad"}


@register
class FusedBatchNormGradV2(_FusedBatchNormGradBase):
    """Gradient of FusedBatchNormV2 (five inputs)."""

    type = "FusedBatchNormGradV2"
    kernels = {"cuda": "graphflow.cuda.batch_norm:build_fused_batch_norm_grad"}


@register
class FusedBatchNormGrad(_FusedBatchNormGradBase):
    """Gradient of FusedBatchNorm (five inputs)."""

    type = "FusedBatchNormGrad"
    kernels = {"cuda": "graphflow.cuda.batch_norm:build_fused_batch_norm_grad"}
