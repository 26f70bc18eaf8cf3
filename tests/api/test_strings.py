"""String tensors and string ops: constants, placeholders and feeds, fetches as bytes, the
general ops (identity, reshape, concat, gather, stack, equal, where, add) on strings, and
`tf.as_string`, `tf.string_join`, `tf.reduce_join`, `tf.strings.*`.

Expected values come from Python's own string functions, or were recorded from TensorFlow 2.21
(`tf.compat.v1`, graph mode) where TF's printf/RE2/strtod rules decide (marked `# TF`).
"""

from __future__ import annotations

import numpy as np
import pytest

import graphflow as tf

WORDS = ["hello", "World", "  padded\t", "", "h\xe9llo w\xf6rld", "a-b_c"]


def run(fetches, feed_dict=None):
    with tf.Session() as sess:
        return sess.run(fetches, feed_dict)


def as_bytes(values):
    return np.array([v.encode() for v in values], dtype=object)


def test_hello_world(graph):
    hello = tf.constant("Hello, TensorFlow!")
    assert hello.dtype is tf.string
    got = run(hello)
    assert type(got) is bytes and got == b"Hello, TensorFlow!"


def test_placeholders_take_str_bytes_lists_and_numpy_arrays(graph):
    p = tf.placeholder(tf.string, [None])
    expected = np.array([b"a", b"\xc3\xa9", b"\xff"], dtype=object)
    for feed in (["a", "\xe9", b"\xff"], np.array(["a", "\xe9", b"\xff"], dtype=object),
                 (b"a", "\xe9".encode(), b"\xff")):
        got = run(p, {p: feed})
        assert got.dtype == object and all(type(v) is bytes for v in got)
        np.testing.assert_array_equal(got, expected)
    np.testing.assert_array_equal(run(p, {p: np.array(["x", "yz"])}), as_bytes(["x", "yz"]))
    np.testing.assert_array_equal(run(p, {p: np.array([b"x"])}), as_bytes(["x"]))
    scalar = tf.placeholder("string")
    assert run(scalar, {scalar: "s"}) == b"s"


def test_feeding_a_number_to_a_string_placeholder_is_a_type_error(graph):
    p = tf.placeholder(tf.string)
    with pytest.raises(TypeError, match="Placeholder:0"):
        run(p, {p: 1})
    with pytest.raises(ValueError, match="shape"):
        run(tf.placeholder(tf.string, [2]), {"Placeholder_1:0": ["a"]})


def test_layout_ops_on_strings(graph):
    p = tf.placeholder(tf.string, [None])
    feed = {p: ["a", "b"]}
    got = run({"identity": tf.identity(p), "reshape": tf.reshape(p, [2, 1]),
               "concat": tf.concat([p, tf.constant(["c"])], 0),
               "gather": tf.gather(p, [1, 0, 1]), "stack": tf.stack([p, p], axis=1),
               "slice": p[1:], "tile": tf.tile(p, [2]), "expand": tf.expand_dims(p, 0),
               "transpose": tf.transpose(tf.reshape(p, [1, 2])),
               "unstack": tf.unstack(tf.constant(["x", "y"])), "shape": tf.shape(p),
               "zeros_like": tf.zeros_like(p), "pad": tf.pad(p, [[1, 0]]),
               "pad_z": tf.pad(p, [[0, 1]], constant_values="z"),
               "reverse": tf.reverse(p, [0]), "mask": tf.boolean_mask(p, [False, True]),
               "split": tf.split(tf.reshape(p, [1, 2]), 2, axis=1)}, feed)
    x = np.array([b"a", b"b"], dtype=object)
    np.testing.assert_array_equal(got["identity"], x)
    np.testing.assert_array_equal(got["reshape"], x.reshape(2, 1))
    np.testing.assert_array_equal(got["concat"], np.append(x, b"c"))
    np.testing.assert_array_equal(got["gather"], x[[1, 0, 1]])
    np.testing.assert_array_equal(got["stack"], np.stack([x, x], axis=1))
    np.testing.assert_array_equal(got["slice"], x[1:])
    np.testing.assert_array_equal(got["tile"], np.tile(x, 2))
    np.testing.assert_array_equal(got["expand"], x[None])
    np.testing.assert_array_equal(got["transpose"], x.reshape(2, 1))
    assert got["unstack"] == [b"x", b"y"]
    np.testing.assert_array_equal(got["shape"], [2])
    np.testing.assert_array_equal(got["zeros_like"], np.array([b"", b""], dtype=object))  # TF
    assert got["pad"].tolist() == [b"", b"a", b"b"]  # TF pads strings with b""
    assert got["pad_z"].tolist() == [b"a", b"b", b"z"]
    assert got["reverse"].tolist() == [b"b", b"a"] and got["mask"].tolist() == [b"b"]
    assert [s.tolist() for s in got["split"]] == [[[b"a"]], [[b"b"]]]


def test_equal_where_and_add_on_strings(graph):
    x = tf.constant(["hello", "world", "ab"])
    got = run({"eq": tf.equal(x, "ab"), "ne": tf.not_equal(x, tf.constant("hello")),
               "where": tf.where(tf.constant([True, False, False]), x, tf.reverse(x, [0])),
               "add": x + "!", "radd": tf.add("<", x)})
    np.testing.assert_array_equal(got["eq"], [False, False, True])
    np.testing.assert_array_equal(got["ne"], [False, True, True])
    np.testing.assert_array_equal(got["where"], as_bytes(["hello", "world", "hello"]))
    np.testing.assert_array_equal(got["add"], as_bytes(["hello!", "world!", "ab!"]))
    np.testing.assert_array_equal(got["radd"], as_bytes(["<hello", "<world", "<ab"]))
    # TF: Expected string passed to parameter 'y' of op 'Equal', got 1 of type 'int' instead.
    with pytest.raises(TypeError, match="Expected string, got 1 of type 'int' instead"):
        tf.equal(x, 1)
    with pytest.raises(TypeError, match="Mul does not support dtype string"):
        _ = x * x


def test_string_plans_use_no_fused_kernels(graph):
    """Elementwise ops on strings stay numpy object calls: never a generated numba loop."""
    x = tf.placeholder(tf.string, [3])
    y = tf.equal(x + "a", tf.constant(["aa", "ba", "ca"]))
    with tf.Session() as sess:
        got = sess.run(y, {x: ["a", "b", "x"]})
        plan = next(iter(sess._plans.values()))
    np.testing.assert_array_equal(got, [True, True, False])
    assert "_FusedElementwise" not in {n.type for n in plan.order}


def test_constant_folding_of_string_ops(graph):
    joined = tf.string_join([tf.constant("a"), tf.constant("b")], separator="-")
    assert run(joined) == b"a-b"
    # a folded op that fails leaves the failure to the run, with TF1's error class
    bad = tf.strings.to_number(tf.constant(["abc"]))
    with pytest.raises(tf.errors.InvalidArgumentError,
                       match="StringToNumberOp could not correctly convert string: abc"):
        run(bad)


# ---- tf.as_string -------------------------------------------------------------------------------

FLOATS = np.array([1.5, -0.25, 1e10, 3.14159265, np.inf, np.nan, -np.nan, 0.0, 1e-7], np.float32)


@pytest.mark.parametrize(("kwargs", "expected"), [  # every row recorded from TF
    ({}, ["1.500000", "-0.250000", "10000000000.000000", "3.141593", "inf", "nan", "-nan",
          "0.000000", "0.000000"]),
    ({"precision": 2}, ["1.50", "-0.25", "10000000000.00", "3.14", "inf", "nan", "-nan", "0.00",
                        "0.00"]),
    ({"scientific": True}, ["1.500000e+00", "-2.500000e-01", "1.000000e+10", "3.141593e+00",
                            "inf", "nan", "-nan", "0.000000e+00", "1.000000e-07"]),
    ({"shortest": True}, ["1.5", "-0.25", "1e+10", "3.14159", "inf", "nan", "-nan", "0",
                          "1e-07"]),
    ({"width": 12, "fill": "0"}, ["00001.500000", "-0000.250000", "10000000000.000000",
                                  "00003.141593", "         inf", "         nan",
                                  "        -nan", "00000.000000", "00000.000000"]),
    ({"width": 12, "fill": "-"}, ["1.500000    ", "-0.250000   ", "10000000000.000000",
                                  "3.141593    ", "inf         ", "nan         ",
                                  "-nan        ", "0.000000    ", "0.000000    "]),
    ({"fill": "+"}, ["+1.500000", "-0.250000", "+10000000000.000000", "+3.141593", "+inf",
                     "+nan", "-nan", "+0.000000", "+0.000000"]),
    ({"fill": " ", "width": 8}, [" 1.500000", "-0.250000", " 10000000000.000000", " 3.141593",
                                 "     inf", "     nan", "    -nan", " 0.000000", " 0.000000"]),
    ({"fill": "#", "shortest": True}, ["1.50000", "-0.250000", "1.00000e+10", "3.14159", "inf",
                                       "nan", "-nan", "0.00000", "1.00000e-07"]),
    ({"precision": 0}, ["2", "-0", "10000000000", "3", "inf", "nan", "-nan", "0", "0"]),
])
def test_as_string_floats_like_tf(graph, kwargs, expected):
    np.testing.assert_array_equal(run(tf.as_string(tf.constant(FLOATS), **kwargs)),
                                  as_bytes(expected))


def test_as_string_other_types_like_tf(graph):
    got = run({"double": tf.as_string(tf.constant([1.5, 123456789.123456789], tf.float64)),
               "short": tf.as_string(tf.constant([0.1, 1 / 3], tf.float64), shortest=True),
               "int": tf.as_string(tf.constant([1, -42, 2**31 - 1])),
               "padded": tf.as_string(tf.constant([1, -42, 2**31 - 1]), width=5, fill="0"),
               "int64": tf.as_string(tf.constant([2**40], tf.int64)),
               "uint8": tf.as_string(tf.constant([200], tf.uint8)),
               "bool": tf.as_string(tf.constant([True, False]), width=6),
               "half": tf.as_string(tf.constant([1.5], tf.float16))})
    assert got["double"].tolist() == [b"1.500000", b"123456789.123457"]
    assert got["short"].tolist() == [b"0.1", b"0.333333"]
    assert got["int"].tolist() == [b"1", b"-42", b"2147483647"]
    assert got["padded"].tolist() == [b"00001", b"-0042", b"2147483647"]
    assert got["int64"].tolist() == [b"1099511627776"]
    assert got["uint8"].tolist() == [b"200"]
    assert got["bool"].tolist() == [b"true", b"false"]
    assert got["half"].tolist() == [b"1.500000"]


@pytest.mark.parametrize(("value", "kwargs", "message"), [  # TF's kernel messages
    ([1.5], {"width": 3, "fill": "x"}, 'Fill argument not supported: "x"'),
    ([1.5], {"width": 3, "fill": "00"}, "Fill string must be one or fewer characters"),
    ([1.5], {"scientific": True, "shortest": True}, "Cannot select both scientific and shortest"),
    ([1], {"precision": 2}, "precision not supported for datatype int32"),
    ([1], {"scientific": True}, "scientific and shortest format not supported for datatype int32"),
    ([True], {"precision": 1}, "precision not supported for datatype bool"),
])
def test_as_string_rejects_what_tf_rejects_when_run(graph, value, kwargs, message):
    op = tf.as_string(tf.placeholder(tf.constant(value).dtype, [1]), **kwargs)
    with pytest.raises(tf.errors.InvalidArgumentError, match=message):
        run(op, {op.op.inputs[0]: value})


# ---- joins --------------------------------------------------------------------------------------

def test_string_join_repeats_scalars(graph):
    a, b = tf.constant(["a", "b"]), tf.constant(["c", "d"])
    assert run(tf.string_join([a, "x", b], separator="-")).tolist() == [b"a-x-c", b"b-x-d"]
    assert run(tf.strings.join(["a", "b"], separator=",")) == b"a,b"
    assert run(tf.string_join([])) == b""
    assert tf.string_join([a, b], name="joined").op.name == "joined"
    # TF: ValueError: Dimension 0 in both shapes must be equal, but are 2 and 3.
    with pytest.raises(ValueError, match="same shape"):
        tf.string_join([a, tf.constant(["c", "d", "e"])])
    with pytest.raises(TypeError, match="string"):
        tf.string_join([tf.constant([1])])


def test_reduce_join_orders_like_tf(graph):
    m = tf.constant([["a", "b", "c"], ["d", "e", "f"]])
    cube = tf.constant([[["a", "b"], ["c", "d"]], [["e", "f"], ["g", "h"]]])
    got = run({"all": tf.reduce_join(m), "0": tf.reduce_join(m, 0),
               "1": tf.reduce_join(m, 1, separator=","), "keep": tf.reduce_join(m, -1,
                                                                               keep_dims=True),
               "01": tf.reduce_join(m, [0, 1]), "10": tf.reduce_join(m, [1, 0]),
               "20": tf.reduce_join(cube, [2, 0]), "02": tf.reduce_join(cube, [0, 2]),
               "empty": tf.reduce_join(tf.constant([], tf.string)),
               "v2": tf.strings.reduce_join(m, axis=1, keepdims=True)})
    assert got["all"] == b"abcdef"
    assert got["0"].tolist() == [b"ad", b"be", b"cf"]
    assert got["1"].tolist() == [b"a,b,c", b"d,e,f"]
    assert got["keep"].tolist() == [[b"abc"], [b"def"]]
    assert got["01"] == b"adbecf" and got["10"] == b"abcdef"  # TF: the first axis varies fastest
    assert got["20"].tolist() == [b"abef", b"cdgh"] and got["02"].tolist() == [b"aebf", b"cgdh"]
    assert got["empty"] == b""
    assert got["v2"].tolist() == [[b"abc"], [b"def"]]
    with pytest.raises(ValueError, match="Invalid reduction dimension 2 for input with 2"):
        tf.reduce_join(m, 2)


# ---- tf.strings elementwise ---------------------------------------------------------------------

def test_length_lower_upper_strip_against_python(graph):
    x = tf.constant(WORDS)
    data = [w.encode() for w in WORDS]
    got = run({"bytes": tf.strings.length(x), "chars": tf.strings.length(x, unit="UTF8_CHAR"),
               "lower": tf.strings.lower(x), "upper": tf.strings.upper(x),
               "lower8": tf.strings.lower(x, encoding="utf-8"),
               "upper8": tf.strings.upper(x, encoding="utf-8"),
               "strip": tf.strings.strip(x), "strip1": tf.string_strip(x)})
    assert got["bytes"].dtype == np.int32 and got["bytes"].tolist() == [len(d) for d in data]
    assert got["chars"].tolist() == [len(w) for w in WORDS]
    assert got["lower"].tolist() == [d.lower() for d in data]  # ASCII only, as TF
    assert got["upper"].tolist() == [d.upper() for d in data]
    assert got["lower8"].tolist() == [w.lower().encode() for w in WORDS]
    assert got["upper8"].tolist() == [w.upper().encode() for w in WORDS]
    assert got["strip"].tolist() == got["strip1"].tolist() == [d.strip() for d in data]
    # TF: invalid UTF-8 bytes count as one character each
    assert run(tf.strings.length(tf.constant([b"\xff\xfe a"]), unit="UTF8_CHAR")).tolist() == [4]
    with pytest.raises(ValueError, match="Attr 'unit' of 'StringLength' Op passed string 'X'"):
        tf.strings.length(x, unit="X")
    with pytest.raises(tf.errors.InvalidArgumentError, match="only utf-8 or '' .* latin1"):
        run(tf.strings.upper(x, encoding="latin1"))


def test_substr_like_tf(graph):
    x = tf.constant(["hello", "world", "ab"])
    got = run({"plain": tf.strings.substr(x, 1, 3), "neg": tf.strings.substr(x, -2, 3),
               "vec": tf.strings.substr(x, [0, 1, 2], [1, 2, 5]),
               "end": tf.strings.substr(x, 2, 1), "all": tf.strings.substr(x, 0, -1),
               "utf8": tf.strings.substr(tf.constant(["h\xe9llo"]), 1, 2, unit="UTF8_CHAR"),
               "v1": tf.substr(x, 1, 2)})
    assert got["plain"].tolist() == [b"ell", b"orl", b"b"]
    assert got["neg"].tolist() == [b"lo", b"ld", b"ab"]
    assert got["vec"].tolist() == [b"h", b"or", b""]
    assert got["end"].tolist() == [b"l", b"r", b""]
    assert got["all"].tolist() == [b"hello", b"world", b"ab"]
    assert got["utf8"].tolist() == ["\xe9l".encode()]
    assert got["v1"].tolist() == [b"el", b"or", b"b"]
    for pos in (3, -3):  # TF: pos 3 out of range for string b'ab' at index 2
        with pytest.raises(tf.errors.InvalidArgumentError,
                           match=f"pos {pos} out of range for string b'ab' at index 2"):
            run(tf.strings.substr(tf.placeholder_with_default(x, [3]), pos, 1))
    with pytest.raises(ValueError, match="'pos' and 'len' must have the same shape"):
        tf.strings.substr(x, [1, 2, 0], [1, 1])


def test_regex_ops_like_tf(graph):
    x = tf.constant(["aaa bab", "xyz"])
    pattern = tf.placeholder(tf.string, [])
    got = run({"all": tf.strings.regex_replace(x, "a+", "<\\0>"),
               "groups": tf.regex_replace(tf.constant(["john smith"]), r"(\w+) (\w+)", r"\2, \1"),
               "once": tf.strings.regex_replace(tf.constant(["aXbXc"]), "X", "-",
                                                replace_global=False),
               "backslash": tf.strings.regex_replace(tf.constant(["a.b"]), r"\.", r"\\"),
               "empty": tf.strings.regex_replace(tf.constant(["abc"]), "", "-"),
               "utf8": tf.strings.regex_replace(tf.constant(["h\xe9llo"]), ".", "x"),
               "fed": tf.strings.regex_replace(x, pattern, "_"),
               "match": tf.strings.regex_full_match(tf.constant(["abc", "abcd", "ab"]), "a.c"),
               "match_fed": tf.strings.regex_full_match(x, pattern)}, {pattern: "[a-z]+"})
    assert got["all"].tolist() == [b"<aaa> b<a>b", b"xyz"]
    assert got["groups"].tolist() == [b"smith, john"]
    assert got["once"].tolist() == [b"a-bXc"]
    assert got["backslash"].tolist() == [b"a\\b"]
    assert got["empty"].tolist() == [b"-a-b-c-"]
    assert got["utf8"].tolist() == [b"xxxxx"]  # "." is one UTF-8 character, as RE2
    # TF: RE2's \w is ASCII-only: "h\xe9llo w\xf6rld" swaps "llo" and "w"
    assert run(tf.strings.regex_replace(tf.constant(["h\xe9llo w\xf6rld"]), r"(\w+) (\w+)",
                                        r"\2 \1")).tolist() == ["h\xe9w llo\xf6rld".encode()]
    assert got["fed"].tolist() == [b"_ _", b"_"]
    assert got["match"].tolist() == [True, False, False]
    assert got["match_fed"].tolist() == [False, True]
    with pytest.raises(tf.errors.InvalidArgumentError, match="Invalid pattern: \\("):
        run(tf.strings.regex_replace(x, "(", "x"))
    with pytest.raises(tf.errors.InvalidArgumentError, match="Invalid pattern: \\("):
        run(tf.strings.regex_full_match(x, "("))


def test_to_number_like_tf(graph):
    floats = tf.constant(["1.5", " 2", "-3e2", "inf", "nan", "0x10", "+4", "1.5 ", "1e400"])
    got = run({"f32": tf.strings.to_number(floats), "f64": tf.string_to_number(floats,
                                                                                tf.float64),
               "i32": tf.strings.to_number(tf.constant(["12", "-7", " 3 ", "+4"]), tf.int32),
               "i64": tf.strings.to_number(tf.constant(["3000000000"]), tf.int64)})
    expected = [1.5, 2.0, -300.0, np.inf, np.nan, 16.0, 4.0, 1.5, np.inf]  # TF
    assert got["f32"].dtype == np.float32 and got["f64"].dtype == np.float64
    np.testing.assert_array_equal(got["f32"], np.array(expected, np.float32))
    np.testing.assert_array_equal(got["f64"], np.array(expected))
    assert got["i32"].dtype == np.int32 and got["i32"].tolist() == [12, -7, 3, 4]
    assert got["i64"].tolist() == [3000000000]
    for text, dtype in [("abc", tf.float32), ("", tf.float32), ("1_0", tf.float32),
                        ("abc", tf.float64), ("1.5", tf.int32), ("3000000000", tf.int32),
                        ("0x10", tf.int32)]:
        p = tf.placeholder(tf.string)
        with pytest.raises(tf.errors.InvalidArgumentError,
                           match=f"StringToNumberOp could not correctly convert string: {text} \\(input"):
            run(tf.strings.to_number(p, dtype), {p: text})
    with pytest.raises(TypeError, match="DataType bool not in list of allowed values"):
        tf.strings.to_number(floats, tf.bool)


def test_string_variables_assign_and_load(graph):
    v = tf.Variable(["a", "b"], name="words")
    with tf.Session() as sess:
        sess.run(v.initializer)
        assert sess.run(v).tolist() == [b"a", b"b"]
        assert sess.run(tf.assign(v, ["c", "\xe9"])).tolist() == [b"c", b"\xc3\xa9"]
        v.load(["x", b"y"], sess)
        assert sess.run(v).tolist() == [b"x", b"y"]


def test_compat_string_helpers():
    assert tf.compat.as_bytes("h\xe9") == b"h\xc3\xa9" and tf.compat.as_bytes(bytearray(b"x")) == b"x"
    assert tf.compat.as_text(b"h\xc3\xa9") == "h\xe9" == tf.compat.as_str("h\xe9")
    assert tf.compat.as_str_any(b"a") == "a" and tf.compat.as_str_any(3) == "3"
    for convert in (tf.compat.as_bytes, tf.compat.as_text):
        with pytest.raises(TypeError, match="Expected binary or unicode string, got 1"):
            convert(1)


def test_cast_to_or_from_string_is_unimplemented_when_run(graph):
    # TF: UnimplementedError: Cast string to float is not supported (at run time, not folded)
    for x, dtype in [(tf.constant("1"), tf.float32), (tf.constant(1), tf.string)]:
        with pytest.raises(tf.errors.UnimplementedError, match="Cast .* is not supported"):
            run(tf.cast(x, dtype))
    assert run(tf.cast(tf.constant("a"), tf.string)) == b"a"


def test_strings_format_like_tf(graph):
    got = run({
        "scalar": tf.strings.format("x={} y={}", [tf.constant(3), tf.constant([1.5, 2.0])]),
        "floats": tf.strings.format("{}", [tf.constant(
            [0.1, 1 / 3, 1e10, 1e-7, 123456789.0, np.nan, np.inf, -0.0])]),
        "doubles": tf.strings.format("{}", tf.constant(
            [1e-5, 1e16, 1e300, 0.3, 2.0**60, 1e15, 1e17], tf.float64), summarize=-1),
        "grid": tf.strings.format("{}", [tf.reshape(tf.range(100), [10, 10])]),
        "cube": tf.strings.format("{}", [tf.reshape(tf.range(12), [2, 3, 2])]),
        "short": tf.strings.format("{}", [tf.range(10)], summarize=2),
        "text": tf.strings.format("{}", [tf.constant(["\xe9", "a\nb", 'q"q', "\\",
                                                      b"\x00\x7f", "'"])], summarize=-1),
        "bool": tf.strings.format("a<>b", [tf.constant([True, False])], placeholder="<>"),
        "empty": tf.strings.format("{}", [tf.constant([], tf.float32)]),
        "none": tf.strings.format("hello", []),
    })
    assert got["scalar"] == b"x=3 y=[1.5 2]"  # every value below recorded from TF
    assert got["floats"] == b"[0.1 0.333333343 1e+10 ... nan inf -0]"
    assert got["doubles"] == b"[1e-05 1e+16 1e+300 0.3 1.152921504606847e+18 1e+15 1e+17]"
    assert got["grid"] == (b"[[0 1 2 ... 7 8 9]\n [10 11 12 ... 17 18 19]\n [20 21 22 ... 27 28 "
                           b"29]\n ...\n [70 71 72 ... 77 78 79]\n [80 81 82 ... 87 88 89]\n "
                           b"[90 91 92 ... 97 98 99]]")
    assert got["cube"] == b"[[[0 1]\n  [2 3]\n  [4 5]]\n\n [[6 7]\n  [8 9]\n  [10 11]]]"
    assert got["short"] == b"[0 1 ... 8 9]"
    assert got["text"] == b'["\xc3\xa9" "a\\nb" "q\\"q" "\\\\" "\\000\\177" "\\\'"]'
    assert got["bool"] == b"a[1 0]b" and got["empty"] == b"[]" and got["none"] == b"hello"
    with pytest.raises(ValueError, match="The template expects 2 tensors, but the inputs only "
                                         "has 1"):
        tf.strings.format("{} {}", [tf.constant(1)])


def test_string_get_variable_and_the_dtypes_namespace(graph):
    default = tf.get_variable("default", shape=[2], dtype=tf.string)  # TF: zeros, i.e. b""
    given = tf.get_variable("given", shape=[2], dtype=tf.string,
                            initializer=tf.constant_initializer("q"))
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        assert sess.run(default).tolist() == [b"", b""]
        assert sess.run(given).tolist() == [b"q", b"q"]
    assert tf.dtypes.as_dtype("float") is tf.dtypes.float32 is tf.float32
    assert tf.dtypes.string is tf.string and tf.dtypes.bool is tf.bool
    assert tf.dtypes.cast(tf.constant(1), "double").dtype is tf.float64
