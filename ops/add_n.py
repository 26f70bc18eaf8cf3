"""AddN: the sum of a list of same-shape tensors (how gradients of fanned-out tensors add up)."""

from __future__ import annotations

import numpy as np

from ._rules import same_dtype
from .registry import OpDef, Sample, Spec, register


@register
class AddN(OpDef):
    """AddN(*xs) = xs[0] + xs[1] + ... (no broadcasting)."""

    type = "AddN"
    kernels = {"cuda": "graphflow.cuda.elementwise:build_add_n"}

    def infer(self, inputs, attrs):
        same_dtype(inputs, "AddN")
        shape = inputs[0].shape
        for s in inputs[1:]:
            if not shape.is_compatible_with(s.shape):
                raise ValueError(f"Shapes must be equal, but are {shape} and {s.shape}")
            shape = shape.merge_with(s.shape)
        return [Spec(shape, inputs[0].dtype)]

    def reference(self, attrs, *xs):
        total = np.add(xs[0], xs[1])
        for x in xs[2:]:
            total = np.add(total, x, out=total) if isinstance(total, np.ndarray) else total + x
        return total

    def grad(self, op, dy):
        return [dy] * len(op.inputs)

    def samples(self, rng):
        return [Sample([rng.normal(size=(2, 3)) for _ in range(3)]),
                Sample([rng.normal(size=()), rng.normal(size=())])]
