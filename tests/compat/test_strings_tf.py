"""dtype conversion rules and string tensors, live against TensorFlow (tf.compat.v1): the same
programs give the same dtypes, the same fetched values and types (bytes, object arrays) and the
same error classes. Skipped where TensorFlow is not installed."""

from __future__ import annotations

import numpy as np
import pytest

import graphflow as gf

tf1 = pytest.importorskip("tensorflow").compat.v1
tf1.disable_v2_behavior()

IMPLS = {"tensorflow": tf1, "graphflow": gf}


def on_both(program):
    """`program(tf)` in a fresh graph of each implementation: (TensorFlow's, graphflow's)."""
    results = {}
    for name, tf in IMPLS.items():
        with tf.Graph().as_default():
            results[name] = program(tf)
    return results["tensorflow"], results["graphflow"]


def run_both(build, feeds=None):
    """Builds `build(tf)` -> fetches and runs it in each implementation."""
    def program(tf):
        fetches = build(tf)
        with tf.Session() as sess:
            return sess.run(fetches, feeds(tf) if feeds else None)

    return on_both(program)


def assert_same(expected, got):
    if isinstance(expected, dict):
        assert expected.keys() == got.keys()
        for k in expected:
            assert_same(expected[k], got[k])
        return
    if isinstance(expected, list):
        assert len(expected) == len(got)
        for e, g in zip(expected, got):
            assert_same(e, g)
        return
    assert type(got) is type(expected), (type(got), type(expected))
    if isinstance(expected, np.ndarray):
        assert got.dtype == expected.dtype and got.shape == expected.shape
        if expected.dtype.kind == "O":
            assert all(type(v) is bytes for v in got.reshape(-1))
        np.testing.assert_array_equal(got, expected)
    elif isinstance(expected, float) and np.isnan(expected):
        assert np.isnan(got)
    else:
        assert got == expected


AS_DTYPE = ["float", "double", "half", "float32", "int32", "int64", "uint8", "bool", "string",
            "int", "str", "f4", np.float32, np.float64, np.int64, np.bool_, np.str_, np.bytes_,
            np.object_, np.dtype("U3"), np.dtype("S2"), float, bool, object, int, 1, 3, 7, 10]


@pytest.mark.parametrize("value", AS_DTYPE, ids=repr)
def test_as_dtype(value):
    def program(tf):
        try:
            return tf.as_dtype(value).name
        except TypeError:
            return TypeError

    expected, got = on_both(program)
    assert got == expected


CONSTANTS = [1.764052345967664, np.float64(2.0), 3, 2**31, True, "hi", b"hi", [1, 2], [1.0, 2],
             np.float32(1), np.int64(3), np.array([1, 2]), np.array([1.5]), ["a", "bc"],
             [b"a", "bc"], np.array(["a", "b"]), np.array([b"a"]), [True, False], [1, 2**40],
             [], [[], []]]


@pytest.mark.parametrize("value", CONSTANTS, ids=repr)
def test_constant_dtypes_shapes_and_fetched_values(value):
    def program(tf):
        c = tf.constant(value)
        with tf.Session() as sess:
            return c.dtype.name, c.shape.as_list(), sess.run(c)

    (e_dtype, e_shape, e_value), (g_dtype, g_shape, g_value) = on_both(program)
    assert (g_dtype, g_shape) == (e_dtype, e_shape)
    assert_same(e_value, g_value)


@pytest.mark.parametrize(("value", "dtype"), [
    (1.5, "int32"), ("a", "float32"), (1, "string"), (1, "bool"), (None, "float32"),
    ([1, "a"], None), (1, "float"), (True, "int32"), (np.array([1.7, -1.7]), "int32"),
    (np.array([0, 2]), "bool"), (1.5, "double"),
])
def test_constant_with_dtype_values_and_error_classes(value, dtype):
    def program(tf):
        try:
            c = tf.constant(value, dtype=dtype)
        except (TypeError, ValueError) as e:
            return type(e)
        with tf.Session() as sess:
            return c.dtype.name, sess.run(c)

    expected, got = on_both(program)
    if isinstance(expected, type):
        assert got is expected
    else:
        assert got[0] == expected[0]
        assert_same(expected[1], got[1])


def test_python_scalars_next_to_tensors():
    def program(tf):
        x64 = tf.constant(np.float64(1.0))
        f = tf.placeholder("float")
        return [(x64 * 2).dtype.name, (2 * f).dtype.name, (f * tf.Variable(1.5)).dtype.name,
                (tf.constant(1.0) * np.float64(2.0)).dtype.name,
                tf.Variable(np.random.RandomState(0).randn()).dtype.base_dtype.name,
                tf.cast(tf.constant(1), "float").dtype.name]

    expected, got = on_both(program)
    assert got == expected


def test_string_feeds_and_fetches():
    def build(tf):
        p = tf.placeholder(tf.string, [None], name="p")
        s = tf.placeholder("string", name="s")
        # (not p itself: TF returns a fed tensor's feed unconverted, str elements included)
        return {"joined": tf.string_join([p, s], separator="|"),
                "eq": tf.equal(p, s), "id": tf.identity(p), "gather": tf.gather(p, [1, 0]),
                "concat": tf.concat([p, tf.reshape(s, [1])], 0), "stack": tf.stack([p, p])}

    expected, got = run_both(build, lambda tf: {"p:0": ["a", b"\xff", "\xe9"], "s:0": "a"})
    assert_same(expected, got)


def test_string_ops():
    words = ["hello", "World", "  padded\t", "", "h\xe9llo w\xf6rld", "a-b_c", "John Smith"]

    def build(tf):
        x = tf.constant(words)
        m = tf.reshape(tf.constant(words[:6]), [2, 3])
        return {
            "length": tf.strings.length(x), "chars": tf.strings.length(x, unit="UTF8_CHAR"),
            "lower": tf.strings.lower(x), "upper": tf.strings.upper(x),
            "lower8": tf.strings.lower(x, encoding="utf-8"), "strip": tf.strings.strip(x),
            "substr": tf.strings.substr(x, 0, 3), "substr8": tf.strings.substr(
                x, 0, 2, unit="UTF8_CHAR"),
            "replace": tf.strings.regex_replace(x, r"(\w+) (\w+)", r"\2 \1"),
            "replace1": tf.strings.regex_replace(x, "l", "L", replace_global=False),
            "match": tf.strings.regex_full_match(x, "[a-z]+"),
            "join": tf.strings.join([x, "!"], separator=" "),
            "rjoin": tf.reduce_join(m, 1, separator="/"), "rjoin01": tf.reduce_join(m, [0, 1]),
            "rjoin_all": tf.reduce_join(m, keep_dims=True),
        }

    expected, got = run_both(build)
    assert_same(expected, got)


@pytest.mark.parametrize("kwargs", [{}, {"precision": 3}, {"scientific": True},
                                    {"shortest": True}, {"width": 12, "fill": "0"},
                                    {"width": 10, "fill": "-"}, {"fill": "+", "precision": 1},
                                    {"fill": "#", "shortest": True}])
def test_as_string(kwargs):
    values = np.array([1.5, -0.25, 1e10, 3.14159265, np.inf, np.nan, 0.0, 1e-7, 123456.789])

    def build(tf):
        return [tf.as_string(tf.constant(values, tf.float32), **kwargs),
                tf.as_string(tf.constant(values, tf.float64), **kwargs)]

    expected, got = run_both(build)
    assert_same(expected, got)


@pytest.mark.parametrize("summarize", [3, 1, -1])
def test_strings_format(summarize):
    rng = np.random.default_rng(0)
    values = [rng.normal(size=(4, 9)).astype(np.float32), rng.normal(size=(7,)),
              np.arange(24).reshape(2, 3, 4), np.array([True, False]), np.int64(-5),
              np.array(["a", "\xe9", "x\ty"])]

    def build(tf):
        return tf.strings.format("; ".join(["{}"] * len(values)),
                                 [tf.constant(v) for v in values], summarize=summarize)

    expected, got = run_both(build)
    assert got == expected


def test_to_number():
    def build(tf):
        floats = tf.constant(["1.5", " 2", "-3e2", "inf", "0x10", "+4", "1e400", "0.1"])
        ints = tf.constant(["12", "-7", " 3 ", "+4"])
        return [tf.strings.to_number(floats), tf.strings.to_number(floats, tf.float64),
                tf.strings.to_number(ints, tf.int32), tf.strings.to_number(ints, tf.int64)]

    expected, got = run_both(build)
    assert_same(expected, got)


@pytest.mark.parametrize(("make", "feed"), [
    (lambda tf, p: tf.strings.to_number(p), "abc"),
    (lambda tf, p: tf.strings.to_number(p, tf.int32), "1.5"),
    (lambda tf, p: tf.strings.substr(p, 5, 1), "ab"),
    (lambda tf, p: tf.strings.regex_replace(p, "(", "x"), "a"),
    (lambda tf, p: tf.as_string(tf.constant(1), precision=2), "a"),
])
def test_run_time_errors_are_invalid_argument(make, feed):
    def program(tf):
        p = tf.placeholder(tf.string, name="p")
        out = make(tf, p)
        with tf.Session() as sess:
            try:
                sess.run(out, {p: feed})
            except tf.errors.OpError as e:
                return type(e).__name__
        return None

    expected, got = on_both(program)
    assert expected == got == "InvalidArgumentError"


def test_string_variables_save_and_restore(tmp_path):
    def program(tf):
        v = tf.Variable(["a", "h\xe9", ""], name="v")
        saver = tf.train.Saver()
        (tmp_path / tf.__name__).mkdir()
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            path = saver.save(sess, str(tmp_path / tf.__name__ / "m"))
            sess.run(tf.assign(v, ["x", "y", "z"]))
            saver.restore(sess, path)
            return sess.run(v), tf.train.list_variables(path)

    (e_value, e_list), (g_value, g_list) = on_both(program)
    assert_same(e_value, g_value)
    assert g_list == e_list


def test_string_op_types_and_names():
    def program(tf):
        x = tf.placeholder(tf.string, [None], name="x")
        outs = [tf.as_string(tf.constant([1.5])), tf.string_join([x, x]), tf.reduce_join(x),
                tf.strings.length(x), tf.strings.lower(x), tf.strings.upper(x),
                tf.strings.strip(x), tf.strings.substr(x, 0, 1), tf.strings.to_number(x),
                tf.strings.regex_replace(x, "a", "b"), tf.strings.regex_full_match(x, "a"),
                tf.strings.regex_replace(x, tf.constant("a"), "b"),
                tf.strings.regex_full_match(x, tf.constant("a")),
                tf.strings.format("{}", [x]), tf.string_join([x], name="named")]
        return [(t.op.type, t.name, t.dtype.name) for t in outs]

    expected, got = on_both(program)
    assert got == expected
