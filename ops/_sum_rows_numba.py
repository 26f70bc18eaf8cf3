"""numba kernel of the commonest reverse broadcast, a bias gradient: the sum over the leading
axes of a C-contiguous array viewed as [rows, columns].

Rows are added one after another into one output row, the order numpy's `sum(axis=0)` uses for
such an array, so the result is bit for bit numpy's; numpy pays for a strided pass per row
(about 70 us for [4096, 32] float32 against 16 us here).
"""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True, nogil=True)
def sum_rows(x: np.ndarray, out: np.ndarray) -> None:  # pragma: no cover
    """out[k] = sum over i of x[i, k], rows added in order."""
    rows, columns = x.shape
    for k in range(columns):
        out[k] = 0
    for i in range(rows):
        row = x[i]
        for k in range(columns):
            out[k] += row[k]
