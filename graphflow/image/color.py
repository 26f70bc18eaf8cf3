"""Brightness, contrast and standardization (`tf.image.random_brightness`, ...)."""

from __future__ import annotations

from typing import Any

from graphflow.api import math as gmath
from graphflow.api.array import size
from graphflow.api.random import random_uniform
from graphflow.framework.constant import convert_to_tensor
from graphflow.framework.graph import get_default_graph
from graphflow.framework.tensor import Tensor

from ._batch import as_batch, restore


def adjust_brightness(image: Any, delta: Any) -> Tensor:
    """image + delta."""
    image = convert_to_tensor(image)
    return gmath.add(image, gmath.cast(convert_to_tensor(delta), image.dtype))


def random_brightness(image: Any, max_delta: float, seed: int | None = None) -> Tensor:
    """image + delta, delta uniform in [-max_delta, max_delta) (one for the whole tensor).

    Raises:
        ValueError: for a negative max_delta.
    """
    if max_delta < 0:
        raise ValueError("max_delta must be non-negative.")
    image = convert_to_tensor(image)
    return adjust_brightness(image, random_uniform([], -max_delta, max_delta, seed=seed,
                                                   dtype=image.dtype))


def adjust_contrast(images: Any, contrast_factor: Any) -> Tensor:
    """(x - mean) * factor + mean, the mean per image and channel."""
    batch, single = as_batch(images)
    mean = gmath.reduce_mean(batch, [1, 2], keepdims=True)
    factor = gmath.cast(convert_to_tensor(contrast_factor), batch.dtype)
    return restore((batch - mean) * factor + mean, single)


def random_contrast(image: Any, lower: float, upper: float, seed: int | None = None) -> Tensor:
    """adjust_contrast with a factor uniform in [lower, upper).

    Raises:
        ValueError: unless 0 <= lower < upper.
    """
    if upper <= lower:
        raise ValueError("upper must be > lower.")
    if lower < 0:
        raise ValueError("lower must be non-negative.")
    image = convert_to_tensor(image)
    return adjust_contrast(image, random_uniform([], lower, upper, seed=seed, dtype=image.dtype))


def per_image_standardization(image: Any) -> Tensor:
    """(x - mean) / max(stddev, 1 / sqrt(number of elements)), per image."""
    with get_default_graph().name_scope("per_image_standardization"):
        batch, single = as_batch(image)
        if not batch.dtype.is_floating:
            batch = gmath.cast(batch, "float32")
        mean = gmath.reduce_mean(batch, [1, 2, 3], keepdims=True)
        stddev = gmath.sqrt(gmath.reduce_mean(gmath.square(batch - mean), [1, 2, 3],
                                              keepdims=True))
        count = gmath.cast(size(batch[0]), batch.dtype)
        floor = gmath.rsqrt(count)
        return restore((batch - mean) / gmath.maximum(stddev, floor), single)
