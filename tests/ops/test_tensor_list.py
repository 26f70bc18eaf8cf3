"""The TensorList ops one by one (the sample-driven conformance suite cannot feed their variant
values): kernels against numpy expectations, the write modes gradients use, the aggregation
ops, and, on the CUDA backend (GF_BACKEND=cuda under the simulator, see
tests/cuda/test_tensor_list_sim.py), that list ops keep elements on the device."""

from __future__ import annotations

import os

import numpy as np
import pytest

import graphflow as tf
from graphflow.api import list_ops
from graphflow.ops import registry
from graphflow.ops.tensor_list import LIST_OPS
from graphflow.ops.tensor_list_value import TensorListValue, as_list

ON_DEVICE = os.environ.get("GF_BACKEND") == "cuda"


@pytest.fixture(autouse=True)
def _fresh_graph():
    with tf.Graph().as_default():
        yield


def _run(fetches, feeds=None):
    with tf.Session() as sess:
        out = sess.run(fetches, feeds)
        if ON_DEVICE:  # only the size queries TF1 keeps in host memory run on the host
            host = {n.type for plan in sess._plans.values() for n in plan.host_nodes}
            assert not {t for t in host if t in LIST_OPS and not registry.get(t).host_memory}, host
        return out


def test_every_list_op_is_registered_with_a_cuda_builder_or_host_memory():
    assert {"EmptyTensorList", "TensorListReserve", "TensorListFromTensor", "TensorListSetItem",
            "TensorListGetItem", "TensorListStack", "TensorListGather", "TensorListScatter",
            "TensorListConcat", "TensorListSplit", "TensorListLength", "TensorListElementShape",
            "TensorListZerosLike", "TensorListAddN"} <= LIST_OPS
    for op_type in LIST_OPS:
        opdef = registry.get(op_type)
        assert opdef.host_memory or opdef.kernel_builder("cuda") is not None, op_type


def test_reserve_length_element_shape_and_empty():
    lst = list_ops.reserve([None, 3], 4, tf.float32)
    empty = tf.TensorArray(tf.int32, 0, dynamic_size=True).flow
    shape, n, n0 = _run([tf.get_default_graph().create_op("TensorListElementShape", [lst]).outputs[0],
                         list_ops.length(lst), list_ops.length(empty)])
    np.testing.assert_array_equal(shape, [-1, 3])
    assert n == 4 and n0 == 0


def test_empty_tensor_list_op_then_resizing_writes():
    graph = tf.get_default_graph()
    empty = graph.create_op("EmptyTensorList", [list_ops.shape_tensor([2]), tf.constant(-1)],
                            {"element_dtype": tf.float64}).outputs[0]
    grown = list_ops.set_item(empty, 2, tf.constant([1.0, 2.0], tf.float64), resize=True)
    np.testing.assert_array_equal(_run(list_ops.stack(grown, tf.float64, [2])),
                                  [[0, 0], [0, 0], [1, 2]])


def test_from_tensor_stack_round_trip_keeps_dtype_and_rows():
    x = np.arange(24, dtype=np.int32).reshape(4, 3, 2)
    lst = list_ops.from_tensor(x)
    stacked = list_ops.stack(lst, tf.int32, [3, 2], num_elements=4)
    assert stacked.shape.as_list() == [4, 3, 2]
    row = list_ops.get_item(lst, 2, tf.int32, [3, 2])
    got = _run([stacked, row])
    np.testing.assert_array_equal(got[0], x)
    np.testing.assert_array_equal(got[1], x[2])
    assert got[0].dtype == np.int32


def test_write_modes_overwrite_and_aggregate():
    lst = list_ops.reserve([2], 2, tf.float64)
    one = tf.constant([1.0, 2.0], tf.float64)
    two = tf.constant([10.0, 20.0], tf.float64)
    over = list_ops.set_item(list_ops.set_item(lst, 0, one, write_mode="overwrite"), 0, two,
                             write_mode="overwrite")
    summed = list_ops.set_item(list_ops.set_item(lst, 0, one, write_mode="aggregate"), 0, two,
                               write_mode="aggregate")
    scattered = list_ops.scatter(lst, tf.stack([one, two, one]), [1, 1, 0], write_mode="aggregate")
    got = _run([list_ops.stack(over, tf.float64, [2]), list_ops.stack(summed, tf.float64, [2]),
                list_ops.stack(scattered, tf.float64, [2])])
    np.testing.assert_array_equal(got[0], [[10, 20], [0, 0]])
    np.testing.assert_array_equal(got[1], [[11, 22], [0, 0]])
    np.testing.assert_array_equal(got[2], [[1, 2], [11, 22]])


def test_zeros_like_and_add_n_of_lists():
    a = list_ops.set_item(list_ops.reserve([2], 3, tf.float32), 0, tf.constant([1.0, 2.0]))
    b = list_ops.set_item(list_ops.reserve([2], 3, tf.float32), 2, tf.constant([3.0, 4.0]))
    c = list_ops.set_item(list_ops.reserve([2], 3, tf.float32), 0, tf.constant([5.0, 5.0]))
    total = tf.add_n([a, b, c])  # dispatches to TensorListAddN for variants
    zeros = tf.zeros_like(a)
    assert total.op.type == "TensorListAddN" and zeros.op.type == "TensorListZerosLike"
    got = _run([list_ops.stack(total, tf.float32, [2]), list_ops.stack(zeros, tf.float32, [2]),
                list_ops.length(zeros)])
    np.testing.assert_array_equal(got[0], [[6, 7], [0, 0], [3, 4]])
    np.testing.assert_array_equal(got[1], np.zeros((3, 2)))
    assert got[2] == 3


def test_concat_reads_unwritten_slots_with_the_given_leading_dims():
    lst = list_ops.reserve([None, 2], 3, tf.float64)
    lst = list_ops.set_item(lst, 1, tf.ones([3, 2], tf.float64), infer_shape=False)
    joined, lengths = list_ops.concat(lst, tf.float64, [None, 2],
                                      leading_dims=tf.constant([1, 3, 2], tf.int64))
    got = _run([joined, lengths])
    expected = np.zeros((6, 2))
    expected[1:4] = 1.0
    np.testing.assert_array_equal(got[0], expected)
    np.testing.assert_array_equal(got[1], [1, 3, 2])
    assert got[1].dtype == np.int64


def test_gather_of_a_placeholder_fed_list_and_fetching_a_list_value():
    x = tf.placeholder(tf.float32, [None, 2])
    lst = list_ops.from_tensor(x)
    picked = list_ops.gather(lst, tf.constant([2, 0, 2]), tf.float32, [2])
    feed = np.arange(6, dtype=np.float32).reshape(3, 2)
    got_list, got = _run([lst, picked], {x: feed})
    value = as_list(got_list)
    assert isinstance(value, TensorListValue) and len(value.items) == 3
    if ON_DEVICE:  # the container is a host object, its elements device arrays
        from graphflow.cuda.device import is_device

        assert all(is_device(item) for item in value.items)
    else:
        assert all(isinstance(item, np.ndarray) for item in value.items)
    np.testing.assert_array_equal(got, feed[[2, 0, 2]])


def test_list_values_are_immutable_across_writes():
    base = list_ops.from_tensor(tf.constant([[1.0], [2.0]]))
    changed = list_ops.set_item(base, 0, tf.constant([9.0]), write_mode="overwrite")
    got = _run([list_ops.stack(base, tf.float32, [1]), list_ops.stack(changed, tf.float32, [1])])
    np.testing.assert_array_equal(got[0], [[1.0], [2.0]])
    np.testing.assert_array_equal(got[1], [[9.0], [2.0]])


def test_reads_pinned_to_the_host_take_a_list_built_on_the_device():
    x = tf.placeholder(tf.float32, [3, 2])
    lst = list_ops.from_tensor(x * 2.0)
    with tf.device("/cpu:0"):  # on the CUDA backend these run on the host, elements on the device
        stacked = list_ops.stack(lst, tf.float32, [2])
        summed = list_ops.stack(tf.add_n([lst, lst]), tf.float32, [2])
    with tf.Session() as sess:
        got = sess.run([stacked, summed], {x: np.ones((3, 2), np.float32)})
    np.testing.assert_array_equal(got[0], np.full((3, 2), 2.0, np.float32))
    np.testing.assert_array_equal(got[1], np.full((3, 2), 4.0, np.float32))
