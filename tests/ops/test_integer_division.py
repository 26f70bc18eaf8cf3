"""Integer division as TF1: `//`, `%`, `tf.div`, `truncatediv` and `truncatemod` give TF1's
values, and a zero integer divisor is TF1's InvalidArgumentError "Integer division by zero" on
every host path (numpy kernel, constant operands, the reference backend, inside a chain the
CPU backend fuses), never a silent 0. Float division by zero stays IEEE (inf / NaN).
Expected values were recorded from TensorFlow 2.21 (tf.compat.v1)."""

from __future__ import annotations

import numpy as np
import pytest

import graphflow as tf

X = [7, -7, 7, -7, 0, 5, -127]
Y = [2, 2, -2, -2, 3, 7, 3]
#: recorded from TF for int8, int32 and int64 (truncatemod: int32 and int64, as TF registers it)
SIGNED = {"floordiv": [3, -4, -4, 3, 0, 0, -43], "floormod": [1, 1, -1, -1, 0, 5, 2],
          "truncatediv": [3, -3, -3, 3, 0, 0, -42], "truncatemod": [1, -1, 1, -1, 0, 5, -1]}
#: recorded from TF for uint8, with |X| and |Y|
UNSIGNED = {"floordiv": [3, 3, 3, 3, 0, 0, 42], "floormod": [1, 1, 1, 1, 0, 5, 1],
            "truncatediv": [3, 3, 3, 3, 0, 0, 42]}

FUNCTIONS = {"floordiv": tf.floordiv, "floormod": tf.floormod, "truncatediv": tf.truncatediv,
             "truncatemod": tf.truncatemod, "div": tf.div, "//": lambda a, b: a // b,
             "%": lambda a, b: a % b}


@pytest.mark.parametrize("dtype", [np.int8, np.int16, np.int32, np.int64])
def test_signed_values_match_tensorflow(graph, dtype):
    x, y = tf.constant(np.array(X, dtype)), tf.placeholder(dtype, [7])
    fetches = {name: FUNCTIONS[name](x, y) for name in SIGNED}
    fetches.update({"div": tf.div(x, y), "//": x // y, "%": x % y})
    with tf.Session() as sess:
        got = sess.run(fetches, {y: np.array(Y, dtype)})
    for name, expected in SIGNED.items():
        np.testing.assert_array_equal(got[name], np.array(expected, dtype), err_msg=name)
        assert got[name].dtype == dtype
    np.testing.assert_array_equal(got["div"], SIGNED["floordiv"])
    np.testing.assert_array_equal(got["//"], SIGNED["floordiv"])
    np.testing.assert_array_equal(got["%"], SIGNED["floormod"])


def test_unsigned_values_match_tensorflow(graph):
    x, y = tf.placeholder(tf.uint8, [7]), tf.placeholder(tf.uint8, [7])
    fetches = {name: FUNCTIONS[name](x, y) for name in UNSIGNED}
    with tf.Session() as sess:
        got = sess.run(fetches, {x: np.abs(X).astype(np.uint8), y: np.abs(Y).astype(np.uint8)})
    for name, expected in UNSIGNED.items():
        np.testing.assert_array_equal(got[name], np.array(expected, np.uint8), err_msg=name)


@pytest.mark.parametrize("backend", ["cpu", "reference"])
@pytest.mark.parametrize("dtype", [np.int8, np.uint8, np.int16, np.int32, np.int64])
@pytest.mark.parametrize("name", sorted(FUNCTIONS))
def test_a_zero_divisor_is_an_invalid_argument_naming_the_op(graph, monkeypatch, backend,
                                                              dtype, name):
    monkeypatch.setenv("GF_BACKEND", backend)
    x, y = tf.placeholder(dtype, [3], name="x"), tf.placeholder(dtype, [3], name="y")
    result = FUNCTIONS[name](x, y)
    with tf.Session() as sess:
        with pytest.raises(tf.errors.InvalidArgumentError, match="Integer division by zero") as e:
            sess.run(result, {x: np.array([7, 6, 3], dtype), y: np.array([2, 0, 1], dtype)})
        assert e.value.op is not None and e.value.op.type in ("FloorDiv", "FloorMod")
        # the session stays usable
        np.testing.assert_array_equal(
            sess.run(x // y, {x: np.array([7, 6, 3], dtype), y: np.array([2, 4, 1], dtype)}),
            np.array([3, 1, 3], dtype))


@pytest.mark.parametrize("divisor", [0, [0, 1]])
def test_constant_operands_raise_when_run_not_when_built(graph, divisor):
    quotient = tf.constant([7, 8]) // tf.constant(divisor)
    remainder = tf.constant(7) % tf.constant(0)
    assert quotient.op.type == "FloorDiv"  # built: neither inference nor folding computes it
    with tf.Session() as sess:
        for fetch in (quotient, remainder):
            with pytest.raises(tf.errors.InvalidArgumentError, match="Integer division by zero"):
                sess.run(fetch)


def test_a_division_inside_a_fused_chain_raises(graph):
    """A chain the CPU backend fuses (over 1024 elements) around an integer division: the
    division stays out of the generated loop and raises; the chain's values are right."""
    x, y = tf.placeholder(tf.int32, [64, 32]), tf.placeholder(tf.int32, [64, 32])
    z = ((x * 3 + 1) // (y - 1) + x) % (y + 2) - 1
    xv = np.arange(64 * 32, dtype=np.int32).reshape(64, 32) - 1000
    yv = np.full((64, 32), 5, np.int32)
    with tf.Session() as sess:
        got = sess.run(z, {x: xv, y: yv})
        (plan,) = sess._plans.values()
        yv[3, 7] = 1  # y - 1 == 0 in one element
        with pytest.raises(tf.errors.InvalidArgumentError, match="Integer division by zero"):
            sess.run(z, {x: xv, y: yv})
    assert "_FusedElementwise" in {n.type for n in plan.order}
    fused_rows = {step[0] for n in plan.order if n.type == "_FusedElementwise"
                  for step in n.attrs["program"].steps}
    assert not fused_rows & {"FloorDiv", "FloorMod"}
    expected = ((xv.astype(np.int64) * 3 + 1) // 4 + xv) % 7 - 1
    np.testing.assert_array_equal(got, expected)


def test_float_division_by_zero_is_ieee(graph):
    """TF: 7.0 // 0 = inf, -7.0 // 0 = -inf, 0.0 // 0 = NaN, anything % 0.0 = NaN."""
    f, zero = tf.constant(np.array([7.0, -7.0, 0.0, 2.5], np.float32)), tf.constant(0.0)
    with tf.Session() as sess:
        got = sess.run({"floordiv": tf.floordiv(f, zero), "div": tf.div(f, zero),
                        "floormod": tf.floormod(f, zero), "truncatemod": tf.truncatemod(f, zero)})
    expected = np.array([np.inf, -np.inf, np.nan, np.inf], np.float32)
    np.testing.assert_array_equal(got["floordiv"], expected)
    np.testing.assert_array_equal(got["div"], expected)
    assert np.isnan(got["floormod"]).all() and np.isnan(got["truncatemod"]).all()
