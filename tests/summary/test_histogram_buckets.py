"""The fast histogram bucketing (ops/histogram_buckets.py) gives np.searchsorted's answer for
every float64, including each limit, its neighbours, zeros, subnormals and the extremes; empty
runs collapse as TF1's Histogram::EncodeToProto does."""

from __future__ import annotations

import sys

import numpy as np
import pytest

from graphflow.ops.histogram_buckets import LIMITS, POSITIVE, bucket_counts, bucket_indices, collapse_empty_runs


def _adversarial() -> np.ndarray:
    rng = np.random.default_rng(0)
    inner = LIMITS[1:-1]
    wide = rng.standard_normal(50_000) * 10.0 ** rng.integers(-20, 30, 50_000)
    special = [0.0, -0.0, 5e-324, -5e-324, 1e-300, -1e-300, 1e-12, -1e-12, 1e19, 1e21, -1e21,
               sys.float_info.max, -sys.float_info.max, np.nextafter(sys.float_info.max, 0)]
    return np.concatenate([wide, inner, np.nextafter(inner, np.inf), np.nextafter(inner, -np.inf), special])


def test_indices_equal_searchsorted_everywhere():
    values = _adversarial()
    np.testing.assert_array_equal(bucket_indices(values), np.searchsorted(LIMITS, values, side="right"))
    matrix = values[:40_000].reshape(200, 200)
    np.testing.assert_array_equal(bucket_indices(matrix), np.searchsorted(LIMITS, matrix, side="right"))
    assert bucket_indices(np.zeros(0)).shape == (0,)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_counts_equal_bincount_of_searchsorted(dtype):
    values = (np.random.default_rng(1).standard_normal(100_003) * 0.05).astype(dtype).astype(np.float64)
    expected = np.bincount(np.searchsorted(LIMITS, values, side="right"), minlength=len(LIMITS))
    np.testing.assert_array_equal(bucket_counts(values), expected)


def test_limits_are_tf1s():
    assert POSITIVE[0] == 1e-12 and POSITIVE[-1] == sys.float_info.max and POSITIVE[-2] < 1e20
    assert len(LIMITS) == 2 * len(POSITIVE) + 1 and LIMITS[len(POSITIVE)] == 0.0
    np.testing.assert_allclose(POSITIVE[1:-1] / POSITIVE[:-2], 1.1, rtol=1e-12)


def _reference_collapse(counts):
    """TF1's loop, written out: a run of empty buckets becomes one ending at its last limit."""
    limits, kept, i = [], [], 0
    while i < len(counts):
        end, count = LIMITS[i], counts[i]
        i += 1
        if count <= 0:
            while i < len(counts) and counts[i] <= 0:
                end, count = LIMITS[i], counts[i]
                i += 1
        limits.append(end)
        kept.append(count)
    return limits, kept


@pytest.mark.parametrize("seed", range(4))
def test_collapse_matches_tf1s_loop(seed):
    rng = np.random.default_rng(seed)
    counts = np.where(rng.random(len(LIMITS)) < 0.05, rng.integers(1, 9, len(LIMITS)), 0).astype(np.float64)
    counts[0] = seed % 2  # runs touching both ends
    limits, kept = collapse_empty_runs(counts)
    expected_limits, expected_kept = _reference_collapse(counts)
    assert limits.tolist() == expected_limits and kept.tolist() == expected_kept
    limits, kept = collapse_empty_runs(np.zeros(len(LIMITS)))
    assert limits.tolist() == [sys.float_info.max] and kept.tolist() == [0.0]


def test_every_slice_of_bit_patterns_holds_at_most_one_limit():
    starts = (np.arange((1 << 17) + 1, dtype=np.uint64) << np.uint64(46)).view(np.float64)
    finite = starts[np.isfinite(starts)]
    inside = np.diff(np.searchsorted(POSITIVE, finite, side="left"))
    assert inside.max() == 1
