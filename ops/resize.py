"""Image resizing (ResizeBilinear, ResizeNearestNeighbor) and their gradients, TF1's
coordinate conventions included (legacy, align_corners, half_pixel_centers).

Resizing is linear and separable: along each spatial axis it is a sparse (out x in)
interpolation matrix, so the forward op is two small matrix products (einsum over H, then W)
and the gradient is the same with the matrices transposed.
"""

from __future__ import annotations

import numpy as np

from graphflow.framework.tensor_shape import TensorShape

from ._rules import described_shape, shape_of, sibling
from .registry import OpDef, Sample, Spec, register

DEFAULTS = {"align_corners": False, "half_pixel_centers": False}


def interpolation_matrix(out_size: int, in_size: int, method: str, align_corners: bool,
                         half_pixel_centers: bool) -> np.ndarray:
    """M [out, in] with resized = M @ original along one axis, as TF computes the source
    coordinates."""
    m = np.zeros((out_size, in_size))
    if align_corners and out_size > 1:
        scale = (in_size - 1) / (out_size - 1)
    else:
        scale = in_size / out_size
    dst = np.arange(out_size, dtype=np.float64)
    if method == "nearest":
        if align_corners:
            src = np.round(dst * scale)
        elif half_pixel_centers:
            src = np.floor((dst + 0.5) * scale)
        else:
            src = np.floor(dst * scale)
        m[np.arange(out_size), np.minimum(src.astype(np.int64), in_size - 1)] = 1.0
        return m
    src = (dst + 0.5) * scale - 0.5 if half_pixel_centers else dst * scale
    floor = np.floor(src)
    lower = np.maximum(floor, 0).astype(np.int64)
    upper = np.minimum(np.ceil(src), in_size - 1).astype(np.int64)
    lerp = src - floor
    rows = np.arange(out_size)
    np.add.at(m, (rows, np.minimum(lower, in_size - 1)), 1.0 - lerp)
    np.add.at(m, (rows, upper), lerp)
    return m


def _matrices(attrs, method, out_hw, in_hw):
    return [interpolation_matrix(o, i, method, attrs.get("align_corners", False),
                                 attrs.get("half_pixel_centers", False))
            for o, i in zip(out_hw, in_hw)]


def resize(images: np.ndarray, out_hw, attrs, method: str) -> np.ndarray:
    mh, mw = _matrices(attrs, method, out_hw, images.shape[1:3])
    out = np.einsum("oh,nhwc->nowc", mh.astype(images.dtype), images, optimize=True)
    return np.einsum("pw,nowc->nopc", mw.astype(images.dtype), out, optimize=True)


def resize_grad(grads: np.ndarray, in_hw, attrs, method: str) -> np.ndarray:
    mh, mw = _matrices(attrs, method, grads.shape[1:3], in_hw)
    out = np.einsum("oh,nopc->nhpc", mh.astype(grads.dtype), grads, optimize=True)
    return np.einsum("pw,nhpc->nhwc", mw.astype(grads.dtype), out, optimize=True)


def _spatial_size(images):
    """tf.shape(images)[1:3]: the [height, width] a gradient resizes back to."""
    return shape_of(images)[1:3]


def _check(op_type, images):
    if images.rank is not None and images.rank != 4:
        raise ValueError(f"{op_type}: images must be 4-D [batch, height, width, channels], got "
                         f"shape {images.shape}")


def _size_hw(size_spec):
    """(height, width) of a size tensor, None where unknown."""
    dims = described_shape(size_spec).dims
    return tuple(dims) if dims is not None and len(dims) == 2 else (None, None)


class _Resize(OpDef):
    method = "bilinear"
    defaults = DEFAULTS

    def infer(self, inputs, attrs):
        images, size = inputs
        _check(self.type, images)
        if not images.dtype.is_floating:
            raise TypeError(f"{self.type}: images must be float, got {images.dtype.name}")
        n = images.dims[0] if images.rank == 4 else None
        c = images.dims[3] if images.rank == 4 else None
        return [Spec(TensorShape([n, *_size_hw(size), c]), images.dtype)]

    def reference(self, attrs, images, size):
        return resize(np.asarray(images), [int(v) for v in size], attrs, self.method)

    def samples(self, rng):
        cases = [((2, 4, 5, 3), (7, 3), {}), ((1, 5, 4, 1), (3, 8), {"align_corners": True}),
                 ((2, 3, 3, 2), (5, 2), {"half_pixel_centers": True})]
        return [Sample([rng.normal(size=s), np.array(t, np.int32)], a) for s, t, a in cases]


@register
class ResizeBilinear(_Resize):
    """Bilinear resize of images [N,H,W,C] to size [h, w]."""

    type = "ResizeBilinear"
    kernels = {"cuda": "graphflow.cuda.image:build_resize"}
    host_arguments = (1,)

    def grad(self, op, dy):
        return [sibling(op, "ResizeBilinearGrad", [dy, op.inputs[0]], DEFAULTS), None]


@register
class ResizeNearestNeighbor(_Resize):
    """Nearest-neighbour resize of images [N,H,W,C] to size [h, w]."""

    type = "ResizeNearestNeighbor"
    kernels = {"cuda": "graphflow.cuda.image:build_resize"}
    host_arguments = (1,)
    method = "nearest"

    def grad(self, op, dy):
        return [sibling(op, "ResizeNearestNeighborGrad", [dy, _spatial_size(op.inputs[0])], DEFAULTS),
                None]


@register
class ResizeBilinearGrad(OpDef):
    """The gradient of ResizeBilinear: inputs (grads, original_image)."""

    type = "ResizeBilinearGrad"
    kernels = {"cuda": "graphflow.cuda.image:build_resize"}
    defaults = DEFAULTS

    def infer(self, inputs, attrs):
        return [Spec(inputs[1].shape, inputs[0].dtype)]

    def reference(self, attrs, grads, original):
        return resize_grad(np.asarray(grads), np.shape(original)[1:3], attrs, "bilinear")

    def grad(self, op, dz):
        return [sibling(op, "ResizeBilinear", [dz, _spatial_size(op.inputs[0])], DEFAULTS),
                None]

    def samples(self, rng):
        out = []
        for s in ResizeBilinear().samples(rng):
            y = ResizeBilinear().reference(s.attrs, *s.inputs)
            out.append(Sample([rng.normal(size=y.shape), s.inputs[0]], s.attrs))
        return out


@register
class ResizeNearestNeighborGrad(OpDef):
    """The gradient of ResizeNearestNeighbor: inputs (grads, original size [h, w])."""

    type = "ResizeNearestNeighborGrad"
    kernels = {"cuda": "graphflow.cuda.image:build_resize"}
    host_arguments = (1,)
    defaults = DEFAULTS

    def infer(self, inputs, attrs):
        grads, size = inputs
        n, c = (grads.dims[0], grads.dims[3]) if grads.rank == 4 else (None, None)
        return [Spec(TensorShape([n, *_size_hw(size), c]), grads.dtype)]

    def reference(self, attrs, grads, size):
        return resize_grad(np.asarray(grads), [int(v) for v in size], attrs, "nearest")

    def grad(self, op, dz):
        return [sibling(op, "ResizeNearestNeighbor", [dz, _spatial_size(op.inputs[0])], DEFAULTS),
                None]

    def samples(self, rng):
        out = []
        for s in ResizeNearestNeighbor().samples(rng):
            y = ResizeNearestNeighbor().reference(s.attrs, *s.inputs)
            out.append(Sample([rng.normal(size=y.shape),
                               np.array(s.inputs[0].shape[1:3], np.int32)], s.attrs))
        return out
