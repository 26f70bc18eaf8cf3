"""Row-sum kernels: SumToShape over leading axes (a bias gradient) and Sum/Mean over middle axes
(global average pooling) run numba row sums, bit for bit numpy's; SumToShape's other cases
(inner axes, strided or empty inputs) take numpy's sum."""

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


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize(("shape", "axis", "keepdims"), [
    ((64, 4, 4, 128), [1, 2], False),  # global average pooling
    ((6, 5, 3), [0], True), ((6, 5, 3), [0, 1], False), ((2, 3, 4, 5), [-3], False)])
@pytest.mark.parametrize("op_type", ["Sum", "Mean"])
def test_middle_axis_sums_and_means_equal_numpy_bit_for_bit(graph, op_type, shape, axis, keepdims,
                                                             dtype):
    import graphflow as tf

    x = np.random.default_rng(1).normal(size=shape).astype(dtype)
    fed = tf.placeholder(dtype, shape)
    reduce = tf.reduce_sum if op_type == "Sum" else tf.reduce_mean
    with tf.Session() as sess:
        got = sess.run(reduce(fed, axis=axis, keepdims=keepdims), {fed: x})
    numpy_reduce = np.sum if op_type == "Sum" else np.mean
    want = numpy_reduce(x, axis=tuple(axis), keepdims=keepdims)
    assert got.dtype == dtype
    np.testing.assert_array_equal(got, want)
    exact = numpy_reduce(x.astype(np.float64), axis=tuple(axis), keepdims=keepdims)
    np.testing.assert_allclose(got, exact, rtol=1e-4 if dtype == np.float32 else 1e-10,
                               atol=1e-5 if dtype == np.float32 else 1e-12)


def test_the_middle_axis_kernel_is_chosen_only_where_it_applies():
    from graphflow.ops.reduce import middle_axes_kernel

    def node(shape, axis, dtype=dtypes.float32):
        opdef = registry.get("Sum")
        specs = [Spec(TensorShape(list(shape)), dtype)]
        attrs = {"axis": axis, "keepdims": False}
        return Node(opdef, "s", attrs, (), (), specs, opdef.infer(specs, attrs))

    assert middle_axes_kernel(node((2, 3, 4), [0, 1]), mean=False) is not None
    assert middle_axes_kernel(node((2, 3, 4), [2]), mean=False) is None  # last axis: pairwise
    assert middle_axes_kernel(node((2, 3, 4), [0, 2]), mean=False) is None  # not consecutive
    assert middle_axes_kernel(node((2, None, 4), [1]), mean=False) is None  # unknown shape
    assert middle_axes_kernel(node((2, 3, 4), [1], dtypes.int32), mean=False) is None
