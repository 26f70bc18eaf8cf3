"""ImageProjectiveTransformV2: each output pixel (x, y) samples the input at the point a
projective transform maps it to (`tf.contrib.image.transform`, translate, rotate):

    k = c0 x + c1 y + 1,  input point = ((a0 x + a1 y + a2) / k, (b0 x + b1 y + b2) / k)

with one 8-vector [a0, a1, a2, b0, b1, b2, c0, c1] per image (or one for all). Points outside
the image read 0 (fill_mode CONSTANT). Used for data augmentation, so it has no gradient (as
TF1's, with respect to the transforms).
"""

from __future__ import annotations

import numpy as np

from graphflow.framework.tensor_shape import TensorShape

from ._rules import described_shape
from .registry import OpDef, Sample, Spec, register


def _sample(images: np.ndarray, b: np.ndarray, ys: np.ndarray, xs: np.ndarray) -> np.ndarray:
    """images[b, ys, xs] with zeros outside (all index arrays of one shape)."""
    _, h, w, _ = images.shape
    inside = (ys >= 0) & (ys < h) & (xs >= 0) & (xs < w)
    values = images[b, np.clip(ys, 0, h - 1), np.clip(xs, 0, w - 1)]
    return np.where(inside[..., None], values, 0)


def transform(images: np.ndarray, transforms: np.ndarray, out_hw, interpolation: str
              ) -> np.ndarray:
    n = images.shape[0]
    oh, ow = out_hw
    t = np.broadcast_to(np.asarray(transforms, np.float64).reshape(-1, 8), (n, 8))
    y, x = np.meshgrid(np.arange(oh, dtype=np.float64), np.arange(ow, dtype=np.float64),
                       indexing="ij")
    a0, a1, a2, b0, b1, b2, c0, c1 = (t[:, i, None, None] for i in range(8))
    k = c0 * x + c1 * y + 1.0
    src_x, src_y = (a0 * x + a1 * y + a2) / k, (b0 * x + b1 * y + b2) / k
    batch = np.broadcast_to(np.arange(n)[:, None, None], src_x.shape)
    if interpolation == "NEAREST":
        out = _sample(images, batch, np.round(src_y).astype(np.int64),
                      np.round(src_x).astype(np.int64))
    else:
        y0, x0 = np.floor(src_y), np.floor(src_x)
        wy, wx = (src_y - y0)[..., None], (src_x - x0)[..., None]
        y0, x0 = y0.astype(np.int64), x0.astype(np.int64)
        out = ((1 - wy) * ((1 - wx) * _sample(images, batch, y0, x0)
                           + wx * _sample(images, batch, y0, x0 + 1))
               + wy * ((1 - wx) * _sample(images, batch, y0 + 1, x0)
                       + wx * _sample(images, batch, y0 + 1, x0 + 1)))
    return out.astype(images.dtype)


@register
class ImageProjectiveTransformV2(OpDef):
    """Inputs (images [N,H,W,C], transforms [N or 1, 8], output_shape [2]); attrs
    interpolation ("NEAREST" or "BILINEAR"), fill_mode ("CONSTANT")."""

    type = "ImageProjectiveTransformV2"
    kernels = {"cuda": "graphflow.cuda.image:build_image_transform"}
    host_arguments = (2,)
    defaults = {"interpolation": "NEAREST", "fill_mode": "CONSTANT"}
    differentiable = False

    def infer(self, inputs, attrs):
        images, transforms, out_shape = inputs
        if images.rank is not None and images.rank != 4:
            raise ValueError(f"{self.type}: images must be 4-D, got shape {images.shape}")
        if transforms.rank is not None and (transforms.rank != 2 or
                                            transforms.dims[1] not in (None, 8)):
            raise ValueError(f"{self.type}: transforms must be [N, 8], got {transforms.shape}")
        if attrs.get("interpolation") not in ("NEAREST", "BILINEAR"):
            raise ValueError(f"{self.type}: interpolation must be NEAREST or BILINEAR, got "
                             f"{attrs.get('interpolation')!r}")
        if attrs.get("fill_mode", "CONSTANT") != "CONSTANT":
            raise ValueError(f"{self.type}: only fill_mode CONSTANT is supported")
        dims = described_shape(out_shape).dims
        hw = list(dims) if dims is not None and len(dims) == 2 else [None, None]
        n, c = (images.dims[0], images.dims[3]) if images.rank == 4 else (None, None)
        return [Spec(TensorShape([n, *hw, c]), images.dtype)]

    def reference(self, attrs, images, transforms, out_shape):
        return transform(np.asarray(images), np.asarray(transforms),
                         [int(v) for v in out_shape], attrs.get("interpolation", "NEAREST"))

    def samples(self, rng):
        images = rng.normal(size=(2, 5, 6, 3))
        shift = np.array([[1, 0, 1.5, 0, 1, -1, 0, 0], [1, 0, -2, 0, 1, 0.5, 0, 0]], np.float32)
        zoom = np.array([[0.8, 0.1, 0.3, -0.1, 1.2, 0.2, 0.01, 0.02]], np.float32)
        return [Sample([images, shift, np.array([5, 6], np.int32)], {"interpolation": "NEAREST"}),
                Sample([images, zoom, np.array([4, 7], np.int32)], {"interpolation": "BILINEAR"})]
