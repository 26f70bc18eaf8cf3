"""The CPU kernel behind SumToShape's most common case, a bias gradient: the rows of a
C-contiguous (rows, channels) view summed into one row (a dense layer's (batch, units) ->
(units,), a convolution's NHWC output -> (channels,)).

numpy's `add.reduce(dy, axis=0)` adds the rows in order too, but its reduction machinery and the
reference's shape bookkeeping cost about 10 us a call on the MLP's 128x256 gradients, for
about 3 us of additions; this loop makes the same additions in the same order (bit-identical
results) in about 2.5 us.
"""

from __future__ import annotations

from numba import njit


@njit(cache=True, nogil=True)
def sum_rows(x, out):  # pragma: no cover - compiled
    """out[j] = x[0, j] + x[1, j] + ... in row order (out is zeros for no rows)."""
    rows, channels = x.shape
    if rows == 0:
        out[:] = 0
        return
    for j in range(channels):
        out[j] = x[0, j]
    for i in range(1, rows):
        for j in range(channels):
            out[j] += x[i, j]
