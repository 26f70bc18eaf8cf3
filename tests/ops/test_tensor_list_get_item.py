"""TensorListGetItem's CPU kernel: a written slot read for the first time (or read without
clear_after_read) comes back at once; unwritten slots, bad indices and second reads of a cleared
slot take the general path, with TF1's values and errors."""

from __future__ import annotations

import numpy as np
import pytest

import graphflow as tf
from graphflow.api import list_ops


@pytest.fixture(autouse=True)
def _fresh_graph():
    with tf.Graph().as_default():
        yield


def _list_with_slot_1_written():
    lst = list_ops.reserve([2], 3, tf.float64)
    return list_ops.set_item(lst, 1, tf.constant([4.0, 5.0], tf.float64))


def test_written_and_unwritten_slots_at_a_fed_index():
    index = tf.placeholder(tf.int32, [])
    item = list_ops.get_item(_list_with_slot_1_written(), index, tf.float64, [2])
    with tf.Session() as s:
        np.testing.assert_array_equal(s.run(item, {index: 1}), [4.0, 5.0])
        np.testing.assert_array_equal(s.run(item, {index: 0}), [0.0, 0.0])  # unwritten: zeros
        np.testing.assert_array_equal(s.run(item, {index: 2}), [0.0, 0.0])
        for bad in (3, -1):
            with pytest.raises(tf.errors.InvalidArgumentError, match="TensorListGetItem"):
                s.run(item, {index: bad})
        np.testing.assert_array_equal(s.run(item, {index: 1}), [4.0, 5.0])  # still usable


def test_clear_after_read_still_refuses_a_second_read():
    lst = _list_with_slot_1_written()
    first = list_ops.get_item(lst, 1, tf.float64, [2], clear_after_read=True)
    with tf.control_dependencies([first]):
        second = list_ops.get_item(lst, 1, tf.float64, [2], clear_after_read=True)
    with tf.Session() as s:
        np.testing.assert_array_equal(s.run(first), [4.0, 5.0])
        with pytest.raises(tf.errors.InvalidArgumentError, match="Could not read index 1 twice"):
            s.run(second)


def test_clear_after_read_each_written_slot_once_per_list_value():
    lst = list_ops.reserve([2], 3, tf.float64)
    for k in range(3):
        lst = list_ops.set_item(lst, k, tf.constant([k, 10.0 * k], tf.float64))
    index = tf.placeholder(tf.int32, [])
    reads = [list_ops.get_item(lst, k, tf.float64, [2], clear_after_read=True) for k in range(3)]
    fed = list_ops.get_item(lst, index, tf.float64, [2], clear_after_read=True)
    with tf.Session() as s:
        for _ in range(2):  # every run holds a fresh list value: its slots readable again
            np.testing.assert_array_equal(s.run(reads), [[0.0, 0.0], [1.0, 10.0], [2.0, 20.0]])
        np.testing.assert_array_equal(s.run(fed, {index: 2}), [2.0, 20.0])
        with pytest.raises(tf.errors.InvalidArgumentError, match="TensorListGetItem"):
            s.run(fed, {index: 3})


def test_clear_after_read_unwritten_slot_reads_zeros_then_refuses():
    lst = _list_with_slot_1_written()
    first = list_ops.get_item(lst, 0, tf.float64, [2], clear_after_read=True)
    with tf.control_dependencies([first]):
        second = list_ops.get_item(lst, 0, tf.float64, [2], clear_after_read=True)
    with tf.Session() as s:
        np.testing.assert_array_equal(s.run(first), [0.0, 0.0])
        with pytest.raises(tf.errors.InvalidArgumentError, match="Could not read index 0 twice"):
            s.run(second)
