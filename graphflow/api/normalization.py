"""`tf.nn` normalization: moments, batch_normalization, fused_batch_norm, l2_normalize and
local response normalization, as TF1 composes them (so their gradients come for free)."""

from __future__ import annotations

from typing import Any

from graphflow.framework.constant import convert_to_tensor
from graphflow.framework.tensor import Tensor

from . import math as gmath
from ._build import op as _op
from ._build import op_scope
from .array import stop_gradient
from .indexing import pad, squeeze


def moments(x: Any, axes: Any, shift: Any = None, name: str | None = None,
            keep_dims: bool | None = None, keepdims: bool | None = None) -> tuple[Tensor, Tensor]:
    """(mean, variance) of x over `axes` (the biased variance, as TF1)."""
    keep = bool(keep_dims if keep_dims is not None else keepdims)
    with op_scope([x], name, "moments"):
        x = convert_to_tensor(x)
        axes = [axes] if isinstance(axes, int) else list(axes)
        mean = gmath.reduce_mean(x, axes, keepdims=True, name="mean")
        variance = gmath.reduce_mean(gmath.squared_difference(x, stop_gradient(mean)), axes,
                                     keepdims=True, name="variance")
        if not keep:
            mean, variance = squeeze(mean, axes), squeeze(variance, axes)
        return mean, variance


def batch_normalization(x: Any, mean: Any, variance: Any, offset: Any, scale: Any,
                        variance_epsilon: float, name: str | None = None) -> Tensor:
    """(x - mean) * scale / sqrt(variance + epsilon) + offset (scale and offset optional)."""
    with op_scope([x, mean, variance, scale, offset], name, "batchnorm") as scope:
        x = convert_to_tensor(x)
        inv = gmath.rsqrt(convert_to_tensor(variance) + variance_epsilon)
        if scale is not None:
            inv = inv * scale
        shift = -convert_to_tensor(mean) * inv
        if offset is not None:
            shift = offset + shift
        return gmath.add(x * gmath.cast(inv, x.dtype), gmath.cast(shift, x.dtype), name=scope)


def fused_batch_norm(x: Any, scale: Any, offset: Any, mean: Any = None, variance: Any = None,
                     epsilon: float = 0.001, data_format: str = "NHWC",
                     is_training: bool = True, name: str | None = None,
                     exponential_avg_factor: float = 1.0) -> tuple[Tensor, Tensor, Tensor]:
    """Batch normalization of a 4-D tensor over all but the channel axis, as one
    FusedBatchNormV3 op (graphflow.ops.fused_batch_norm).

    Args:
        x: a 4-D float tensor, NHWC or NCHW as `data_format` says.
        scale, offset: 1-D tensors of the channel count.
        mean, variance: 1-D statistics used in inference (required there); in training they
            are only read when `exponential_avg_factor` is not 1.
        epsilon: added to the variance; raised to 1.001e-5 when smaller, as TF1 does.
        is_training: use the batch's statistics.
        exponential_avg_factor: in training, the returned statistics are
            (1 - factor) * given + factor * batch.

    Returns:
        (y, batch mean, batch variance). In training the variance returned is the unbiased one
        (n / (n - 1)), as TF1 returns it for moving averages, while y uses the biased one;
        otherwise `mean` and `variance` are used and returned.

    Raises:
        ValueError: for a non-4-D input, or inference without mean and variance.
    """
    with op_scope([x, scale, offset], name, "FusedBatchNormV3") as scope:
        x = convert_to_tensor(x)
        if x.shape.ndims not in (None, 4):
            raise ValueError(f"fused_batch_norm expects a 4-D input, got shape {x.shape}")
        scale = convert_to_tensor(scale)
        offset = convert_to_tensor(offset, scale.dtype)
        if not is_training and (mean is None or variance is None):
            raise ValueError("fused_batch_norm needs mean and variance when not training")
        empty = [] if is_training and exponential_avg_factor == 1.0 else None
        mean = convert_to_tensor(empty if mean is None else mean, scale.dtype)
        variance = convert_to_tensor(empty if variance is None else variance, scale.dtype)
        attrs = {"epsilon": max(float(epsilon), 1.001e-5), "data_format": data_format,
                 "is_training": bool(is_training),
                 "exponential_avg_factor": float(exponential_avg_factor)}
        outputs = _op("FusedBatchNormV3", [x, scale, offset, mean, variance], attrs,
                      name=scope).outputs
        return outputs[0], outputs[1], outputs[2]


def l2_normalize(x: Any, axis: Any = None, epsilon: float = 1e-12, name: str | None = None,
                 dim: Any = None) -> Tensor:
    """x / sqrt(max(sum(x^2, axis), epsilon))."""
    axis = dim if axis is None else axis
    with op_scope([x], name, "l2_normalize") as scope:
        x = convert_to_tensor(x)
        square_sum = gmath.reduce_sum(gmath.square(x), axis, keepdims=True)
        return gmath.multiply(x, gmath.rsqrt(gmath.maximum(square_sum, epsilon)), name=scope)


def local_response_normalization(input: Any, depth_radius: int = 5, bias: float = 1.0,  # noqa: A002
                                 alpha: float = 1.0, beta: float = 0.5,
                                 name: str | None = None) -> Tensor:
    """input / (bias + alpha * sum of squares over the 2 * depth_radius + 1 nearest channels)
    ** beta (AlexNet's LRN), over the last axis of a 4-D input."""
    with op_scope([input], name, "LRN") as scope:
        x = convert_to_tensor(input)
        r = int(depth_radius)
        squares = pad(gmath.square(x), [[0, 0], [0, 0], [0, 0], [r, r]])
        window = gmath.add_n([squares[..., i:(i - 2 * r) or None] for i in range(2 * r + 1)])
        return gmath.truediv(x, gmath.pow(bias + alpha * window, beta), name=scope)


lrn = local_response_normalization
