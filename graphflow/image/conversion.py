"""Pixel-value conversions: `tf.image.convert_image_dtype`, `rgb_to_grayscale`,
`grayscale_to_rgb`.

Integer images hold values in [0, dtype.max]; float images in [0, 1]. Converting between the
two scales by dtype.max (TF1's rule, including its + 0.5 before a float-to-int cast so that
1.0 maps to the maximum); between integer types by a power-of-two factor.
"""

from __future__ import annotations

from typing import Any

from graphflow.api import math as gmath
from graphflow.api.indexing import clip_by_value, concat
from graphflow.framework import dtypes
from graphflow.framework.constant import convert_to_tensor
from graphflow.framework.graph import get_default_graph
from graphflow.framework.tensor import Tensor

GRAY_WEIGHTS = (0.2989, 0.5870, 0.1140)  # TF1's luma weights for R, G, B


def convert_image_dtype(image: Any, dtype: Any, saturate: bool = False, name: str | None = None) -> Tensor:
    """`image` converted to `dtype`, its values rescaled between the two types' ranges.

    Args:
        image: an image or batch of any integer or float dtype.
        dtype: the dtype to convert to.
        saturate: clamp to the target type's range before casting (for conversions that
            may overflow).
        name: the op's name scope (default "convert_image").

    Returns:
        The converted image (`image` itself when the dtype already matches).

    Raises:
        TypeError: when either dtype is neither integer nor floating.
    """
    image = convert_to_tensor(image)
    dtype = dtypes.as_dtype(dtype)
    source = image.dtype.base_dtype
    for kind in (source, dtype):
        if not (kind.is_integer or kind.is_floating):
            raise TypeError(f"convert_image_dtype: {kind.name} images cannot be converted "
                            f"(only integer and floating dtypes)")
    if source == dtype:
        return image
    # The last op takes the scope's own name ("convert_image:0"), as in TF1.
    with get_default_graph().name_scope(name or "convert_image") as scope:
        if source.is_floating and dtype.is_floating:
            return gmath.cast(image, dtype, name=scope)
        if source.is_integer and dtype.is_floating:
            return gmath.multiply(gmath.cast(image, dtype), 1.0 / source.max, name=scope)
        if source.is_floating:
            return _cast(image * (dtype.max + 0.5), dtype, saturate, scope)
        if source.max > dtype.max:  # scale first, so source.max lands below dtype.max + 1
            scaled = gmath.floordiv(image, (source.max + 1) // (dtype.max + 1))
            return _cast(scaled, dtype, saturate, scope)
        return gmath.multiply(_cast(image, dtype, saturate), (dtype.max + 1) // (source.max + 1), name=scope)


def _cast(value: Tensor, dtype: dtypes.DType, saturate: bool, name: str | None = None) -> Tensor:
    if saturate:
        low = max(dtype.min, value.dtype.min)
        high = min(dtype.max, value.dtype.max)
        value = clip_by_value(value, gmath.cast(low, value.dtype), gmath.cast(high, value.dtype))
    return gmath.cast(value, dtype, name=name)


def _with_channels(images: Tensor, channels: int, op: str, what: str) -> Tensor:
    """`images`, checked to have `channels` in its last dimension where that is known.

    Raises:
        ValueError: naming `op` and the shape otherwise.
    """
    last = images.shape[-1] if images.shape.ndims else None
    last = getattr(last, "value", last)
    if last is not None and last != channels:
        raise ValueError(f"{op}: the last dimension must be {what}, got shape {images.shape}")
    return images


def rgb_to_grayscale(images: Any, name: str | None = None) -> Tensor:
    """The weighted sum 0.2989 R + 0.5870 G + 0.1140 B, computed in float32 and converted back
    to the images' dtype; the last dimension becomes 1.

    Raises:
        ValueError: when the last dimension is known and is not 3.
    """
    images = _with_channels(convert_to_tensor(images), 3, "rgb_to_grayscale", "3 (RGB)")
    with get_default_graph().name_scope(name or "rgb_to_grayscale") as scope:
        pixels = convert_image_dtype(images, dtypes.float32)
        weights = convert_to_tensor(list(GRAY_WEIGHTS), dtypes.float32)
        gray = gmath.reduce_sum(pixels * weights, -1, keepdims=True)
        return convert_image_dtype(gray, images.dtype.base_dtype, name=scope)


def grayscale_to_rgb(images: Any, name: str | None = None) -> Tensor:
    """The single channel repeated three times.

    Raises:
        ValueError: when the last dimension is known and is not 1.
    """
    images = _with_channels(convert_to_tensor(images), 1, "grayscale_to_rgb", "1")
    with get_default_graph().name_scope(name or "grayscale_to_rgb") as scope:
        return concat([images, images, images], -1, name=scope)
