"""Counter-based random numbers (Philox4x32-10, Salmon et al. 2011, as TF's), the same on the CPU
and the GPU.

Element i of a random op's n-th draw is a pure function of the op's key (from its seeds) and
the counter (offset + i, attempt): no generator state is carried between elements, so results
depend neither on the backend nor on how a kernel's threads split the work. One scalar source
is generated per (distribution, dtype) and compiled by numba for the CPU (`@njit`) and for the
GPU (`@cuda.jit`). A session keeps, per op, a `Stream`: its key and how many elements it has
drawn, so each run draws new numbers and a new session starts over.

Distributions (per element, in float64 unless noted): uniform float32 from 23 random bits, so
it is exactly representable and below 1 (TF's construction); uniform float64 from 53 bits;
normal by Box-Muller; truncated normal by redrawing (attempt 1, 2, ...) until |z| <= 2; integers
as low + (64 random bits mod (high - low)).
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass

import numpy as np

DISTRIBUTIONS = ("uniform", "normal", "truncated_normal", "uniform_int")

_CONSTANTS = """
M0 = np.uint64(0xD2511F53)
M1 = np.uint64(0xCD9E8D57)
W0 = np.uint64(0x9E3779B9)
W1 = np.uint64(0xBB67AE85)
MASK = np.uint64(0xFFFFFFFF)
S9 = np.uint64(9)
S11 = np.uint64(11)
S21 = np.uint64(21)
S32 = np.uint64(32)
"""

#: Philox4x32-10 of counter (offset + i, attempt) under (key0, key1) into c0..c3.
_PHILOX = """
n = np.uint64(offset) + np.uint64(i)
c0 = n & MASK
c1 = n >> S32
c2 = np.uint64(attempt)
c3 = np.uint64(0)
k0 = np.uint64(key0)
k1 = np.uint64(key1)
for _ in range(10):
    p0 = M0 * c0
    p1 = M1 * c2
    c0, c1, c2, c3 = ((p1 >> S32) ^ c1 ^ k0) & MASK, p1 & MASK, ((p0 >> S32) ^ c3 ^ k1) & MASK, \\
        p0 & MASK
    k0 = (k0 + W0) & MASK
    k1 = (k1 + W1) & MASK
"""

_NORMAL = """
u1 = np.float64((c0 << S21) | (c1 >> S11)) * 1.1102230246251565e-16
u2 = np.float64((c2 << S21) | (c3 >> S11)) * 1.1102230246251565e-16
z = math.sqrt(-2.0 * math.log(1.0 - u1)) * math.cos(6.283185307179586 * u2)
"""

_BODIES = {
    ("uniform", "float32"): "attempt = 0" + _PHILOX
    + "out[i] = np.float32(c0 >> S9) * np.float32(1.1920928955078125e-07)\n",
    ("uniform", "float64"): "attempt = 0" + _PHILOX
    + "out[i] = np.float64((c0 << S21) | (c1 >> S11)) * 1.1102230246251565e-16\n",
    ("normal", "any"): "attempt = 0" + _PHILOX + _NORMAL + "out[i] = z\n",
    ("truncated_normal", "any"): "attempt = 0\nz = 3.0\nwhile abs(z) > 2.0:\n"
    + "".join("    " + line + "\n" for line in (_PHILOX + _NORMAL).strip().splitlines())
    + "    attempt += 1\nout[i] = z\n",
    ("uniform_int", "any"): "attempt = 0" + _PHILOX
    + "span = high[0] - low[0]\n"
    + "out[i] = low[0] + np.int64(((c0 << S32) | c1) % np.uint64(span)) if span > 0 else low[0]\n",
}


def _body(distribution: str, dtype: str) -> str:
    return _BODIES.get((distribution, dtype)) or _BODIES[(distribution, "any")]


def kernel_source(distribution: str, dtype: str, target: str) -> str:
    """The module source of `kernel(out, key0, key1, offset[, low, high])` filling the 1-D `out`
    with elements offset .. offset + len(out) - 1 of a stream; `target` is "cpu" or "cuda"."""
    args = "out, key0, key1, offset" + (", low, high" if distribution == "uniform_int" else "")
    body = _body(distribution, dtype).splitlines()
    if target == "cuda":
        header = ["from numba import cuda", "", _CONSTANTS, "", "@cuda.jit", f"def kernel({args}):",
                  "    for i in range(cuda.grid(1), out.shape[0], cuda.gridsize(1)):"]
    else:
        header = ["from numba import njit", "", _CONSTANTS, "",
                  '@njit(cache=True, nogil=True, error_model="numpy")', f"def kernel({args}):",
                  "    for i in range(out.shape[0]):"]
    lines = ["import math", "", "import numpy as np", *header]
    lines += ["        " + line for line in body]
    return "\n".join(lines) + "\n"


@dataclass
class Stream:
    """One random op's numbers in one session: the Philox key and the elements drawn so far."""

    key0: int
    key1: int
    offset: int = 0

    def take(self, count: int) -> int:
        """Reserves the next `count` elements; returns the offset of the first."""
        first = self.offset
        self.offset += count
        return first


def stream(seed_pair: tuple[int, int] | None) -> Stream:
    """The stream of an op with this (graph seed, op seed) pair; None: a key from OS entropy."""
    if seed_pair is None:
        key = int.from_bytes(os.urandom(8), "little")
    else:
        key = (seed_pair[0] * 0x9E3779B97F4A7C15 + seed_pair[1]) % 2**64
    return Stream(key & 0xFFFFFFFF, key >> 32)


@functools.cache
def cpu_kernel(distribution: str, dtype: str):
    """The numba CPU kernel for a distribution and output dtype (float32/float64, or int32/int64
    for uniform_int). Cached: generating and hashing the source on every draw cost a dropout
    60 us per step when its caches were cold."""
    from graphflow.generated_source import load_generated

    return load_generated(kernel_source(distribution, dtype, "cpu"), "philox").kernel


def draw(stream_: Stream, distribution: str, shape: tuple[int, ...], dtype: np.dtype,
         low: int = 0, high: int = 1) -> np.ndarray:
    """The next `shape` elements of `stream_` on the CPU."""
    native = dtype if dtype.name in ("float32", "float64", "int32", "int64") else (
        np.dtype(np.float32) if dtype.kind == "f" else np.dtype(np.int64))
    out = np.empty(int(np.prod(shape, dtype=np.int64)), native)
    offset = stream_.take(out.size)
    kernel = cpu_kernel(distribution, native.name)
    if distribution == "uniform_int":
        kernel(out, stream_.key0, stream_.key1, offset, np.array([low], np.int64),
               np.array([high], np.int64))
    else:
        kernel(out, stream_.key0, stream_.key1, offset)
    return out.reshape(shape).astype(dtype, copy=False)
