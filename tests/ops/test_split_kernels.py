"""The CPU kernels of Split and SplitV (basic slices instead of np.split): the same pieces as
np.split for every axis, inferred (-1) and empty pieces, views of the input (as np.split's),
and numpy's error for an uneven Split."""

from __future__ import annotations

import numpy as np
import pytest

from graphflow.compiler.ir import Node
from graphflow.ops.registry import REGISTRY


def _kernel(op_type: str, **attrs):
    opdef = REGISTRY[op_type]
    return opdef.cpu_kernel(Node(opdef, op_type, attrs, (), (), (), ()))


@pytest.mark.parametrize("axis", [0, 1, 2, -1, -3])
def test_split_matches_np_split(axis):
    x = np.arange(4 * 6 * 8, dtype=np.float32).reshape(4, 6, 8)
    split = _kernel("Split", num_split=2, axis=axis)
    for _ in range(2):  # the second call reuses the slices made for this shape
        got = split(x)
        want = np.split(x, 2, axis)
        assert len(got) == 2
        for a, b in zip(got, want):
            np.testing.assert_array_equal(a, b)
            assert np.shares_memory(a, x)
    other = np.ones((2, 2, 2), np.float32)  # another shape: its own slices
    assert [p.shape for p in split(other)] == [q.shape for q in np.split(other, 2, axis)]


def test_uneven_split_raises_numpys_error():
    with pytest.raises(ValueError, match="equal division"):
        _kernel("Split", num_split=4, axis=1)(np.zeros((2, 5)))


@pytest.mark.parametrize("axis", [0, 1, -1])
@pytest.mark.parametrize("sizes", [[3], [1, 2], [2, -1, 0], [0, 3, 0], [-1, 1]])
def test_split_v_matches_np_split(axis, sizes):
    x = np.random.default_rng(0).normal(size=(3, 3))
    sizes = np.array(sizes, np.int32)
    got = _kernel("SplitV", axis=axis)(x, sizes)
    want = REGISTRY["SplitV"].reference({"axis": axis}, x, sizes)
    assert len(got) == len(want)
    for a, b in zip(got, want):
        assert a.shape == b.shape
        np.testing.assert_array_equal(a, b)
