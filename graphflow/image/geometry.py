"""Flips, crops and padding (`tf.image.flip_left_right`, `random_crop`, ...)."""

from __future__ import annotations

from typing import Any

from graphflow.api import math as gmath
from graphflow.api.array import reshape, shape
from graphflow.api.indexing import pad, reverse, slice, stack
from graphflow.api.random import random_uniform
from graphflow.framework import dtypes
from graphflow.framework.constant import convert_to_tensor
from graphflow.framework.graph import get_default_graph
from graphflow.framework.tensor import Tensor

from ._batch import as_batch, restore


def flip_left_right(image: Any) -> Tensor:
    """Mirrors the width axis."""
    batch, single = as_batch(image)
    return restore(reverse(batch, [2]), single)


def flip_up_down(image: Any) -> Tensor:
    """Mirrors the height axis."""
    batch, single = as_batch(image)
    return restore(reverse(batch, [1]), single)


def _random_flip(image: Any, axis: int, seed: int | None, name: str) -> Tensor:
    """Flips each image of a batch (or the single image) with probability 1/2."""
    with get_default_graph().name_scope(name):
        batch, single = as_batch(image)
        coins = random_uniform(shape(batch)[:1], seed=seed) < 0.5
        flipped = reverse(batch, [axis])
        return restore(gmath.where(reshape(coins, [-1, 1, 1, 1]), flipped, batch), single)


def random_flip_left_right(image: Any, seed: int | None = None) -> Tensor:
    """Mirrors the width axis of each image with probability 1/2."""
    return _random_flip(image, 2, seed, "random_flip_left_right")


def random_flip_up_down(image: Any, seed: int | None = None) -> Tensor:
    """Mirrors the height axis of each image with probability 1/2."""
    return _random_flip(image, 1, seed, "random_flip_up_down")


def random_crop(value: Any, size: Any, seed: int | None = None, name: str | None = None) -> Tensor:
    """A crop of shape `size` at a uniformly random offset (one offset for the whole
    tensor, as TF1: crop a batch with size [N, h, w, C]).

    Raises:
        ValueError: when size and value have different ranks.
    """
    with get_default_graph().name_scope(name or "random_crop"):
        value = convert_to_tensor(value)
        size = convert_to_tensor(size, dtypes.int32)
        if value.shape.ndims is not None and size.shape.dims is not None and \
                list(size.shape.dims) != [value.shape.ndims]:
            raise ValueError(f"random_crop: size {size.shape} does not match the rank of "
                             f"value {value.shape}")
        limit = shape(value) - size + 1
        offset = gmath.cast(gmath.floor(random_uniform(shape(limit), seed=seed,
                                                       dtype=dtypes.float64)
                                        * gmath.cast(limit, dtypes.float64)), dtypes.int32)
        crop = slice(value, offset, size)
        if size.op.type == "Const":
            crop.set_shape(size.op.get_attr("value").tolist())
        return crop


def crop_to_bounding_box(image: Any, offset_height: Any, offset_width: Any,
                         target_height: Any, target_width: Any) -> Tensor:
    """image[offset_height : offset_height + target_height, offset_width : ...]."""
    batch, single = as_batch(image)
    begin = stack([0, offset_height, offset_width, 0])
    size = stack([-1, target_height, target_width, -1])
    return restore(_sized(slice(batch, begin, size), batch, target_height, target_width), single)


def pad_to_bounding_box(image: Any, offset_height: Any, offset_width: Any, target_height: Any,
                        target_width: Any) -> Tensor:
    """Zero-pads to target_height x target_width with the image at the offsets."""
    batch, single = as_batch(image)
    dims = shape(batch)
    after_h = target_height - offset_height - dims[1]
    after_w = target_width - offset_width - dims[2]
    paddings = stack([stack([0, 0]), stack([offset_height, after_h]),
                      stack([offset_width, after_w]), stack([0, 0])])
    return restore(_sized(pad(batch, paddings), batch, target_height, target_width), single)


def _sized(result: Tensor, batch: Tensor, height: Any, width: Any) -> Tensor:
    """`result` with its static shape set when the target height and width are ints."""
    if isinstance(height, int) and isinstance(width, int):
        result.set_shape([batch.shape.dims[0], height, width, batch.shape.dims[3]])
    return result


def resize_image_with_crop_or_pad(image: Any, target_height: int, target_width: int) -> Tensor:
    """Centrally crops or zero-pads each spatial axis to the target size.

    Raises:
        ValueError: when the image's height or width is not static.
    """
    batch, single = as_batch(image)
    _, h, w, _ = batch.shape.dims
    if h is None or w is None:
        raise ValueError("resize_image_with_crop_or_pad needs a static height and width")
    crop_h, crop_w = max(h - target_height, 0), max(w - target_width, 0)
    cropped = crop_to_bounding_box(batch, crop_h // 2, crop_w // 2, min(h, target_height),
                                   min(w, target_width))
    pad_h, pad_w = max(target_height - h, 0), max(target_width - w, 0)
    result = pad_to_bounding_box(cropped, pad_h // 2, pad_w // 2, target_height, target_width)
    return restore(result, single)


resize_with_crop_or_pad = resize_image_with_crop_or_pad
