"""Convolutions and pooling on the GPU in either data format: the kernels are NHWC; NCHW data is
transposed to NHWC around them (as the CPU kernels do at the op boundary). `window_kernel` is
what each convolution and pooling op's builder calls with its NHWC runner."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

TO_NHWC, TO_NCHW = (0, 2, 3, 1), (0, 3, 1, 2)
_NCHW_LISTS = ("strides", "dilations", "ksize")

Shape = tuple[int, ...]
#: Builds an NHWC runner from (input shapes, output shape, dtype, NHWC attributes); the runner
#: takes every input of the op, static size inputs included.
NhwcBuild = Callable[[list[Shape], Shape, Any, dict], Callable[..., Any]]


def nhwc_attrs(attrs: Any) -> dict:
    """A conv/pool op's attributes with NCHW lists reordered to NHWC."""
    out = dict(attrs)
    if attrs.get("data_format", "NHWC") != "NCHW":
        return out
    for key in _NCHW_LISTS:
        if attrs.get(key) is not None:
            out[key] = [attrs[key][i] for i in TO_NHWC]
    if attrs.get("explicit_paddings"):
        pairs = np.asarray(attrs["explicit_paddings"]).reshape(4, 2)
        out["explicit_paddings"] = [int(p) for p in pairs[list(TO_NHWC)].reshape(-1)]
    out["data_format"] = "NHWC"
    return out


def to_nhwc_shape(shape: Sequence[int]) -> tuple[int, ...]:
    """The NHWC shape of an NCHW shape."""
    return tuple(int(shape[i]) for i in TO_NHWC)


def transposer(shape: tuple[int, ...], dtype: Any, perm: Sequence[int]) -> Callable[[Any], Any]:
    """`run(x)`: the transpose of a device array of `shape` (one gather)."""
    from graphflow.ops.registry import REGISTRY

    from .layout import layout_runner

    return layout_runner(REGISTRY["Transpose"].reference, {}, shape, dtype,
                         [np.asarray(perm, np.int64)])


def nchw_runner(run: Callable[..., Any], shapes: Sequence[tuple[int, ...] | None], dtype: Any,
                out_shape: tuple[int, ...] | None) -> Callable[..., Any]:
    """An NHWC kernel `run` as a kernel of NCHW arrays: the inputs whose NCHW shape is given
    in `shapes` (None: not image data, e.g. a filter) are transposed to NHWC first, and the
    output back to NCHW when `out_shape` (its NHWC shape) is given."""
    inward = [None if s is None else transposer(s, dtype, TO_NHWC) for s in shapes]
    outward = None if out_shape is None else transposer(out_shape, dtype, TO_NCHW)

    def run_nchw(*inputs: Any) -> Any:
        out = run(*(x if t is None else t(x) for x, t in zip(inputs, inward)))
        return out if outward is None else outward(out)

    return run_nchw


def window_kernel(node: Any, build: NhwcBuild, images: tuple[int, ...], image_out: bool = True
                  ) -> Callable[..., Any] | None:
    """The device kernel of a convolution or pooling node (floats only).

    Args:
        node: the plan node (static shapes).
        build: makes the NHWC runner (see `NhwcBuild`).
        images: the inputs that are image data (transposed when the node is NCHW).
        image_out: whether the output is image data (a filter gradient is not).

    Returns:
        The kernel, or None for a non-float dtype (which runs on the host).
    """
    from .builder_inputs import shape_of

    dtype = node.out_specs[0].dtype.np
    if dtype.kind != "f":
        return None
    attrs, in_shapes, out_shape = node.attrs, [shape_of(s) for s in node.in_specs], \
        shape_of(node.out_specs[0])
    if attrs.get("data_format", "NHWC") != "NCHW":
        return build(in_shapes, out_shape, dtype, attrs)
    shapes = [to_nhwc_shape(s) if k in images else s for k, s in enumerate(in_shapes)]
    nhwc_out = to_nhwc_shape(out_shape) if image_out else out_shape
    run = build(shapes, nhwc_out, dtype, nhwc_attrs(attrs))
    return nchw_runner(run, [s if k in images else None for k, s in enumerate(in_shapes)],
                       dtype, nhwc_out if image_out else None)
