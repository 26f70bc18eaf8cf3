"""The ops that launch nothing on the GPU: their output is an input, or a reshaped view of one
(device arrays are C-contiguous, so a reshape is a view), or nothing at all (NoOp)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def build_no_op(node: Any) -> Callable[..., None]:
    """NoOp: nothing to compute (it exists for its control dependencies)."""
    return lambda *_: None


def build_passthrough(node: Any) -> Callable[..., Any]:
    """Identity, StopGradient, PlaceholderWithDefault: the first input itself."""
    return lambda x, *_: x


def build_reshape(node: Any) -> Callable[..., Any]:
    """Reshape, ExpandDims, Squeeze, RestoreReducedDims: a view of the input in the output's
    static shape (the shape arguments are already in it)."""
    from .builder_inputs import shape_of

    shape = shape_of(node.out_specs[0])
    return lambda x, *_: x.reshape(shape)
