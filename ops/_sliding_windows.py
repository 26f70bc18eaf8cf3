"""Sliding-window geometry shared by convolutions and pooling (NHWC inside; NCHW is
transposed at the op boundary): output sizes and padding for SAME / VALID / explicit padding,
strided window views (im2col without a copy) and their adjoint (col2im).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from graphflow.framework.tensor_shape import TensorShape


@dataclass(frozen=True)
class Window:
    """Kernel size, stride and dilation along H and W, and the padding mode."""

    kh: int
    kw: int
    sh: int
    sw: int
    dh: int = 1
    dw: int = 1
    padding: str = "VALID"
    explicit: tuple[int, int, int, int] = (0, 0, 0, 0)  # top, bottom, left, right

    def out_and_pads(self, h: int, w: int) -> tuple[int, int, tuple[int, int, int, int]]:
        """(out_h, out_w, (top, bottom, left, right)) for an input of h x w.

        Raises:
            ValueError: when the (dilated) window is larger than the padded input.
        """
        oh, top, bottom = _axis(h, self.kh, self.sh, self.dh, self.padding, self.explicit[:2])
        ow, left, right = _axis(w, self.kw, self.sw, self.dw, self.padding, self.explicit[2:])
        return oh, ow, (top, bottom, left, right)


def _axis(size: int, k: int, s: int, d: int, padding: str, explicit: Sequence[int]
          ) -> tuple[int, int, int]:
    span = (k - 1) * d + 1
    if padding == "SAME":
        out = -(-size // s)
        total = max((out - 1) * s + span - size, 0)
        return out, total // 2, total - total // 2
    before, after = (explicit if padding == "EXPLICIT" else (0, 0))
    if size + before + after < span:
        raise ValueError(f"the window ({span} with dilation) is larger than the padded input "
                         f"({size + before + after})")
    return (size + before + after - span) // s + 1, before, after


def window_from_attrs(attrs: Any, ksize: Sequence[int] | None = None) -> Window:
    """The Window of a conv/pool op from its TF1 attributes (strides, dilations, ksize,
    padding, explicit_paddings, data_format)."""
    nchw = attrs.get("data_format", "NHWC") == "NCHW"
    hw = (2, 3) if nchw else (1, 2)
    strides = attrs.get("strides") or [1, 1, 1, 1]
    dilations = attrs.get("dilations") or [1, 1, 1, 1]
    explicit = attrs.get("explicit_paddings") or [0] * 8
    pads = tuple(explicit[2 * hw[0]:2 * hw[0] + 2]) + tuple(explicit[2 * hw[1]:2 * hw[1] + 2])
    kh, kw = ksize if ksize is not None else (attrs["ksize"][hw[0]], attrs["ksize"][hw[1]])
    return Window(int(kh), int(kw), int(strides[hw[0]]), int(strides[hw[1]]),
                  int(dilations[hw[0]]), int(dilations[hw[1]]), attrs.get("padding", "VALID"),
                  tuple(int(p) for p in pads))


def check_attrs(op_type: str, attrs: Any, ksize_attr: bool = False) -> None:
    """TF1's attribute checks: 4 strides (1 in batch and channels), a known padding mode.

    Raises:
        ValueError: naming the op and the bad attribute.
    """
    for key in ("strides", "dilations") + (("ksize",) if ksize_attr else ()):
        values = attrs.get(key)
        if values is None:
            continue
        if len(values) != 4:
            raise ValueError(f"{op_type}: {key} must have 4 entries, got {list(values)}")
        channel = 1 if attrs.get("data_format", "NHWC") == "NCHW" else 3
        if values[0] != 1 or values[channel] != 1:
            raise ValueError(f"{op_type}: {key} in the batch and depth dimensions must be 1, "
                             f"got {list(values)}")
        if any(v < 1 for v in values):
            raise ValueError(f"{op_type}: {key} must be positive, got {list(values)}")
    if attrs.get("padding") not in ("SAME", "VALID", "EXPLICIT"):
        raise ValueError(f"{op_type}: padding must be SAME, VALID or explicit, got "
                         f"{attrs.get('padding')!r}")
    if attrs.get("data_format", "NHWC") not in ("NHWC", "NCHW"):
        raise ValueError(f"{op_type}: data_format must be NHWC or NCHW, got "
                         f"{attrs.get('data_format')!r}")


def to_nhwc(x: np.ndarray, attrs: Any) -> np.ndarray:
    return np.transpose(x, (0, 2, 3, 1)) if attrs.get("data_format") == "NCHW" else x


def from_nhwc(x: np.ndarray, attrs: Any) -> np.ndarray:
    return np.ascontiguousarray(np.transpose(x, (0, 3, 1, 2))) \
        if attrs.get("data_format") == "NCHW" else x


# The dtypes the compiled CPU kernels (numba loops, BLAS) are built for; others run the numpy reference.
FLOAT_KERNEL_DTYPES = (np.dtype(np.float32), np.dtype(np.float64))


def float_kernel_io(node: Any) -> tuple[np.dtype, Any] | None:
    """`(dtype, nhwc)` for a sliding-window node whose compiled CPU kernel takes its dtype:
    `nhwc(value)` is `value` as a C-contiguous NHWC array of `dtype` (NCHW transposed at the
    boundary). None for other dtypes, so the node's numpy reference runs instead."""
    dtype = node.out_specs[0].dtype.np
    if dtype not in FLOAT_KERNEL_DTYPES:
        return None
    attrs = node.attrs

    def nhwc(value: Any) -> np.ndarray:
        return np.ascontiguousarray(to_nhwc(np.asarray(value, dtype), attrs))

    return dtype, nhwc


def nhwc_dims(shape: TensorShape, attrs: Any) -> tuple[Any, Any, Any, Any]:
    """(N, H, W, C) of a 4-D static shape (entries may be None)."""
    n, a, b, c = shape.dims
    return (n, b, c, a) if attrs.get("data_format") == "NCHW" else (n, a, b, c)


def shape_from_nhwc(n: Any, h: Any, w: Any, c: Any, attrs: Any) -> TensorShape:
    return TensorShape([n, c, h, w] if attrs.get("data_format") == "NCHW" else [n, h, w, c])


def pad_nhwc(x: np.ndarray, pads: tuple[int, int, int, int], value: float = 0.0) -> np.ndarray:
    top, bottom, left, right = pads
    if not any(pads):
        return x
    return np.pad(x, ((0, 0), (top, bottom), (left, right), (0, 0)), constant_values=value)


def windows(xp: np.ndarray, win: Window, oh: int, ow: int) -> np.ndarray:
    """A read-only view [N, oh, ow, kh, kw, C] of the windows of padded input `xp`."""
    n, _, _, c = xp.shape
    s = xp.strides
    return np.lib.stride_tricks.as_strided(
        xp, (n, oh, ow, win.kh, win.kw, c),
        (s[0], s[1] * win.sh, s[2] * win.sw, s[1] * win.dh, s[2] * win.dw, s[3]),
        writeable=False)


def add_windows(dxp: np.ndarray, dcols: np.ndarray, win: Window) -> None:
    """The adjoint of `windows`: adds dcols [N, oh, ow, kh, kw, C] into padded dxp in place."""
    oh, ow = dcols.shape[1:3]
    for i in range(win.kh):
        for j in range(win.kw):
            r, c = i * win.dh, j * win.dw
            dxp[:, r:r + win.sh * (oh - 1) + 1:win.sh, c:c + win.sw * (ow - 1) + 1:win.sw] += \
                dcols[:, :, :, i, j]


def unpad(xp: np.ndarray, pads: tuple[int, int, int, int]) -> np.ndarray:
    top, bottom, left, right = pads
    return xp[:, top:xp.shape[1] - bottom, left:xp.shape[2] - right]
