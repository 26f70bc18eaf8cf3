"""TF1's public names: the aliases TF 1.15 gives one function under several names resolve to
one graphflow object, and the small TF1 functions built from existing ops give TF's values.

With TensorFlow importable, `test_every_tf_alias_of_a_graphflow_name_exists` sweeps TF's
namespaces itself; the hard-coded ALIASES list below is that sweep's result (recorded from
TensorFlow 2.21's tf.compat.v1), checked always. Values marked "TF" were recorded from it."""

from __future__ import annotations

import importlib
import inspect
import os
import subprocess
import sys
import types

import numpy as np
import pytest

import graphflow as tf

NAMESPACES = ["", "math", "nn", "random", "initializers", "layers", "train", "losses", "image",
              "linalg"]

# (alias, canonical): the same TF object under two names, both present in graphflow.
ALIASES = [
    *[(f"math.{n}", n) for n in [
        "abs", "add", "add_n", "argmax", "argmin", "ceil", "cos", "divide", "equal", "erf",
        "exp", "expm1", "floor", "floordiv", "floormod", "greater", "greater_equal",
        "invert_permutation", "is_finite", "is_nan", "less", "less_equal", "log", "log1p",
        "log_sigmoid", "logical_and", "logical_not", "logical_or", "logical_xor", "maximum",
        "minimum", "multiply", "negative", "not_equal", "pow", "reciprocal", "reduce_all",
        "reduce_any", "reduce_logsumexp", "reduce_max", "reduce_mean", "reduce_min",
        "reduce_prod", "reduce_sum", "round", "rsqrt", "scalar_mul", "sigmoid", "sign", "sin",
        "sqrt", "square", "squared_difference", "subtract", "tanh", "truediv",
        "unsorted_segment_sum", "count_nonzero", "is_inf"]],
    ("math.zero_fraction", "nn.zero_fraction"),
    *[(f"math.{n}", f"nn.{n}") for n in [
        "l2_normalize", "log_softmax", "softmax", "softplus", "softsign", "sigmoid", "tanh"]],
    ("math.divide_no_nan", "div_no_nan"), ("math.mod", "floormod"), ("mod", "floormod"),
    ("linalg.matmul", "matmul"), ("linalg.global_norm", "global_norm"),
    ("linalg.l2_normalize", "nn.l2_normalize"), ("linalg.transpose", "matrix_transpose"),
    ("linalg.matrix_transpose", "matrix_transpose"), ("linalg.eye", "eye"),
    ("random.normal", "random_normal"), ("random.uniform", "random_uniform"),
    ("random.truncated_normal", "truncated_normal"), ("random.set_random_seed", "set_random_seed"),
    ("random_crop", "image.random_crop"), ("nn.avg_pool2d", "nn.avg_pool"),
    ("initializers.global_variables", "global_variables_initializer"),
    ("initializers.local_variables", "local_variables_initializer"),
    ("initializers.variables", "variables_initializer"),
    ("initializers.tables_initializer", "tables_initializer"),
    ("train.piecewise_constant_decay", "train.piecewise_constant"),
    # TF1's deprecated spellings, kept by 1.15 as other objects with the same behaviour.
    ("initialize_local_variables", "local_variables_initializer"),
    ("initialize_variables", "variables_initializer"), ("nn.max_pool2d", "nn.max_pool"),
    ("compat.v1", ""), ("compat.v1.layers.Dense", "layers.Dense"),
]


# TF groups graphflow deliberately or knowingly splits, with the reason.
KNOWN_DIVERGENT: set[tuple[str, ...]] = set()


def _resolve(module, path):
    obj = module
    for part in filter(None, path.split(".")):
        obj = getattr(obj, part)
    return obj


@pytest.mark.parametrize("alias,canonical", ALIASES, ids=[a for a, _ in ALIASES])
def test_hard_coded_aliases_are_the_same_object(alias, canonical):
    assert _resolve(tf, alias) is _resolve(tf, canonical)


def tf_alias_groups(tf1):
    """TF's public names in NAMESPACES grouped by the function or class they name."""
    groups = {}
    for namespace in NAMESPACES:
        try:  # TF 2.16+ has tf.layers only with tf_keras installed
            module = _resolve(tf1, namespace)
            names = dir(module)
        except (AttributeError, ImportError):
            continue
        for name in names:
            if name.startswith("_"):
                continue
            try:
                obj = getattr(module, name)
            except (AttributeError, ImportError):
                continue
            if isinstance(obj, (types.ModuleType, int, float, str, bool)):
                continue
            key = id(inspect.unwrap(obj)) if callable(obj) else id(obj)
            groups.setdefault(key, []).append(f"{namespace}.{name}".lstrip("."))
    return list(groups.values())


def alias_problems(groups):
    """Each group graphflow has some name of but not all of them, as the same object."""
    problems = []
    for names in groups:
        found = {}
        for name in names:
            try:
                found[name] = _resolve(tf, name)
            except AttributeError:
                pass
        divergent = len({id(o) for o in found.values()}) > 1
        if found and (len(found) < len(names) or divergent) and \
                tuple(sorted(names)) not in KNOWN_DIVERGENT:
            problems.append(sorted(names))
    return problems


def test_every_tf_alias_of_a_graphflow_name_exists():
    os.environ.setdefault("TF_USE_LEGACY_KERAS", "1")  # TF 2.16+ keeps tf.layers in tf_keras
    tf1 = pytest.importorskip("tensorflow").compat.v1
    groups = tf_alias_groups(tf1)
    assert len(groups) > 500
    assert alias_problems(groups) == []


def test_alias_sweep_finds_missing_and_divergent_aliases():
    groups = [["math.add", "add"], ["math.no_such_alias", "square"], ["nn.avg_pool", "sqrt"],
              ["not_in_graphflow", "math.not_in_graphflow"]]
    assert alias_problems(groups) == [["math.no_such_alias", "square"], ["nn.avg_pool", "sqrt"]]


def _run(*fetches, feed=None):
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        return sess.run(list(fetches), feed)


XI, YI = np.array([7, -7, 7, -7, 0], np.int32), np.array([2, 2, -2, -2, 3], np.int32)
XF, YF = np.array([7.5, -7.5, 7.5, -7.5, 0.0], np.float32), YI.astype(np.float32)


def test_division_flavours_match_tf(graph):
    got = _run(tf.div(XI, YI), tf.div(XF, YF), tf.truncatediv(XI, YI), tf.truncatemod(XI, YI),
               tf.truncatemod(XF, YF))
    for value, expected in zip(got, [[3, -4, -4, 3, 0], [3.75, -3.75, -3.75, 3.75, 0.0],
                                     [3, -3, -3, 3, 0], [1, -1, 1, -1, 0],
                                     [1.5, -1.5, 1.5, -1.5, 0.0]]):  # TF
        np.testing.assert_array_equal(value, expected)
    assert got[0].dtype == np.int32 and got[1].dtype == np.float32
    np.testing.assert_array_equal(got[2], np.trunc(XI / YI).astype(np.int32))
    np.testing.assert_array_equal(got[4], np.fmod(XF, YF))
    with pytest.raises(TypeError, match="truncatediv: expected integer operands"):
        tf.truncatediv(XF, YF)


def test_casts_and_argmax_spellings(graph):
    values = np.array([[1, 5, 2], [7, 0, 3]])
    got = _run(tf.to_double(values), tf.arg_max(values, 1), tf.arg_min(values, 0),
               tf.arg_max(values, 1, output_type=tf.int32))
    assert got[0].dtype == np.float64 and got[3].dtype == np.int32
    np.testing.assert_array_equal(got[1], [1, 0])  # TF
    np.testing.assert_array_equal(got[2], [0, 1, 0])
    assert tf.to_double(values).op.name == "ToDouble_1"  # the second one


def test_log_sigmoid_values_and_gradient(graph):
    x = tf.constant([-100.0, -1.0, 0.0, 1.0, 100.0], tf.float64)
    y = tf.log_sigmoid(x)
    value, grad = _run(y, tf.gradients(tf.reduce_sum(y), x)[0])
    expected = -np.logaddexp(0.0, -np.array([-100.0, -1.0, 0.0, 1.0, 100.0]))
    np.testing.assert_allclose(value, expected, rtol=1e-14)
    np.testing.assert_allclose(grad, 1 / (1 + np.exp([-100.0, -1.0, 0.0, 1.0, 100.0])),
                               rtol=1e-12)  # d/dx log sigmoid(x) = sigmoid(-x)
    assert tf.log_sigmoid(x).op.name == "LogSigmoid_1"  # TF's name


def test_reduce_logsumexp_is_stable_and_differentiable(graph):
    data = np.array([[1, 2, 3], [-np.inf, -np.inf, -np.inf], [1000, 1000, -np.inf]])
    x = tf.constant(data)
    lse = tf.reduce_logsumexp(x, axis=1)
    keep = tf.reduce_logsumexp(x[:1], keepdims=True)
    value, kept, grad = _run(lse, keep, tf.gradients(tf.reduce_logsumexp(x[:1]), x)[0])
    np.testing.assert_allclose(value, [np.log(np.exp([1, 2, 3]).sum()), -np.inf,
                                       1000 + np.log(2)], rtol=1e-14)
    assert kept.shape == (1, 1) and kept[0, 0] == pytest.approx(value[0], rel=1e-14)
    softmax = np.exp([1, 2, 3]) / np.exp([1, 2, 3]).sum()
    np.testing.assert_allclose(grad[0], softmax, rtol=1e-12)
    np.testing.assert_array_equal(grad[1:], 0)


def test_moments_and_counts(graph):
    data = np.array([[1.0, 2.0], [3.0, 5.0]])
    got = _run(tf.math.reduce_variance(data, axis=1), tf.math.reduce_std(data),
               tf.count_nonzero(np.array([[0, 1.5, 0], [2, 3, 0]]), axis=0),
               tf.count_nonzero(np.array([[True, False]]), dtype=tf.int32))
    np.testing.assert_allclose(got[0], data.var(axis=1), rtol=1e-14)
    assert got[1] == pytest.approx(data.std(), rel=1e-14)  # 1.479019945774904 in TF
    np.testing.assert_array_equal(got[2], [1, 2, 0])
    assert got[2].dtype == np.int64 and got[3] == 1 and got[3].dtype == np.int32


def test_is_inf_and_zero_fraction(graph):
    data = np.array([[0.0, np.inf, -np.inf], [np.nan, 0.0, 2.0]])
    inf, fraction, none_zero = _run(tf.is_inf(data), tf.nn.zero_fraction(data),
                                    tf.nn.zero_fraction(tf.ones([3], tf.int32)))
    np.testing.assert_array_equal(inf, np.isinf(data))
    assert fraction == np.float32(2 / 6) and fraction.dtype == np.float32 and none_zero == 0.0
    assert tf.nn.zero_fraction(data).name == "zero_fraction_2/fraction:0"  # as TF names it


def test_eye(graph):
    square, wide, batched = _run(tf.eye(3), tf.eye(2, 4, dtype=tf.int32),
                                 tf.linalg.eye(2, batch_shape=[3]))
    np.testing.assert_array_equal(square, np.eye(3))
    assert square.dtype == np.float32 and wide.dtype == np.int32
    np.testing.assert_array_equal(wide, np.eye(2, 4))
    np.testing.assert_array_equal(batched, np.stack([np.eye(2)] * 3))
    with pytest.raises(TypeError, match="must be Python ints"):
        tf.eye(tf.constant(3))


def test_matrix_transpose(graph):
    value = np.arange(12).reshape(2, 2, 3)
    (got,) = _run(tf.linalg.transpose(value))
    np.testing.assert_array_equal(got, value.transpose(0, 2, 1))
    with pytest.raises(ValueError, match="rank >= 2"):
        tf.matrix_transpose([1, 2])


def test_nn_compositions(graph):
    x, w, b = RNG.normal(size=(3, 4)), RNG.normal(size=(4, 2)), RNG.normal(size=2)
    got = _run(tf.nn.xw_plus_b(x, w, b), tf.nn.relu_layer(x, w, b), tf.nn.crelu([[1.0, -2.0]]))
    np.testing.assert_allclose(got[0], x @ w + b, rtol=1e-12)
    np.testing.assert_allclose(got[1], np.maximum(x @ w + b, 0), rtol=1e-12)
    np.testing.assert_array_equal(got[2], [[1.0, 0.0, 0.0, 2.0]])  # TF
    assert tf.nn.crelu(tf.constant([1.0])).name == "CRelu_1/Relu:0"  # TF's name


RNG = np.random.default_rng(3)
TABLE = np.arange(16, dtype=np.float32).reshape(8, 2)
IDS = np.array([[0, 7], [5, 2]], np.int64)


@pytest.mark.parametrize("strategy,shards", [
    ("div", [TABLE[0:3], TABLE[3:6], TABLE[6:8]]),
    ("mod", [TABLE[0::3], TABLE[1::3], TABLE[2::3]])])
def test_embedding_lookup_over_shards(graph, strategy, shards):
    variables = [tf.Variable(s) for s in shards]
    looked_up = tf.nn.embedding_lookup(variables, IDS, partition_strategy=strategy)
    grads = tf.gradients(tf.reduce_sum(looked_up * 2.0), variables)
    value, *shard_grads = _run(looked_up, *grads)
    np.testing.assert_array_equal(value, TABLE[IDS])  # TF: [[[0, 1], [14, 15]], [[10, 11], ...
    full_grad = np.zeros_like(TABLE)
    np.add.at(full_grad, IDS.ravel(), 2.0)
    expected = [full_grad[0:3], full_grad[3:6], full_grad[6:8]] if strategy == "div" else \
        [full_grad[0::3], full_grad[1::3], full_grad[2::3]]
    for got, want in zip(shard_grads, expected):
        np.testing.assert_array_equal(np.asarray(got), want)


def test_embedding_lookup_single_table_and_max_norm(graph):
    got = _run(tf.nn.embedding_lookup(TABLE, [[3], [1]]),
               tf.nn.embedding_lookup(tf.constant(TABLE), [1, 7], max_norm=5.0))
    np.testing.assert_array_equal(got[0], TABLE[[[3], [1]]])
    rows = TABLE[[1, 7]]
    norms = np.linalg.norm(rows, axis=1, keepdims=True)
    np.testing.assert_allclose(got[1], rows * np.minimum(1.0, 5.0 / norms), rtol=1e-6)
    np.testing.assert_allclose(got[1][1], [3.4115912914276123, 3.6552765369415283], rtol=1e-6)
    with pytest.raises(ValueError, match="unrecognized partition_strategy"):
        tf.nn.embedding_lookup([TABLE, TABLE], [0], partition_strategy="random")


def test_tables_initializer_and_collection_helpers(graph):
    init = tf.tables_initializer()
    assert init.type == "NoOp" and init.name == "init_all_tables"
    average = tf.Variable(1.0, name="avg")
    tf.add_to_collection(tf.GraphKeys.MOVING_AVERAGE_VARIABLES, average)
    assert tf.moving_average_variables() == [average]
    assert tf.is_tensor(average) and tf.is_tensor(tf.constant(1)) and not tf.is_tensor(1.0)
    assert tf.dimension_value(tf.TensorShape([None, 3])[1]) == 3
    assert tf.compat.dimension_value(tf.TensorShape([None, 3])[0]) is None
    _run(init)


def test_compat_v1_module_and_mode_switches():
    import graphflow.compat.v1 as v1

    assert v1 is tf and importlib.import_module("graphflow.compat.v1") is tf
    v1.disable_v2_behavior()
    v1.disable_eager_execution()
    v1.disable_v2_tensorshape()
    assert v1.executing_eagerly() is False and v1.executing_eagerly_outside_functions() is False
    for switch in (v1.enable_eager_execution, v1.enable_v2_behavior):
        with pytest.raises(NotImplementedError, match="TF1 graphs in a tf.Session"):
            switch()
    assert tf.compat.as_bytes("é") == "é".encode() and tf.compat.as_text(b"ab") == "ab"
    with pytest.raises(TypeError, match="Expected binary or unicode string"):
        tf.compat.as_text(3)


def test_tensorflow_compat_v1_import_style_in_a_fresh_process(tmp_path):
    program = ("import graphflow.compat.v1 as tf\ntf.disable_v2_behavior()\n"
               "x = tf.placeholder(tf.float32, [None, 2])\n"
               "y = tf.layers.Dense(1, kernel_initializer=tf.ones_initializer())(x)\n"
               "with tf.Session() as s:\n    s.run(tf.global_variables_initializer())\n"
               "    print(s.run(y, {x: [[1.0, 2.0]]})[0, 0])\n")
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    done = subprocess.run([sys.executable, "-c", program], cwd=root, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "3.0"
