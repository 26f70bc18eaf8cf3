"""Counter-based random numbers: Philox4x32-10 against Random123's known answers, and every
distribution kernel against values computed from an independent pure-Python Philox."""

from __future__ import annotations

import math

import numpy as np
import pytest

from graphflow.ops import philox

MASK = 0xFFFFFFFF


def reference_philox(counter, key):
    """Philox4x32-10 in plain Python integers."""
    c, k = list(counter), list(key)
    for _ in range(10):
        p0, p1 = 0xD2511F53 * c[0], 0xCD9E8D57 * c[2]
        c = [((p1 >> 32) ^ c[1] ^ k[0]) & MASK, p1 & MASK, ((p0 >> 32) ^ c[3] ^ k[1]) & MASK,
             p0 & MASK]
        k = [(k[0] + 0x9E3779B9) & MASK, (k[1] + 0xBB67AE85) & MASK]
    return c


@pytest.mark.parametrize(("counter", "key", "expected"), [
    ((0, 0, 0, 0), (0, 0), (0x6627E8D5, 0xE169C58D, 0xBC57AC4C, 0x9B00DBD8)),
    ((MASK,) * 4, (MASK, MASK), (0x408F276D, 0x41C83B0E, 0xA20BC7C6, 0x6D5451FD)),
    ((0x243F6A88, 0x85A308D3, 0x13198A2E, 0x03707344), (0xA4093822, 0x299F31D0),
     (0xD16CFE09, 0x94FDCCEB, 0x5001E420, 0x24126EA1)),
])
def test_reference_matches_random123_known_answers(counter, key, expected):
    assert tuple(reference_philox(counter, key)) == expected


def _words(stream, element, attempt=0):
    n = stream.offset + element
    return reference_philox((n & MASK, n >> 32, attempt, 0), (stream.key0, stream.key1))


def _bits53(hi, lo):
    return ((hi << 21) | (lo >> 11)) * 2.0**-53


def _normal(stream, element, attempt=0):
    c = _words(stream, element, attempt)
    u1, u2 = _bits53(c[0], c[1]), _bits53(c[2], c[3])
    return math.sqrt(-2.0 * math.log(1.0 - u1)) * math.cos(2 * math.pi * u2)


def _truncated(stream, element):
    attempt = 0
    while abs(z := _normal(stream, element, attempt)) > 2.0:
        attempt += 1
    return z


STREAM = philox.Stream(key0=0x12345678, key1=0x9ABCDEF0, offset=2**32 - 3)  # crosses 2**32


@pytest.mark.parametrize(("distribution", "dtype", "expected"), [
    ("uniform", np.float32, lambda s, i: (_words(s, i)[0] >> 9) * 2.0**-23),
    ("uniform", np.float64, lambda s, i: _bits53(*_words(s, i)[:2])),
    ("normal", np.float64, _normal),
    ("truncated_normal", np.float64, _truncated),
    ("uniform_int", np.int64, lambda s, i: -5 + ((_words(s, i)[0] << 32) | _words(s, i)[1]) % 12),
])
def test_cpu_kernels_match_the_reference(distribution, dtype, expected):
    stream = philox.Stream(STREAM.key0, STREAM.key1, STREAM.offset)
    got = philox.draw(stream, distribution, (2, 3), np.dtype(dtype), -5, 7)
    want = np.array([expected(STREAM, i) for i in range(6)]).reshape(2, 3)
    assert got.dtype == dtype
    np.testing.assert_allclose(got, want, rtol=1e-14)
    assert stream.offset == STREAM.offset + 6


def test_counters_continue_across_draws():
    one, two = philox.Stream(7, 8), philox.Stream(7, 8)
    whole = philox.draw(one, "normal", (10,), np.dtype(np.float32))
    parts = [philox.draw(two, "normal", (n,), np.dtype(np.float32)) for n in (3, 7)]
    np.testing.assert_array_equal(whole, np.concatenate(parts))


def test_float32_uniform_stays_below_one():
    values = philox.draw(philox.Stream(1, 2), "uniform", (100000,), np.dtype(np.float32))
    assert values.min() >= 0.0 and values.max() < 1.0
    assert abs(values.mean() - 0.5) < 0.01
