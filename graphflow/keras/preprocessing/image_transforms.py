"""Image transforms of `keras.preprocessing.image` on single 3-D images (numpy and
scipy.ndimage): `apply_affine_transform` (rotation, shift, shear, zoom about the image centre),
`apply_channel_shift`, `apply_brightness_shift`, `flip_axis`, and the `random_*` helpers.

Conventions follow tf_keras 2.x (the Keras 2 that TF ships): angles in degrees, the affine
matrix maps output coordinates to input coordinates, and its first coordinate is the image's
column axis when the column axis follows the row axis (so `tx`, the "height" shift, moves pixels
along the columns as in tf_keras). Pixels from outside the image follow `fill_mode` ("nearest",
"constant" with `cval`, "reflect", "wrap"), interpolation of `order` (1: bilinear).
"""

from __future__ import annotations

from typing import Any

import numpy as np


def flip_axis(x: np.ndarray, axis: int) -> np.ndarray:
    """`x` reversed along `axis`."""
    return np.flip(np.asarray(x), axis)


def transform_matrix_offset_center(matrix: np.ndarray, x: int, y: int) -> np.ndarray:
    """`matrix` conjugated so that it acts about the centre of an `x` by `y` image."""
    o_x, o_y = float(x) / 2 - 0.5, float(y) / 2 - 0.5
    offset = np.array([[1, 0, o_x], [0, 1, o_y], [0, 0, 1]])
    reset = np.array([[1, 0, -o_x], [0, 1, -o_y], [0, 0, 1]])
    return offset @ matrix @ reset


def _compose(parts: list[np.ndarray]) -> np.ndarray | None:
    result = None
    for part in parts:
        result = part if result is None else result @ part
    return result


def apply_affine_transform(x: np.ndarray, theta: float = 0, tx: float = 0, ty: float = 0, shear: float = 0,
                           zx: float = 1, zy: float = 1, row_axis: int = 1, col_axis: int = 2,
                           channel_axis: int = 0, fill_mode: str = "nearest", cval: float = 0.0,
                           order: int = 1) -> np.ndarray:
    """Rotates by `theta` degrees, shifts by (`tx`, `ty`) pixels, shears by `shear` degrees and
    zooms by (`zx`, `zy`) (factors > 1 zoom out), about the image centre.

    Args:
        x: a 3-D image.
        theta, tx, ty, shear, zx, zy: the transform (identity by default).
        row_axis, col_axis, channel_axis: the image's axes (a permutation of 0, 1, 2; channels
            first or last).
        fill_mode: how points outside the image are filled ("constant", "nearest", "reflect",
            "wrap").
        cval: the fill value for "constant".
        order: the spline interpolation order.

    Returns:
        The transformed image (the input itself when the transform is the identity).

    Raises:
        ValueError: axes that are not a permutation of 0, 1, 2, channels in the middle, or an
            image that is not 3-D.
    """
    from scipy import ndimage

    if sorted((row_axis, col_axis, channel_axis)) != [0, 1, 2]:
        raise ValueError(f"apply_affine_transform: row_axis, col_axis and channel_axis must be 0, 1, 2 in some "
                         f"order, got {row_axis}, {col_axis}, {channel_axis}")
    if np.ndim(x) != 3:
        raise ValueError(f"apply_affine_transform: input arrays must be multi-channel 2D images, got shape "
                         f"{np.shape(x)}")
    if channel_axis not in (0, 2):
        raise ValueError("apply_affine_transform: channels must be the first or the last axis")
    parts = []
    if theta != 0:
        angle = np.deg2rad(theta)
        cos, sin = np.cos(angle), np.sin(angle)
        parts.append(np.array([[cos, -sin, 0], [sin, cos, 0], [0, 0, 1]]))
    if tx != 0 or ty != 0:
        parts.append(np.array([[1, 0, tx], [0, 1, ty], [0, 0, 1]]))
    if shear != 0:
        angle = np.deg2rad(shear)
        parts.append(np.array([[1, -np.sin(angle), 0], [0, np.cos(angle), 0], [0, 0, 1]]))
    if zx != 1 or zy != 1:
        parts.append(np.array([[zx, 0, 0], [0, zy, 0], [0, 0, 1]]))
    matrix = _compose(parts)
    if matrix is None:
        return x
    matrix = transform_matrix_offset_center(matrix, x.shape[row_axis], x.shape[col_axis])
    if col_axis > row_axis:  # tf_keras: the matrix's first coordinate is the column axis
        matrix[:, [0, 1]] = matrix[:, [1, 0]]
        matrix[[0, 1]] = matrix[[1, 0]]
    planes = np.moveaxis(x, channel_axis, 0)
    out = np.stack([ndimage.affine_transform(plane, matrix[:2, :2], matrix[:2, 2], order=order, mode=fill_mode,
                                             cval=cval) for plane in planes])
    return np.moveaxis(out, 0, channel_axis)


def apply_channel_shift(x: np.ndarray, intensity: float, channel_axis: int = 0) -> np.ndarray:
    """Adds `intensity` to every channel, clipped to the image's original [min, max] (the same
    for every channel, so `channel_axis` is accepted for Keras 2's signature only)."""
    return np.clip(x + intensity, np.min(x), np.max(x))


def apply_brightness_shift(x: np.ndarray, brightness: float, scale: bool = True) -> np.ndarray:
    """Multiplies the image's brightness by `brightness` as an 8-bit image would be (tf_keras
    goes through PIL): the image is taken to [0, 255] (rescaled from its own range when `scale`
    or when it lies outside [0, 255]), quantized to 8 bits, scaled and truncated as PIL does,
    clipped to [0, 255], and mapped back to its original range when it was rescaled only because
    it lay outside.

    Args:
        x: a 3-D image.
        brightness: the factor (1: unchanged, 0: black).
        scale: rescale the image to [0, 255] first.

    Returns:
        The image, float32.
    """
    x = np.asarray(x, np.float32)
    low, high = float(np.min(x)), float(np.max(x))
    outside = low < 0 or high > 255
    pixels = x
    if outside or scale:
        pixels = x - low
        top = float(np.max(pixels))
        if top != 0:
            pixels = pixels / top
        pixels = pixels * 255
    pixels = np.floor(np.clip(pixels, 0, 255))  # 8-bit storage
    # PIL's Brightness: the 8-bit value times the float32 factor, truncated
    pixels = np.clip(np.floor(pixels.astype(np.float32) * np.float32(brightness)), 0, 255).astype(np.float32)
    if not scale and outside:
        pixels = pixels / 255 * (high - low) + low
    return pixels


def random_rotation(x: np.ndarray, rg: float, row_axis: int = 1, col_axis: int = 2, channel_axis: int = 0,
                    fill_mode: str = "nearest", cval: float = 0.0, interpolation_order: int = 1) -> np.ndarray:
    """Rotates by an angle drawn uniformly from [-rg, rg] degrees (numpy's global generator)."""
    theta = np.random.uniform(-rg, rg)  # noqa: NPY002 - Keras 2 draws from numpy's global state
    return apply_affine_transform(x, theta=theta, row_axis=row_axis, col_axis=col_axis,
                                  channel_axis=channel_axis, fill_mode=fill_mode, cval=cval,
                                  order=interpolation_order)


def random_shift(x: np.ndarray, wrg: float, hrg: float, row_axis: int = 1, col_axis: int = 2,
                 channel_axis: int = 0, fill_mode: str = "nearest", cval: float = 0.0,
                 interpolation_order: int = 1) -> np.ndarray:
    """Shifts by fractions of the size drawn uniformly from [-hrg, hrg] and [-wrg, wrg]."""
    h, w = x.shape[row_axis], x.shape[col_axis]
    tx = np.random.uniform(-hrg, hrg) * h  # noqa: NPY002
    ty = np.random.uniform(-wrg, wrg) * w  # noqa: NPY002
    return apply_affine_transform(x, tx=tx, ty=ty, row_axis=row_axis, col_axis=col_axis,
                                  channel_axis=channel_axis, fill_mode=fill_mode, cval=cval,
                                  order=interpolation_order)


def random_zoom(x: np.ndarray, zoom_range: Any, row_axis: int = 1, col_axis: int = 2, channel_axis: int = 0,
                fill_mode: str = "nearest", cval: float = 0.0, interpolation_order: int = 1) -> np.ndarray:
    """Zooms by factors drawn uniformly from `zoom_range` (a pair).

    Raises:
        ValueError: `zoom_range` is not a pair.
    """
    if len(zoom_range) != 2:
        raise ValueError(f"`zoom_range` should be a tuple or list of two floats. Received: {zoom_range}")
    zx, zy = (1, 1) if zoom_range[0] == 1 and zoom_range[1] == 1 else \
        np.random.uniform(zoom_range[0], zoom_range[1], 2)  # noqa: NPY002
    return apply_affine_transform(x, zx=zx, zy=zy, row_axis=row_axis, col_axis=col_axis,
                                  channel_axis=channel_axis, fill_mode=fill_mode, cval=cval,
                                  order=interpolation_order)


def random_shear(x: np.ndarray, intensity: float, row_axis: int = 1, col_axis: int = 2, channel_axis: int = 0,
                 fill_mode: str = "nearest", cval: float = 0.0, interpolation_order: int = 1) -> np.ndarray:
    """Shears by an angle drawn uniformly from [-intensity, intensity] degrees."""
    shear = np.random.uniform(-intensity, intensity)  # noqa: NPY002
    return apply_affine_transform(x, shear=shear, row_axis=row_axis, col_axis=col_axis,
                                  channel_axis=channel_axis, fill_mode=fill_mode, cval=cval,
                                  order=interpolation_order)


def random_channel_shift(x: np.ndarray, intensity_range: float, channel_axis: int = 0) -> np.ndarray:
    """`apply_channel_shift` by an intensity drawn uniformly from [-range, range]."""
    intensity = np.random.uniform(-intensity_range, intensity_range)  # noqa: NPY002
    return apply_channel_shift(x, intensity, channel_axis=channel_axis)


def random_brightness(x: np.ndarray, brightness_range: Any, scale: bool = True) -> np.ndarray:
    """`apply_brightness_shift` by a factor drawn uniformly from `brightness_range` (a pair).

    Raises:
        ValueError: `brightness_range` is not a pair.
    """
    if len(brightness_range) != 2:
        raise ValueError(f"`brightness_range should be tuple or list of two floats. Received: "
                         f"{brightness_range}")
    factor = np.random.uniform(brightness_range[0], brightness_range[1])  # noqa: NPY002
    return apply_brightness_shift(x, factor, scale)
