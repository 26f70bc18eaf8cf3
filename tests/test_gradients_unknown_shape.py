"""Gradients of inputs whose static shape is unknown or partly known.

TF1 builds every gradient from run-time shapes (`tf.shape`) where the static shape is missing,
so `tf.gradients` works on `tf.placeholder(tf.float32)` (shape=None). For every differentiable
op of the registry and every conformance sample it declares, the op is built on placeholders
of unknown rank, of known rank with unknown dims, and of unknown batch size; its gradient must
equal the same op's gradient with fully known shapes and central finite differences of its
numpy reference. With fully known shapes the gradient keeps its static form: every shape it
reads is a build-time constant.

No op is excepted: every differentiable op builds its gradient without static shapes.
"""

from __future__ import annotations

import functools

import numpy as np
import pytest

import graphflow as tf
from graphflow.framework import dtypes
from tests.gradcheck import assert_gradients_close, numeric_gradients, weighted_sum
from tests.ops.test_conformance import DYNAMIC_SHAPE, GRAD_CASES, _as_tuple, _is_float, _sample

#: How the placeholders of an op's floating inputs are declared (integer inputs are constants,
#: except in "unknown_rank_fed_ints", where they are placeholders of unknown shape too).
SHAPE_MODES = {
    "unknown_rank": lambda x, k: None,
    "unknown_dims": lambda x, k: [None] * x.ndim,
    "unknown_batch": lambda x, k: [None, *x.shape[1:]] if x.ndim else [],
    "first_unknown": lambda x, k: None if k == 0 else x.shape,
    "unknown_rank_fed_ints": lambda x, k: None,
}

#: Op types that only a gradient of an input with an unknown rank may create.
RUN_TIME_SHAPE_OPS = {"ReducedShape", "Range"}


def _checked(op_type: str, index: int) -> bool:
    opdef, sample = _sample(op_type, index)
    return opdef.differentiable and sample.check_grad


CASES = [p for p in GRAD_CASES if _checked(*p.values)]


def _inputs(op_type: str, index: int) -> list[np.ndarray]:
    _, sample = _sample(op_type, index)
    return [np.asarray(x, np.float64) if _is_float(x) else np.asarray(x) for x in sample.inputs]


def _weights(opdef, sample, inputs) -> dict[int, np.ndarray]:
    """Fixed random weights per floating output: the checked loss is sum(w_k * y_k)."""
    rng = np.random.default_rng(1)
    outputs = _as_tuple(opdef.reference(sample.attrs, *inputs))
    return {k: rng.normal(size=np.shape(y)) for k, y in enumerate(outputs) if _is_float(y)}


def _build_gradients(op_type: str, index: int, mode: str | None):
    """(graph, gradient tensors, feeds, ops the gradient created) for the op under test with
    its floating inputs declared per `mode` (None = fully known shapes)."""
    opdef, sample = _sample(op_type, index)
    inputs = _inputs(op_type, index)
    declare = SHAPE_MODES[mode] if mode else (lambda x, k: x.shape)
    graph = tf.Graph()
    with graph.as_default():
        tensors, feeds = [], {}
        for k, x in enumerate(inputs):
            if _is_float(x) or mode == "unknown_rank_fed_ints":
                t = tf.placeholder(dtypes.as_dtype(x.dtype), declare(x, k), name=f"in{k}")
                feeds[t] = x
            else:
                t = tf.constant(x, name=f"in{k}")
            tensors.append(t)
        op = graph.create_op(opdef.type, tensors, dict(sample.attrs), name="op_under_test")
        loss = tf.add_n([tf.reduce_sum(op.outputs[k] * tf.constant(w))
                         for k, w in _weights(opdef, sample, inputs).items()])
        before = len(graph.get_operations())
        grads = tf.gradients(loss, [tensors[k] for k, x in enumerate(inputs) if _is_float(x)])
        created = graph.get_operations()[before:]
    return graph, grads, feeds, created


def _run(graph, grads, feeds) -> list[np.ndarray | None]:
    with tf.Session(graph=graph) as sess:
        values = iter(sess.run([g for g in grads if g is not None], feeds))
    return [None if g is None else next(values) for g in grads]


@functools.cache
def _known_shape_gradients(op_type: str, index: int) -> list[np.ndarray | None]:
    return _run(*_build_gradients(op_type, index, None)[:3])


@functools.cache
def _numeric_gradients(op_type: str, index: int) -> list[np.ndarray]:
    opdef, sample = _sample(op_type, index)
    inputs = _inputs(op_type, index)
    weights = _weights(opdef, sample, inputs)

    def loss(args):
        outputs = _as_tuple(opdef.reference(sample.attrs, *args))
        return weighted_sum([outputs[k] for k in weights], list(weights.values()))

    return numeric_gradients(loss, inputs, [k for k, x in enumerate(inputs) if _is_float(x)])


@pytest.mark.parametrize("mode", sorted(SHAPE_MODES))
@pytest.mark.parametrize(("op_type", "index"), CASES)
def test_gradient_without_static_shapes(op_type, index, mode):
    got = _run(*_build_gradients(op_type, index, mode)[:3])
    known = _known_shape_gradients(op_type, index)
    for k, (g, ref) in enumerate(zip(got, known)):
        assert (g is None) == (ref is None), f"gradient {k}: {g} vs {ref}"
        if g is not None:
            assert g.shape == ref.shape, f"gradient {k}: shape {g.shape} vs {ref.shape}"
            np.testing.assert_allclose(g, ref, rtol=1e-10, atol=1e-12, err_msg=f"gradient {k}")
    assert_gradients_close(got, _numeric_gradients(op_type, index), f"{op_type} sample {index}")


@pytest.mark.parametrize(("op_type", "index"), CASES)
def test_known_shapes_keep_the_static_gradient(op_type, index):
    if op_type in DYNAMIC_SHAPE:  # its output's declared shape is less specific than its input
        pytest.skip(f"{op_type}'s static output shape is deliberately not its input's")
    _, _, _, created = _build_gradients(op_type, index, None)
    assert not {o.type for o in created} & RUN_TIME_SHAPE_OPS
    dynamic = [o.name for o in created
               if o.type in ("Shape", "Size", "Rank") and not o.inputs[0].shape.is_fully_defined()]
    assert dynamic == [], "shapes read at run time although they are static"


def test_training_on_a_placeholder_of_unknown_shape(graph):
    """The tutorial idiom: `tf.placeholder(tf.float32)` inputs, a mean squared error and
    gradient descent; each step equals the float64 numpy update."""
    rng = np.random.default_rng(3)
    xs = rng.normal(size=(8, 3))
    ys = xs @ np.array([1.0, -2.0, 0.5]) + 0.25
    x = tf.placeholder(tf.float64)
    y = tf.placeholder(tf.float64)
    w = tf.Variable(np.zeros(3), dtype=tf.float64)
    b = tf.Variable(0.0, dtype=tf.float64)
    loss = tf.reduce_mean(tf.square(tf.reduce_sum(x * w, axis=-1) + b - y))
    train = tf.train.GradientDescentOptimizer(0.1).minimize(loss)
    w_np, b_np = np.zeros(3), 0.0
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for _ in range(5):
            sess.run(train, {x: xs, y: ys})
            residual = xs @ w_np + b_np - ys
            w_np = w_np - 0.1 * 2.0 * xs.T @ residual / len(ys)
            b_np = b_np - 0.1 * 2.0 * residual.mean()
        got_w, got_b = sess.run([w, b])
    np.testing.assert_allclose(got_w, w_np, rtol=1e-12)
    np.testing.assert_allclose(got_b, b_np, rtol=1e-12)


@pytest.mark.parametrize("reduce", [tf.reduce_sum, tf.reduce_mean, tf.reduce_max, tf.reduce_prod])
@pytest.mark.parametrize("axis", [None, 0, -1, [0, -1]])
def test_reduction_gradient_of_unknown_rank(graph, reduce, axis):
    """Negative axes of an input of unknown rank count from the end at run time."""
    value = np.random.default_rng(4).permutation(24).reshape(2, 3, 4) / 7.0 + 0.5
    x = tf.placeholder(tf.float64)
    (dx,) = tf.gradients(reduce(x, axis=axis), [x])
    known = tf.placeholder(tf.float64, value.shape)
    (dknown,) = tf.gradients(reduce(known, axis=axis), [known])
    with tf.Session() as sess:
        got, expected = sess.run([dx, dknown], {x: value, known: value})
    assert got.shape == value.shape
    np.testing.assert_allclose(got, expected, rtol=1e-12)
