"""Shifts, rotations and general projective transforms of images
(`tf.contrib.image.transform`, `translate`, `rotate`)."""

from __future__ import annotations

from typing import Any

from graphflow.api import math as gmath
from graphflow.api._build import out
from graphflow.api.array import reshape, shape
from graphflow.api.indexing import concat, stack
from graphflow.framework import dtypes
from graphflow.framework.constant import convert_to_tensor
from graphflow.framework.tensor import Tensor

from ._batch import as_batch, restore


def transform(images: Any, transforms: Any, interpolation: str = "NEAREST",
              output_shape: Any = None, name: str | None = None) -> Tensor:
    """Maps each output pixel (x, y) to the input point ((a0 x + a1 y + a2) / k,
    (b0 x + b1 y + b2) / k), k = c0 x + c1 y + 1, for transforms [a0, a1, a2, b0, b1, b2, c0,
    c1] (one per image, or one for all); points outside the image read 0."""
    batch, single = as_batch(images)
    transforms = gmath.cast(convert_to_tensor(transforms), dtypes.float32)
    if transforms.shape.ndims == 1:
        transforms = reshape(transforms, [1, 8])
    size = shape(batch)[1:3] if output_shape is None else \
        convert_to_tensor(output_shape, dtypes.int32)
    result = out("ImageProjectiveTransformV2", [batch, transforms, size],
                 {"interpolation": interpolation.upper(), "fill_mode": "CONSTANT"}, name=name)
    if output_shape is None:
        result.set_shape(batch.shape)
    return restore(result, single)


def translations_to_projective_transforms(translations: Any) -> Tensor:
    """[N, 2] (dx, dy) shifts as transforms: output (x, y) reads input (x - dx, y - dy)."""
    t = gmath.cast(convert_to_tensor(translations), dtypes.float32)
    if t.shape.ndims == 1:
        t = reshape(t, [1, 2])
    ones, zeros = gmath.ones_like(t[:, :1]), gmath.zeros_like(t[:, :1])
    return concat([ones, zeros, -t[:, :1], zeros, ones, -t[:, 1:], zeros, zeros], 1)


def translate(images: Any, translations: Any, interpolation: str = "NEAREST",
              name: str | None = None) -> Tensor:
    """Shifts images by (dx, dy) pixels (one pair, or one per image); uncovered pixels are 0."""
    return transform(images, translations_to_projective_transforms(translations),
                     interpolation, name=name)


def angles_to_projective_transforms(angles: Any, image_height: Any, image_width: Any) -> Tensor:
    """Counterclockwise rotations by `angles` (radians, one or one per image) about the image
    center, as transforms."""
    a = gmath.cast(convert_to_tensor(angles), dtypes.float32)
    a = reshape(a, [-1])
    h = gmath.cast(convert_to_tensor(image_height), dtypes.float32)
    w = gmath.cast(convert_to_tensor(image_width), dtypes.float32)
    cos, sin = gmath.cos(a), gmath.sin(a)
    x_offset = ((w - 1) - (cos * (w - 1) - sin * (h - 1))) / 2.0
    y_offset = ((h - 1) - (sin * (w - 1) + cos * (h - 1))) / 2.0
    zeros = gmath.zeros_like(a)
    return stack([cos, -sin, x_offset, sin, cos, y_offset, zeros, zeros], axis=1)


def rotate(images: Any, angles: Any, interpolation: str = "NEAREST",
           name: str | None = None) -> Tensor:
    """Rotates images counterclockwise by `angles` (radians) about their centers."""
    batch, single = as_batch(images)
    dims = shape(batch)
    transforms = angles_to_projective_transforms(angles, dims[1], dims[2])
    return restore(transform(batch, transforms, interpolation, name=name), single)
