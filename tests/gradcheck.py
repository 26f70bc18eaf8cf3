"""Finite-difference gradient checking against graphflow's symbolic gradients.

The check is on a scalar L = sum_k sum(w_k * y_k) over an op's floating outputs y_k with fixed
random weights w_k, so one backward pass checks a full vector-Jacobian product. The numeric
side uses central differences in float64 on the op's numpy reference (independent of the
graph machinery); tolerances are those of the conformance contract.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

EPS = 1e-6
ATOL = 1e-5
RTOL = 1e-3


def weighted_sum(outputs: Sequence[np.ndarray], weights: Sequence[np.ndarray]) -> float:
    return float(sum(np.sum(np.asarray(y, np.float64) * w) for y, w in zip(outputs, weights)))


def numeric_gradients(loss: Callable[[list[np.ndarray]], float], inputs: Sequence[np.ndarray],
                      wrt: Sequence[int], eps: float = EPS) -> list[np.ndarray]:
    """dL/d inputs[i] for i in `wrt` by central differences (inputs are float64 arrays)."""
    grads = []
    for i in wrt:
        x = np.array(inputs[i], np.float64)
        g = np.zeros_like(x)
        for idx in np.ndindex(x.shape):
            args = [np.array(v) for v in inputs]
            plus, minus = x.copy(), x.copy()
            plus[idx] += eps
            minus[idx] -= eps
            args[i] = plus
            up = loss(args)
            args[i] = minus
            down = loss(args)
            g[idx] = (up - down) / (2 * eps)
        grads.append(g)
    return grads


def assert_gradients_close(symbolic: Sequence[np.ndarray | None], numeric: Sequence[np.ndarray],
                           what: str) -> None:
    """Symbolic gradients (None = structurally zero) against numeric ones."""
    for k, (s, n) in enumerate(zip(symbolic, numeric)):
        s = np.zeros_like(n) if s is None else np.asarray(s, np.float64)
        assert s.shape == n.shape, f"{what}: gradient {k} has shape {s.shape}, expected {n.shape}"
        np.testing.assert_allclose(s, n, rtol=RTOL, atol=ATOL,
                                   err_msg=f"{what}: gradient of input {k}")
