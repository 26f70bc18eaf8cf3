"""Sliding-window ops on the GPU: pooling windows, and NCHW handled by transposing to NHWC
around an NHWC kernel (as the CPU kernels do at the op boundary)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

TO_NHWC, TO_NCHW = (0, 2, 3, 1), (0, 3, 1, 2)
_NCHW_LISTS = ("strides", "dilations", "ksize")


def pool_window(attrs: Any) -> tuple[int, int]:
    """(kh, kw) of an NHWC pooling op."""
    return int(attrs["ksize"][1]), int(attrs["ksize"][2])


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
    return tuple(int(shape[i]) for i in TO_NHWC)


def transposer(shape: tuple[int, ...], dtype: Any, perm: Sequence[int]) -> Callable[[Any], Any]:
    """`run(x)`: the transpose of a device array of `shape` (one gather)."""
    from graphflow.ops.registry import REGISTRY

    from .gather import layout_runner

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
