"""tf.nest: flat order, rebuilding and structure checks as TF1 (answers recorded from TF 2.21's tf.nest)."""

import collections
from collections import OrderedDict

import pytest

import graphflow as tf

State = collections.namedtuple("State", ["c", "h"])


def test_flatten_walks_dicts_in_sorted_key_order():
    structure = {"b": 1, "a": [2, (3, 4)], "c": State(5, 6)}
    assert tf.nest.flatten(structure) == [2, 3, 4, 1, 5, 6]
    assert tf.nest.flatten(7) == [7]
    assert tf.nest.flatten(None) == [None]
    assert tf.nest.flatten("text") == ["text"]


def test_pack_sequence_as_rebuilds_types_and_key_order():
    structure = OrderedDict([("z", 0), ("a", (0, State(0, 0)))])
    packed = tf.nest.pack_sequence_as(structure, [1, 2, 3, 4])
    assert type(packed) is OrderedDict and list(packed) == ["z", "a"]
    assert packed["a"] == (1, State(2, 3)) and packed["z"] == 4
    assert type(packed["a"][1]) is State
    assert tf.nest.pack_sequence_as(5, [9]) == 9


def test_pack_sequence_as_checks_the_count():
    with pytest.raises(ValueError, match="Structure had 2 elements, but flat_sequence had 3"):
        tf.nest.pack_sequence_as((0, 0), [1, 2, 3])
    with pytest.raises(TypeError):
        tf.nest.pack_sequence_as((0, 0), 5)


def test_assert_same_structure():
    tf.nest.assert_same_structure((1, [2, 3]), ("a", ["b", "c"]))
    with pytest.raises(ValueError, match="same nested structure"):
        tf.nest.assert_same_structure((1, 2), (1, [2, 3]))
    with pytest.raises(ValueError, match="same number of elements"):
        tf.nest.assert_same_structure((1, 2), (1, 2, 3))
    with pytest.raises(TypeError, match="same sequence type"):
        tf.nest.assert_same_structure((1, 2), [1, 2])
    tf.nest.assert_same_structure((1, 2), [1, 2], check_types=False)
    with pytest.raises(ValueError, match="same set of keys"):
        tf.nest.assert_same_structure({"a": 1}, {"b": 1})


def test_map_structure():
    out = tf.nest.map_structure(lambda x, y: x + y, State(1, [2]), State(10, [20]))
    assert out == State(11, [22])
    assert tf.nest.is_nested([1]) and not tf.nest.is_nested(1)
