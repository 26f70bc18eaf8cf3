"""`tf.image.resize_images` (TF1 coordinates), `tf.image.resize` (TF2's half-pixel centers),
`resize_bilinear`, `resize_nearest_neighbor`."""

from __future__ import annotations

from typing import Any

from graphflow.api import math as gmath
from graphflow.api._build import out
from graphflow.api.array import _shape_tensor
from graphflow.framework import dtypes
from graphflow.framework.tensor import Tensor

from ._batch import as_batch, restore


class ResizeMethod:
    """TF1's method constants (the strings are TF2's)."""

    BILINEAR = "bilinear"
    NEAREST_NEIGHBOR = "nearest"


_OPS = {"bilinear": "ResizeBilinear", "nearest": "ResizeNearestNeighbor", 0: "ResizeBilinear",
        1: "ResizeNearestNeighbor"}


def _resize(images: Any, size: Any, method: Any, align_corners: bool, half_pixel_centers: bool,
            name: str | None) -> Tensor:
    if method not in _OPS:
        raise ValueError(f"Resize method {method!r} is not supported: use bilinear or nearest")
    batch, single = as_batch(images)
    if not batch.dtype.is_floating:
        batch = gmath.cast(batch, dtypes.float32)
    attrs = {"align_corners": align_corners, "half_pixel_centers": half_pixel_centers}
    resized = out(_OPS[method], [batch, _shape_tensor(size, name="size")], attrs, name=name)
    return restore(resized, single)


def resize_images(images: Any, size: Any, method: Any = ResizeMethod.BILINEAR,
                  align_corners: bool = False, preserve_aspect_ratio: bool = False,
                  name: str | None = None) -> Tensor:
    """Resizes to size [height, width] with TF1's coordinate mapping (no half-pixel offset);
    integer images come back as float32, as TF1.

    Raises:
        ValueError: for another method.
    """
    if preserve_aspect_ratio:
        raise NotImplementedError("preserve_aspect_ratio is not supported")
    return _resize(images, size, method, align_corners, False, name)


#: TF 1.15's `tf.image.resize` is `resize_images` (TF1's coordinate mapping); TF2's half-pixel
#: sampling is `resize_bilinear(..., half_pixel_centers=True)`.
resize = resize_images


def resize_bilinear(images: Any, size: Any, align_corners: bool = False,
                    name: str | None = None, half_pixel_centers: bool = False) -> Tensor:
    return _resize(images, size, "bilinear", align_corners, half_pixel_centers, name)


def resize_nearest_neighbor(images: Any, size: Any, align_corners: bool = False,
                            name: str | None = None, half_pixel_centers: bool = False) -> Tensor:
    return _resize(images, size, "nearest", align_corners, half_pixel_centers, name)
