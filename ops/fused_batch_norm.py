"""FusedBatchNormV3 and FusedBatchNormGradV3 (and the V1/V2 names graph files use): batch
normalization of a 4-D tensor over every axis but its channel axis in one op, as TF1 runs
`tf.nn.fused_batch_norm` and the fused path of `tf.layers.batch_normalization`.

Outputs of the forward op, as TF's CPU kernel: y, batch_mean, batch_variance, reserve_space_1
(the batch mean), reserve_space_2 (the biased batch variance), and for V3 reserve_space_3 (empty).
In training the normalization uses the biased batch variance while `batch_variance` is the
unbiased one (n / (n - 1)), which TF1's layers feed to the moving averages; with
`exponential_avg_factor` f != 1 the statistics outputs are already the moving averages
(1 - f) * input + f * batch. In inference (`is_training` false) the given mean and variance
normalize and are returned as they are.
"""

from __future__ import annotations

import numpy as np

from graphflow.framework import dtypes
from graphflow.framework.tensor_shape import TensorShape

from .registry import OpDef, Sample, Spec, register

_FLOATS = (dtypes.float16, dtypes.float32, dtypes.float64)


def channel_axis(attrs) -> int:
    """The channel axis of a 4-D tensor in the op's data_format (NHWC: 3, NCHW: 1)."""
    data_format = attrs.get("data_format", "NHWC")
    if isinstance(data_format, bytes):
        data_format = data_format.decode()
    if data_format not in ("NHWC", "NCHW"):
        raise ValueError(f"fused batch norm: data_format must be NHWC or NCHW, got {data_format!r}")
    return 3 if data_format == "NHWC" else 1


def _view(x: np.ndarray, axis: int) -> np.ndarray:
    """x as a contiguous 3-D array [outer, rows, inner] for the numba kernels (see there)."""
    x = np.ascontiguousarray(x)
    if axis == 3:
        return x.reshape(1, -1, x.shape[3])
    return x.reshape(x.shape[0], x.shape[1], -1)


def _per_channel(values: np.ndarray, axis: int) -> np.ndarray:
    return values.reshape((1, -1, 1, 1) if axis == 1 else (1, 1, 1, -1))


def _bessel(count: int) -> float:
    return count / (count - 1) if count > 1 else 1.0


def _forward_outputs(attrs, x, scale, offset, mean, variance, stats):
    """The six outputs from the statistics `stats` = (mean, biased variance) of the batch, or
    None in inference (shared by the reference and the CPU kernel)."""
    axis = channel_axis(attrs)
    stat_dtype = np.asarray(scale).dtype
    eps = float(attrs.get("epsilon", 1e-4))
    empty = np.zeros((0,), stat_dtype)
    if stats is None:
        norm_mean, norm_var = np.asarray(mean, np.float64), np.asarray(variance, np.float64)
        outs = (np.asarray(mean, stat_dtype), np.asarray(variance, stat_dtype))
        saved = outs
    else:
        norm_mean, norm_var = stats
        count = x.size // max(x.shape[axis], 1)
        unbiased = norm_var * _bessel(count)
        factor = float(attrs.get("exponential_avg_factor", 1.0))
        if factor != 1.0:
            running_mean = (1.0 - factor) * np.asarray(mean, np.float64) + factor * norm_mean
            running_var = (1.0 - factor) * np.asarray(variance, np.float64) + factor * unbiased
        else:
            running_mean, running_var = norm_mean, unbiased
        outs = (running_mean.astype(stat_dtype), running_var.astype(stat_dtype))
        saved = (norm_mean.astype(stat_dtype), norm_var.astype(stat_dtype))
    multiplier = np.asarray(scale, np.float64) / np.sqrt(norm_var + eps)
    shift = np.asarray(offset, np.float64) - norm_mean * multiplier
    return multiplier, shift, (*outs, *saved, empty)


class _FusedBatchNormBase(OpDef):
    """Shape rule, reference, CPU kernel and gradient shared by the three forward versions."""

    defaults = {"epsilon": 1e-4, "exponential_avg_factor": 1.0, "data_format": "NHWC",
                "is_training": True}
    grad_takes_none = True
    #: Outputs of this version: V1 and V2 have no reserve_space_3.
    num_outputs = 6

    def infer(self, inputs, attrs):
        x, scale = inputs[0], inputs[1]
        axis = channel_axis(attrs)
        if x.dtype not in _FLOATS:
            raise TypeError(f"{self.type}: x must be a float tensor, got {x.dtype.name}")
        if x.rank is not None and x.rank != 4:
            raise ValueError(f"{self.type}: x must be 4-dimensional, got shape {x.shape}")
        for name, spec in zip(("scale", "offset", "mean", "variance"), inputs[1:]):
            if spec.rank is not None and spec.rank != 1:
                raise ValueError(f"{self.type}: {name} must be 1-dimensional, got shape "
                                 f"{spec.shape}")
            if spec.dtype != scale.dtype:
                raise TypeError(f"{self.type}: {name} has dtype {spec.dtype.name}, scale has "
                                f"{scale.dtype.name}")
        depth = None if x.rank is None else x.dims[axis]
        for name, spec in zip(("scale", "offset"), inputs[1:3]):
            size = None if spec.rank is None else spec.dims[0]
            if depth is not None and size is not None and size != depth:
                raise ValueError(f"{self.type}: {name} must have {depth} elements (the channels "
                                 f"of x {x.shape}), got shape {spec.shape}")
            depth = size if depth is None else depth
        stat = Spec(TensorShape([depth]), scale.dtype)
        specs = [Spec(x.shape, x.dtype), stat, stat, stat, stat]
        return specs + [Spec(TensorShape([0]), scale.dtype)] * (self.num_outputs - 5)

    def _outputs(self, attrs, x, scale, offset, mean, variance, stats):
        multiplier, shift, rest = _forward_outputs(attrs, x, scale, offset, mean, variance, stats)
        return multiplier, shift, rest[: self.num_outputs - 1]

    def reference(self, attrs, x, scale, offset, mean, variance):
        x64 = np.asarray(x, np.float64)
        axis = channel_axis(attrs)
        axes = tuple(a for a in range(4) if a != axis)
        stats = None
        if attrs.get("is_training", True):
            batch_mean = x64.mean(axis=axes)
            centred = x64 - _per_channel(batch_mean, axis)
            stats = (batch_mean, (centred * centred).mean(axis=axes))
        multiplier, shift, rest = self._outputs(attrs, x, scale, offset, mean, variance, stats)
        y = x64 * _per_channel(multiplier, axis) + _per_channel(shift, axis)
        return (y.astype(np.asarray(x).dtype), *rest)

    def cpu_kernel(self, node):
        dtype = node.out_specs[0].dtype.np
        if dtype not in (np.dtype(np.float32), np.dtype(np.float64)):
            return None
        return batch_norm_kernel(self, node, relu=False)

    def grad(self, op, dy, d_mean, d_var, d_saved_mean, d_saved_var, *unused):
        return batch_norm_gradients(op, dy, d_mean, d_var, d_saved_mean, d_saved_var,
                                    self.grad_type)

    def samples(self, rng):
        def case(shape, data_format, training, factor=1.0, scale_by=1.0):
            depth = shape[channel_axis({"data_format": data_format})]
            x = rng.normal(size=shape) * scale_by + 0.5
            params = [rng.normal(size=depth) + 1.0, rng.normal(size=depth),
                      rng.normal(size=depth), rng.uniform(0.5, 1.5, size=depth)]
            if training and factor == 1.0:  # TF1's layers feed empty statistics in training
                params[2:] = [np.zeros(0), np.zeros(0)]
            return Sample([x, *params], {"epsilon": 1e-3, "data_format": data_format,
                                         "is_training": training, "exponential_avg_factor": factor})

        return [case((2, 3, 3, 4), "NHWC", True), case((3, 2, 2, 3), "NCHW", True, scale_by=2.0),
                case((2, 2, 3, 3), "NHWC", False), case((2, 3, 2, 2), "NCHW", False),
                case((2, 2, 2, 3), "NHWC", True, factor=0.3), case((1, 1, 1, 2), "NHWC", True)]


def batch_norm_kernel(opdef: _FusedBatchNormBase, node, relu: bool):
    """The CPU kernel of `opdef` (a fused batch norm version) for float32/float64 `node`, its
    output 0 through a ReLU when `relu` (_FusedBatchNormRelu). Training with
    exponential_avg_factor 1 (TF1's layers) runs in one numba call; the other modes compute the
    coefficients on the host (`_forward_outputs`)."""
    from ._batch_norm_numba import channel_mean_variance, scale_shift
    from ._batch_norm_relu_numba import normalize_training, scale_shift_relu

    dtype = node.out_specs[0].dtype.np
    stat_dtype = node.out_specs[1].dtype.np
    attrs = dict(node.attrs)
    axis = channel_axis(attrs)
    training = bool(attrs.get("is_training", True))
    epsilon = float(attrs.get("epsilon", 1e-4))
    output_pass = scale_shift_relu if relu else scale_shift
    extra = opdef.num_outputs - 5

    def one_call(x, scale, offset, mean, variance):
        view = _view(np.asarray(x, dtype), axis)
        depth = view.shape[2] if axis == 3 else view.shape[1]
        out = np.empty(view.shape, dtype)
        stats = [np.empty(depth, stat_dtype) for _ in range(4)]
        normalize_training(view, axis == 3, np.asarray(scale), np.asarray(offset), epsilon, relu,
                           out, *stats)
        return (out.reshape(np.shape(x)), *stats, *[np.zeros((0,), stat_dtype)] * extra)

    def kernel(x, scale, offset, mean, variance):
        view = _view(np.asarray(x, dtype), axis)
        stats = channel_mean_variance(view, axis == 3) if training else None
        multiplier, shift, rest = opdef._outputs(attrs, x, scale, offset, mean, variance, stats)
        out = np.empty(view.shape, dtype)
        output_pass(view, axis == 3, multiplier.astype(dtype), shift.astype(dtype), out)
        return (out.reshape(np.shape(x)), *rest)

    fast = training and float(attrs.get("exponential_avg_factor", 1.0)) == 1.0
    return one_call if fast else kernel


def batch_norm_gradients(op, dy, d_mean, d_var, d_saved_mean, d_saved_var, grad_type):
    """Input gradients of a fused batch norm op: the FusedBatchNormGrad op for y's gradient (as
    TF1), plus the terms of the statistics outputs when something differentiates them (TF1
    ignores those; they are cheap graph ops here and only built when used)."""
    from graphflow.api import math as gmath
    from graphflow.api._build import op as make_op
    from graphflow.api.array import reshape, shape
    from graphflow.api.math import zeros_like

    x, scale = op.inputs[0], op.inputs[1]
    attrs = {k: op.get_attr(k) for k in ("epsilon", "data_format", "is_training")}
    axis = channel_axis(attrs)
    training = bool(attrs["is_training"])
    factor = float(op.get_attr("exponential_avg_factor")) if training else 1.0
    saved = (op.outputs[3], op.outputs[4]) if training else (op.inputs[3], op.inputs[4])
    reserve = op.outputs[5] if len(op.outputs) > 5 else saved[1]
    if dy is None:
        dy = zeros_like(op.outputs[0])
    inputs = [dy, x, scale, saved[0], saved[1]] + ([reserve] if grad_type.endswith("V3") else [])
    grads = make_op(grad_type, inputs, attrs).outputs
    dx, d_scale, d_offset = grads[0], grads[1], grads[2]
    d_mean_in = d_var_in = None
    per_channel = (lambda t: reshape(t, [-1, 1, 1])) if axis == 1 else (lambda t: t)
    axes = [a for a in range(4) if a != axis]
    if training:
        dims = shape(x)
        count = gmath.cast(gmath.reduce_prod([dims[a] for a in axes]), x.dtype)
        centred = x - per_channel(gmath.cast(op.outputs[3], x.dtype))
        bessel = count / gmath.maximum(count - 1.0, 1.0)
        extra = []
        for grad_value, weight, squared in ((d_mean, factor, False), (d_saved_mean, 1.0, False),
                                            (d_var, factor, True), (d_saved_var, 1.0, True)):
            if grad_value is None:
                continue
            g = per_channel(gmath.cast(grad_value, x.dtype)) * (weight / count)
            if squared:
                g = g * 2.0 * centred * (bessel if grad_value is d_var else 1.0)
            extra.append(g)
        if extra:
            dx = gmath.add_n([dx, *[g + zeros_like(x) for g in extra]])
        if factor != 1.0:
            d_mean_in = None if d_mean is None else d_mean * (1.0 - factor)
            d_var_in = None if d_var is None else d_var * (1.0 - factor)
    else:
        # Through y: d/dmean = -sum(dy) * scale * r, d/dvar = -sum(dy * xc) * scale * r^3 / 2.
        eps = float(attrs["epsilon"])
        mean, variance = op.inputs[3], op.inputs[4]
        inv = gmath.rsqrt(variance + eps)
        d_mean_in = -d_offset * scale * inv
        d_var_in = -0.5 * d_scale * scale * inv * inv
        for total, extra in ((0, d_mean), (0, d_saved_mean), (1, d_var), (1, d_saved_var)):
            if extra is not None:
                if total == 0:
                    d_mean_in = d_mean_in + extra
                else:
                    d_var_in = d_var_in + extra
        del mean
    return [dx, d_scale, d_offset, d_mean_in, d_var_in]


@register
class FusedBatchNormV3(_FusedBatchNormBase):
    """Fused batch normalization (TF's FusedBatchNormV3: six outputs)."""

    type = "FusedBatchNormV3"
    grad_type = "FusedBatchNormGradV3"
    kernels = {"cuda": "graphflow.cuda.batch_norm:build_fused_batch_norm"}


@register
class FusedBatchNormV2(_FusedBatchNormBase):
    """FusedBatchNormV2: as V3 without reserve_space_3."""

    type = "FusedBatchNormV2"
    grad_type = "FusedBatchNormGradV2"
    num_outputs = 5
    kernels = {"cuda": "graphflow.cuda.batch_norm:build_fused_batch_norm"}


@register
class FusedBatchNorm(_FusedBatchNormBase):
    """FusedBatchNorm (V1): float32 data only in TF, as V2 otherwise."""

    type = "FusedBatchNorm"
    grad_type = "FusedBatchNormGrad"
    num_outputs = 5
    kernels = {"cuda": "graphflow.cuda.batch_norm:build_fused_batch_norm"}
