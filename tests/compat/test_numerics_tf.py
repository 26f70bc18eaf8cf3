"""Numerics edge cases side by side with TensorFlow (tf.compat.v1): integer division by zero,
gradients through masked branches, reductions of nothing, and the graphs of tf.zeros / tf.ones
/ tf.fill. Skipped where TensorFlow is not installed (never a dependency of graphflow)."""

from __future__ import annotations

import numpy as np
import pytest

import graphflow as gf

tf1 = pytest.importorskip("tensorflow").compat.v1
tf1.disable_v2_behavior()


def _run_both(program):
    """`program(tf)` -> (fetches, feeds by placeholder) built and run on each implementation;
    returns {name: values or the raised exception}."""
    results = {}
    for name, tf in (("tensorflow", tf1), ("graphflow", gf)):
        with tf.Graph().as_default():
            fetches, feeds = program(tf)
            with tf.Session() as sess:
                try:
                    results[name] = sess.run(fetches, feeds)
                except tf.errors.OpError as e:
                    results[name] = e
    return results["tensorflow"], results["graphflow"]


@pytest.mark.parametrize("dtype", ["int8", "uint8", "int16", "int32", "int64"])
@pytest.mark.parametrize("name", ["floordiv", "floormod", "div", "//", "%"])
def test_integer_division_by_zero_is_an_invalid_argument(dtype, name):
    def program(tf):
        x, y = tf.placeholder(dtype, [3]), tf.placeholder(dtype, [3])
        fn = {"floordiv": tf.floordiv, "floormod": tf.floormod, "div": tf.div,
              "//": lambda a, b: a // b, "%": lambda a, b: a % b}[name]
        return fn(x, y), {x: np.array([7, 6, 3], dtype), y: np.array([2, 0, 1], dtype)}

    expected, got = _run_both(program)
    assert isinstance(expected, tf1.errors.InvalidArgumentError)
    assert isinstance(got, gf.errors.InvalidArgumentError)
    assert "Integer division by zero" in expected.message and "Integer division by zero" in str(got)


@pytest.mark.parametrize("dtype", ["int8", "int16", "int32", "int64", "uint8"])
def test_integer_division_values(dtype):
    rng = np.random.default_rng(16)
    info = np.iinfo(dtype)
    xv = rng.integers(max(info.min, -1000), min(info.max, 1000), 64).astype(dtype)
    yv = rng.integers(1, min(info.max, 50), 64).astype(dtype)
    if info.min < 0:
        yv = (yv * rng.choice([-1, 1], 64)).astype(dtype)

    def program(tf):
        x, y = tf.placeholder(dtype, [64]), tf.placeholder(dtype, [64])
        fetches = {"floordiv": tf.floordiv(x, y), "floormod": tf.floormod(x, y),
                   "truncatediv": tf.truncatediv(x, y)}
        if dtype in ("int32", "int64"):
            fetches["truncatemod"] = tf.truncatemod(x, y)
        return fetches, {x: xv, y: yv}

    expected, got = _run_both(program)
    assert expected.keys() == got.keys()
    for key in expected:
        np.testing.assert_array_equal(got[key], expected[key], err_msg=key)
        assert got[key].dtype == expected[key].dtype


MASKED = ["sqrt", "sqrt_python_zero", "rsqrt", "reciprocal", "log", "pow", "sqrt_relu",
          "square_root_of_sqrt", "divide"]


def _masked(tf, x, name):
    zeros = tf.zeros_like(x)
    return {
        "sqrt": lambda: tf.where(x > 0, tf.sqrt(x), zeros),
        "sqrt_python_zero": lambda: (tf.where_v2 if hasattr(tf, "where_v2") else tf.where)(
            x > 0, tf.sqrt(x), 0),
        "rsqrt": lambda: tf.where(x > 0, tf.rsqrt(x), zeros),
        "reciprocal": lambda: tf.where(x > 0, tf.reciprocal(x), zeros),
        "log": lambda: tf.where(x > 0, tf.log(x), zeros),
        "pow": lambda: tf.where(x > 0, tf.pow(x, 0.5), zeros),
        "sqrt_relu": lambda: tf.sqrt(tf.nn.relu(x)),
        "square_root_of_sqrt": lambda: tf.where(x > 0, tf.sqrt(tf.sqrt(x)), zeros),
        "divide": lambda: tf.where(x > 0, 1.0 / x, zeros),
    }[name]()


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("name", MASKED)
def test_gradients_through_masked_branches(dtype, name):
    xv = np.array([-1.0, 0.0, 4.0, 0.25, -0.0, 1e-30, -np.inf, np.inf], dtype)
    if name == "pow":  # TF's Pow kernel gives pow(-inf, -0.5) = NaN where C and numpy give 0
        xv[6] = -2.0

    def program(tf):
        x = tf.placeholder(dtype, [8])
        y = _masked(tf, x, name)
        (grad,) = tf.gradients(tf.reduce_sum(y), x)
        return [y, grad], {x: xv}

    expected, got = _run_both(program)
    for e, g in zip(expected, got):
        np.testing.assert_allclose(g, e, rtol=1e-6, err_msg=name)


@pytest.mark.parametrize("dtype", ["float16", "float32", "float64", "int8", "uint8", "int32",
                                   "int64"])
def test_reductions_of_nothing(dtype):
    cases = [((0,), None), ((3, 0), 1), ((3, 0), 0), ((0, 2), 0), ((0, 2), [0, 1]),
             ((2, 3), []), ((0,), [])]

    def program(tf):
        fetches, feeds = [], {}
        for shape, axis in cases:
            x = tf.placeholder(dtype, shape)
            feeds[x] = np.arange(int(np.prod(shape))).reshape(shape).astype(dtype)
            fetches += [reduce(x, axis=axis, keepdims=keep)
                        for reduce in (tf.reduce_max, tf.reduce_min, tf.reduce_prod,
                                       tf.reduce_sum, tf.reduce_mean) for keep in (False, True)]
        return fetches, feeds

    expected, got = _run_both(program)
    for k, (e, g) in enumerate(zip(expected, got)):
        assert g.shape == e.shape and g.dtype == e.dtype, k
        np.testing.assert_array_equal(g, e, err_msg=str(k))


def test_fill_graphs():
    def program(tf):
        tf.zeros([10, 10])
        tf.zeros([100, 100])
        tf.ones([50, 50], tf.int32)
        tf.fill([3, 4], 2.0)
        tf.zeros([999])
        tf.zeros([1000], tf.bool)
        tf.zeros((1200,), tf.string)
        v = tf.Variable(tf.zeros([2048, 2048]), name="v")
        tf.get_variable("w", [2048, 2048], initializer=tf.zeros_initializer())
        tf.get_variable("b", [3], tf.int32, initializer=tf.ones_initializer())
        graph = tf.get_default_graph()
        ops = [(op.name, op.type, [t.name for t in op.inputs]) for op in graph.get_operations()
               if not op.name.startswith("v")]
        return ops, v.shape.as_list()

    results = {}
    for name, tf in (("tensorflow", tf1), ("graphflow", gf)):
        with tf.Graph().as_default():
            results[name] = program(tf)
    assert results["graphflow"] == results["tensorflow"]
