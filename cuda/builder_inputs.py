"""What a CUDA kernel builder reads from a plan node: concrete shapes and constant inputs.

Every op names its CUDA kernel builder in its definition (`OpDef.kernels["cuda"]`); a builder
takes the plan node and returns a function of device arrays (`Kernel`), or None for a variant it
does not cover. These helpers are shared by the builders in this package.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from .device import static_shape

Kernel = Callable[..., Any]


def shape_of(spec: Any) -> tuple[int, ...] | None:
    """The concrete shape of a plan value, or None when some dimension is unknown."""
    return static_shape(spec)


def shapes_known(node: Any, outputs: bool = True) -> bool:
    """Whether every input shape of `node` (and, with `outputs`, every output shape) is concrete."""
    specs = (*node.in_specs, *node.out_specs) if outputs else node.in_specs
    return all(shape_of(s) is not None for s in specs)


def constant_input(node: Any, k: int) -> np.ndarray | None:
    """The value of input `k` when it is a constant, else None."""
    source = node.inputs[k][0]
    return np.asarray(source.attrs["value"]) if source.is_const else None


def constant_arguments(node: Any) -> list[np.ndarray] | None:
    """The values of inputs 1.. when they are all constants (axes, shapes, indices), else None."""
    values = [constant_input(node, k) for k in range(1, len(node.inputs))]
    return None if any(v is None for v in values) else values
