"""SumToShape's CPU kernel: a sum over leading axes (a bias gradient) runs the numba row sum,
bit for bit numpy's; other reductions, strided inputs and empty inputs take numpy's sum."""

from __future__ import annotations

import numpy as np
import pytest

from graphflow.compiler.ir import Node
from graphflow.framework import dtypes
from graphflow.framework.tensor_shape import TensorShape
from graphflow.ops import registry
from graphflow.ops.registry import Spec


def _kernel(dy_shape, target, dtype):
    opdef = registry.get("SumToShape")
    value = np.array(target, np.int32)
    specs = [Spec(TensorShape(list(dy_shape)), dtypes.as_dtype(dtype)),
             Spec(TensorShape([len(target)]), dtypes.int32, value)]
    node = Node(opdef, "sum", {}, (), (), specs, opdef.infer(specs, {}))
    return opdef.cpu_kernel(node), value


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize(("dy_shape", "target"), [((64, 8, 8, 32), (32,)), ((7, 10), (10,)),
                                                  ((5, 3, 4), (1, 3, 4)), ((6, 2, 3), (2, 3))])
def test_leading_axis_sums_equal_numpy_bit_for_bit(dy_shape, target, dtype):
    dy = np.random.default_rng(0).normal(size=dy_shape).astype(dtype)
    kernel, shape = _kernel(dy_shape, target, dtype)
    got = kernel(dy, shape)
    want = dy.reshape(-1, int(np.prod(target))).sum(axis=0).reshape(target)
    assert got.dtype == dtype and got.shape == target
    np.testing.assert_array_equal(got, want)
    rows = dy.astype(np.float64).reshape(-1, want.size)
    bound = np.abs(rows).sum(0) * (1e-6 if dtype == np.float32 else 1e-14)
    assert np.all(np.abs(got.reshape(-1) - rows.sum(0)) <= bound)


@pytest.mark.parametrize(("dy", "target"), [
    (np.arange(24.0, dtype=np.float32).reshape(2, 3, 4), (3, 1)),  # an inner axis summed too
    (np.arange(24.0, dtype=np.float32).reshape(4, 6)[:, ::2], (3,)),  # strided
    (np.zeros((0, 3), np.float32), (3,)),  # no rows
    (np.ones((2, 3), np.float32), (2, 3)),  # nothing to sum
])
def test_other_cases_take_numpy(dy, target):
    kernel, shape = _kernel(dy.shape, target, dy.dtype)
    got = kernel(dy, shape)
    lead = dy.ndim - len(target)
    axes = tuple(range(lead)) + tuple(lead + i for i, d in enumerate(target)
                                      if d == 1 and dy.shape[lead + i] != 1)
    np.testing.assert_array_equal(got, dy.astype(np.float64).sum(axis=axes).reshape(target))
