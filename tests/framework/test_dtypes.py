"""TF1's dtype conversion rules: `tf.as_dtype`, DType properties, the dtypes of converted Python
and numpy values, `tf.constant(value, dtype)` and its errors, and Python scalars next to tensors.

Every expected value was recorded from TensorFlow (2.21, `tf.compat.v1` in graph mode); the
comment `# TF:` gives what TensorFlow returned where a test states it differently.
"""

from __future__ import annotations

import pickle

import numpy as np
import pytest

import graphflow as tf


@pytest.fixture(autouse=True)
def _fresh_graph():
    tf.reset_default_graph()


# ---- tf.as_dtype -------------------------------------------------------------------------------

@pytest.mark.parametrize(("value", "expected"), [
    ("float", tf.float32), ("double", tf.float64), ("half", tf.float16),  # TF's aliases
    ("float32", tf.float32), ("float16", tf.float16), ("int32", tf.int32), ("int64", tf.int64),
    ("uint8", tf.uint8), ("bool", tf.bool), ("string", tf.string),
    (np.float32, tf.float32), (np.float64, tf.float64), (np.int64, tf.int64),
    (np.bool_, tf.bool), (np.str_, tf.string), (np.bytes_, tf.string), (np.object_, tf.string),
    (np.dtype("float32"), tf.float32), (np.dtype("U3"), tf.string), (np.dtype("S3"), tf.string),
    (np.dtype("O"), tf.string), (np.dtype(">f4"), tf.float32),
    (float, tf.float32), (bool, tf.bool), (object, tf.string),  # the Python types TF accepts
    (1, tf.float32), (7, tf.string), (3, tf.int32), (19, tf.float16),  # DataType enums
    (tf.int8, tf.int8),
])
def test_as_dtype_follows_tf(value, expected):
    assert tf.as_dtype(value) is expected


@pytest.mark.parametrize("value", ["int", "str", "bytes", "object", "f4", "f8", "i4", "<f4",
                                   int, str, bytes, complex, None, "float32_x", 99])
def test_as_dtype_rejects_what_tf_rejects(value):
    # TF: TypeError: Cannot convert the argument `type_value`: 'int' to a TensorFlow DType.
    with pytest.raises(TypeError, match="Cannot convert value .* to a TensorFlow DType"):
        tf.as_dtype(value)


@pytest.mark.parametrize("value", ["complex64", "complex128", "bfloat16", "qint8", 8,
                                   np.complex64, np.dtype("complex128")])
def test_as_dtype_names_tf_types_graphflow_lacks(value):
    with pytest.raises(TypeError, match="graphflow does not support (complex64|complex128|"
                                        "bfloat16|qint8) tensors"):
        tf.as_dtype(value)


# ---- DType properties --------------------------------------------------------------------------

#: (dtype, as_datatype_enum, size, is_floating, is_integer, is_unsigned, is_bool, is_numeric,
#:  limits) as TF reports them.
PROPERTIES = [
    (tf.float32, 1, 4, True, False, False, False, True, (0, 1)),
    (tf.float64, 2, 8, True, False, False, False, True, (0, 1)),
    (tf.int32, 3, 4, False, True, False, False, True, (0, 2147483647)),
    (tf.uint8, 4, 1, False, True, True, False, True, (0, 255)),
    (tf.int16, 5, 2, False, True, False, False, True, (0, 32767)),
    (tf.int8, 6, 1, False, True, False, False, True, (0, 127)),
    (tf.int64, 9, 8, False, True, False, False, True, (0, 9223372036854775807)),
    (tf.bool, 10, 1, False, False, False, True, False, (0, True)),
    (tf.uint16, 17, 2, False, True, True, False, True, (0, 65535)),
    (tf.uint32, 22, 4, False, True, True, False, True, (0, 4294967295)),
    (tf.uint64, 23, 8, False, True, True, False, True, (0, 18446744073709551615)),
]


@pytest.mark.parametrize("row", PROPERTIES, ids=lambda r: r[0].name)
def test_dtype_properties(row):
    dtype, enum, size, floating, integer, unsigned, boolean, numeric, limits = row
    assert dtype.as_datatype_enum == enum
    assert dtype.size == size
    assert (dtype.is_floating, dtype.is_integer, dtype.is_unsigned, dtype.is_bool,
            dtype.is_numeric) == (floating, integer, unsigned, boolean, numeric)
    assert dtype.is_complex is False and dtype.is_quantized is False
    assert dtype.real_dtype is dtype and dtype.base_dtype is dtype
    assert dtype.limits == limits
    assert tf.as_dtype(dtype.as_datatype_enum) is dtype
    assert tf.as_dtype(dtype.name) is dtype


def test_min_max_are_numpy_scalars_of_the_type():
    assert tf.float32.max == np.float32(3.4028235e38) and type(tf.float32.max) is np.float32
    assert tf.float16.min == np.float16(-65504.0)  # TF: np.float16(-6.55e+04)
    assert tf.int32.min == -2147483648 and tf.int32.max == 2147483647
    assert tf.uint8.min == 0 and tf.uint8.max == 255
    # TF: TypeError: Cannot find minimum value of <dtype: 'bool'> ...
    for dtype in (tf.bool, tf.string):
        with pytest.raises(TypeError, match="Cannot find minimum value"):
            _ = dtype.min
        with pytest.raises(TypeError, match="Cannot find maximum value"):
            _ = dtype.max


def test_string_dtype_properties():
    # TF: string.as_numpy_dtype is <class 'object'>, size 0, enum 7, limits raise ValueError
    assert tf.string.as_numpy_dtype is object
    assert tf.string.size == 0 and tf.string.as_datatype_enum == 7
    assert not (tf.string.is_numeric or tf.string.is_floating or tf.string.is_integer)
    for dtype in (tf.string, tf.float16):
        with pytest.raises(ValueError, match="does not have defined limits"):
            _ = dtype.limits


def test_numpy_types_and_names():
    assert tf.float32.as_numpy_dtype is np.float32 and tf.bool.as_numpy_dtype is np.bool_
    assert tf.float32.name == "float32" and tf.bool.name == "bool" and tf.string.name == "string"
    assert repr(tf.float32) == "tf.float32" and str(tf.float32) == "<dtype: 'float32'>"


def test_equality_converts_the_other_side():
    assert tf.float32 == "float32" and tf.float32 == "float" and tf.float32 == np.float32
    assert tf.string == np.object_ and tf.float64 == "double"
    assert tf.float32 != "foo" and tf.float32 != None  # noqa: E711 - TF1's __ne__ with None
    assert tf.float32 != tf.float64
    assert tf.float32 in ["float"]
    assert hash(tf.float32) == hash(tf.as_dtype("float"))
    assert tf.float32.is_compatible_with("float") and tf.float32.is_compatible_with(np.float32)
    assert not tf.float32.is_compatible_with(tf.float64)


def test_dtypes_pickle_to_the_same_object():
    assert pickle.loads(pickle.dumps(tf.float32)) is tf.float32
    assert pickle.loads(pickle.dumps(tf.string)) is tf.string


# ---- dtypes of converted values ---------------------------------------------------------------

@pytest.mark.parametrize(("value", "dtype", "shape"), [
    (1.764052345967664, tf.float32, []),  # a Python float (np.random.randn() returns one)
    (np.float64(2.0), tf.float64, []),  # a numpy scalar keeps its type
    (3, tf.int32, []), (2**31, tf.int64, []), (-2**31 - 1, tf.int64, []),
    (2**63, tf.uint64, []),
    (True, tf.bool, []), ("hi", tf.string, []), (b"hi", tf.string, []),
    ([1, 2], tf.int32, [2]), ([1.0, 2], tf.float32, [2]), ([[1, 2], [3, 4.0]], tf.float32, [2, 2]),
    (np.float32(1), tf.float32, []), (np.int64(3), tf.int64, []),
    (np.array([1, 2]), tf.int64, [2]), (np.array([1.0, 2.0]), tf.float64, [2]),
    (["a", "bc"], tf.string, [2]), ([b"a", "bc"], tf.string, [2]),
    (np.array(["a", "b"]), tf.string, [2]), (np.array([b"a"]), tf.string, [1]),
    (np.array(["a"], dtype=object), tf.string, [1]),
    ([True, False], tf.bool, [2]), ([1, 2**40], tf.int64, [2]),
    ([], tf.float32, [0]), ([[], []], tf.float32, [2, 0]),
])
def test_constant_infers_tf_dtypes(value, dtype, shape):
    c = tf.constant(value)
    assert c.dtype is dtype
    assert c.shape.as_list() == shape


def test_string_constants_hold_bytes():
    c = tf.constant(["a", b"b", "h\xe9"])
    np.testing.assert_array_equal(c.op.get_attr("value"),
                                  np.array([b"a", b"b", b"h\xc3\xa9"], dtype=object))
    assert tf.constant("x", shape=[2, 2]).op.get_attr("value").tolist() == [[b"x", b"x"]] * 2
    # bytes that are not UTF-8 beside str (numpy alone cannot make an array of them)
    assert tf.constant(["\xe9", b"\xff"]).op.get_attr("value").tolist() == [b"\xc3\xa9", b"\xff"]


@pytest.mark.parametrize(("value", "error", "message"), [
    (None, ValueError, "None values not supported."),
    ([1, "a"], TypeError, r"Failed to convert elements of \[1, 'a'\] to Tensor"),
    ([1, None], TypeError, r"Failed to convert elements of \[1, None\] to Tensor"),
    (1 + 2j, TypeError, "graphflow does not support complex tensors"),
    (np.array([1, 2], dtype=object), TypeError, "Failed to convert elements"),
])
def test_constant_rejects_unconvertible_values(value, error, message):
    with pytest.raises(error, match=message):
        tf.constant(value)


@pytest.mark.parametrize(("value", "dtype", "message"), [
    # TF: TypeError: Expected int32, but got 1.5 of type 'float'. (TF1.15's wording below)
    (1.5, tf.int32, "Expected int32, got 1.5 of type 'float' instead."),
    ([1, 2.5], tf.int32, "Expected int32, got 2.5 of type 'float' instead."),
    ("a", tf.float32, "Expected float32, got 'a' of type 'str' instead."),
    (["a"], tf.int32, "Expected int32, got 'a' of type 'str' instead."),
    (1, tf.string, "Expected string, got 1 of type 'int' instead."),
    (1, tf.bool, "Expected bool, got 1 of type 'int' instead."),
    (np.array([1.5]), tf.string, "Expected string, got an array of float64 instead."),
])
def test_constant_with_dtype_rejects_python_values_of_another_kind(value, dtype, message):
    with pytest.raises(TypeError, match=message.replace("(", r"\(").replace("[", r"\[")):
        tf.constant(value, dtype=dtype)


@pytest.mark.parametrize(("value", "dtype", "expected"), [
    (1, tf.float32, np.float32(1)), (True, tf.int32, np.int32(1)),
    (True, tf.float32, np.float32(1.0)),  # TF: np.float32(1.0)
    (1.5, "double", np.float64(1.5)), (1.5, "float", np.float32(1.5)),
    ([1, 2], np.float32, np.array([1, 2], np.float32)),
    # numpy values are cast like numpy does, as TF: [1.7, -1.7] -> [1, -1]; [0, 2] -> [F, T]
    (np.array([1.7, -1.7]), tf.int32, np.array([1, -1], np.int32)),
    (np.float64(2.5), tf.int32, np.int32(2)),
    (np.array([0, 2]), tf.bool, np.array([False, True])),
    (np.array([1.5]), tf.float32, np.array([1.5], np.float32)),
])
def test_constant_with_dtype_converts_like_tf(value, dtype, expected):
    c = tf.constant(value, dtype=dtype)
    assert c.dtype == tf.as_dtype(dtype)
    with tf.Session() as sess:
        got = sess.run(c)
    assert np.asarray(got).dtype == np.asarray(expected).dtype
    np.testing.assert_array_equal(got, expected)


def test_convert_to_tensor_rules():
    f = tf.constant(1.0)
    # TF: ValueError: Tensor conversion requested dtype float64 for Tensor with dtype float32
    with pytest.raises(ValueError, match="requested dtype float64 for Tensor with dtype float32"):
        tf.convert_to_tensor(f, dtype=tf.float64)
    assert tf.convert_to_tensor(1, preferred_dtype=tf.float32).dtype is tf.float32
    assert tf.convert_to_tensor(1.5, preferred_dtype=tf.int32).dtype is tf.float32
    assert tf.convert_to_tensor("a").dtype is tf.string
    assert tf.convert_to_tensor([1, 2], dtype="float").dtype is tf.float32


# ---- dtype strings in the API and Python scalars next to tensors --------------------------------

def test_dtype_strings_are_tf_names():
    assert tf.placeholder("float").dtype is tf.float32  # numpy would say float64
    assert tf.placeholder("double").dtype is tf.float64
    assert tf.placeholder("string").dtype is tf.string
    assert tf.placeholder(np.float32).dtype is tf.float32
    assert tf.placeholder(float).dtype is tf.float32
    assert tf.cast(tf.constant(1), "float").dtype is tf.float32
    assert tf.zeros([2], dtype="float").dtype is tf.float32


def test_variables_take_tf_dtypes():
    rng = np.random.RandomState(0)
    assert tf.Variable(rng.randn()).dtype.base_dtype is tf.float32  # a Python float
    assert tf.Variable(np.float64(1.0)).dtype.base_dtype is tf.float64
    assert tf.Variable(np.arange(3)).dtype.base_dtype is tf.int64
    assert tf.Variable([1, 2]).dtype.base_dtype is tf.int32
    assert tf.Variable(["a", "b"]).dtype.base_dtype is tf.string


def test_python_scalars_take_the_tensor_dtype():
    x64 = tf.constant(np.float64(1.0))
    assert (x64 * 2).dtype is tf.float64 and (x64 * 2.5).dtype is tf.float64
    assert (x64 * np.float32(2)).dtype is tf.float64
    assert (2 * tf.placeholder("float")).dtype is tf.float32
    assert (2 ** tf.placeholder("float")).dtype is tf.float32
    assert (tf.constant(1.0) * np.float64(2.0)).dtype is tf.float32
    assert (tf.constant(1.0) * np.array([2.0])).dtype is tf.float32
    # TF: Expected int32 passed to parameter 'y' of op 'Mul', got 2.5 of type 'float' instead.
    with pytest.raises(TypeError, match="Expected int32, got 2.5 of type 'float' instead"):
        _ = tf.constant(3) * 2.5
    with pytest.raises(TypeError, match="float32 vs int32"):
        _ = tf.constant(1.0) + tf.constant(1)


def test_issue_14_program_runs():
    """The failing tutorial line: placeholder("float") times a Variable of a Python float."""
    rng = np.random.RandomState(0)
    x = tf.placeholder("float")
    w = tf.Variable(rng.randn(), name="weight")
    y = x * w
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        got = sess.run(y, {x: 2.0})
    assert type(got) is np.float32
    assert got == np.float32(2.0) * np.float32(1.764052345967664)
