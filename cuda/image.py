"""Image ops on the GPU.

Resizing (bilinear, nearest) and its gradients are linear with static weights: the CPU's
per-axis interpolation matrices (`graphflow.ops.resize.interpolation_matrix`) combined into one
sparse matrix over [N, H, W, C] (a Kronecker product), applied by the sparse matrix-vector
kernel; a gradient applies the transposed matrix.

ImageProjectiveTransformV2 takes its transforms at run time: one thread per output element maps
its pixel through its image's transform and samples the input (nearest or bilinear, zeros
outside), in float64 as the CPU kernel.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import scipy.sparse

from .kernel_cache import cached_kernel, output_runner

Shape = tuple[int, ...]

_TRANSFORM = '''
import math

import numpy as np
from numba import cuda


@cuda.jit
def kernel(images, transforms, per_image, h, w, c, oh, ow, bilinear, out):
    for i in range(cuda.grid(1), out.shape[0], cuda.gridsize(1)):
        ch = i % c
        x = np.float64((i // c) % ow)
        y = np.float64((i // (c * ow)) % oh)
        n = i // (c * ow * oh)
        t = n * 8 if per_image else 0
        k = np.float64(transforms[t + 6]) * x + np.float64(transforms[t + 7]) * y + 1.0
        sx = (np.float64(transforms[t]) * x + np.float64(transforms[t + 1]) * y
              + np.float64(transforms[t + 2])) / k
        sy = (np.float64(transforms[t + 3]) * x + np.float64(transforms[t + 4]) * y
              + np.float64(transforms[t + 5])) / k
        acc = 0.0
        if abs(sx) < 1e9 and abs(sy) < 1e9:  # finite and addressable
            if bilinear:
                fy, fx = math.floor(sy), math.floor(sx)
                wy, wx = sy - fy, sx - fx
                y0, x0 = np.int64(fy), np.int64(fx)
                for dy in range(2):
                    for dx in range(2):
                        yy, xx = y0 + dy, x0 + dx
                        if 0 <= yy < h and 0 <= xx < w:
                            weight = (wy if dy else 1.0 - wy) * (wx if dx else 1.0 - wx)
                            acc += weight * images[((n * h + yy) * w + xx) * c + ch]
            else:
                yy, xx = np.int64(round(sy)), np.int64(round(sx))
                if 0 <= yy < h and 0 <= xx < w:
                    acc = np.float64(images[((n * h + yy) * w + xx) * c + ch])
        out[i] = acc
'''


def transform_kernel() -> Any:
    return cached_kernel("image_transform", lambda: _TRANSFORM, "cuda_image_transform")


def transform_runner(images_shape: Shape, per_image: bool, out_shape: Shape, dtype: Any,
                     interpolation: str) -> Callable[[Any, Any], Any]:
    """`run(images, transforms)`: ImageProjectiveTransformV2 (fill_mode CONSTANT)."""
    from .device import flat

    _, h, w, c = images_shape
    _, oh, ow, _ = out_shape
    bilinear = interpolation == "BILINEAR"
    transform = output_runner(transform_kernel(), out_shape, dtype)
    return lambda images, transforms: transform(flat(images), flat(transforms), per_image,
                                                h, w, c, oh, ow, bilinear)


def resize_matrix(small: Shape, large: Shape, method: str, attrs: Any) -> scipy.sparse.csr_matrix:
    """The resize of NHWC images of shape `small` to `large` as one sparse matrix."""
    from graphflow.ops.resize import interpolation_matrix

    n, h, w, c = small
    per_axis = [scipy.sparse.csr_matrix(interpolation_matrix(
        o, i, method, attrs.get("align_corners", False), attrs.get("half_pixel_centers", False)))
        for o, i in zip(large[1:3], (h, w))]
    matrix = scipy.sparse.identity(n, format="csr")
    for factor in (*per_axis, scipy.sparse.identity(c, format="csr")):
        matrix = scipy.sparse.kron(matrix, factor, format="csr")
    return matrix


def resize_runner(in_shape: Shape, out_shape: Shape, dtype: Any, method: str, attrs: Any,
                  gradient: bool) -> Callable[[Any], Any]:
    """`run(x)`: a resize of NHWC images (or, with `gradient`, the adjoint: from the resized
    shape back to the original one)."""
    from .sparse import linear_runner

    if gradient:
        return linear_runner(resize_matrix(out_shape, in_shape, method, attrs).T, out_shape, dtype)
    return linear_runner(resize_matrix(in_shape, out_shape, method, attrs), out_shape, dtype)


# ---- kernel builders (named by the ops: `OpDef.kernels["cuda"]`) ----------------------------------

def build_resize(node: Any) -> Callable[..., Any] | None:
    """ResizeBilinear/NearestNeighbor(images, size) and their gradients (grads, original):
    static sparse matrices (floats)."""
    from .builder_inputs import shape_of

    spec = node.out_specs[0]
    if spec.dtype.np.kind != "f":
        return None
    method = "nearest" if "Nearest" in node.type else "bilinear"
    run = resize_runner(shape_of(node.in_specs[0]), shape_of(spec), spec.dtype.np, method,
                        node.attrs, gradient=node.type.endswith("Grad"))
    return lambda x, _size: run(x)


def build_image_transform(node: Any) -> Callable[..., Any] | None:
    """ImageProjectiveTransformV2(images, transforms, output_shape) (floats)."""
    from .builder_inputs import shape_of

    images, transforms, _ = node.in_specs
    if images.dtype.np.kind != "f" or transforms.dtype.np.kind != "f":
        return None
    per_image = shape_of(transforms)[0] > 1
    run = transform_runner(shape_of(images), per_image, shape_of(node.out_specs[0]),
                           images.dtype.np, node.attrs.get("interpolation", "NEAREST"))
    return lambda images, transforms, _shape: run(images, transforms)


def launch_signatures() -> list[Any]:
    """The projective transform for float32/float64 images and transforms (resizes are sparse
    products: `sparse.py`)."""
    from numba import types

    from .launch_signatures import Launch, array

    i64 = types.int64
    return [Launch(f"image_transform-{dtype}-{transforms}", transform_kernel().py_func,
                   (array(dtype), array(transforms), types.boolean, *(i64,) * 5, types.boolean,
                    array(dtype)))
            for dtype in ("float32", "float64") for transforms in ("float32", "float64")]
