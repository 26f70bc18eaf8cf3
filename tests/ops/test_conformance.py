"""The op-conformance suite: every registered op, every sample it declares.

For each (op, sample):
  * the shape/dtype rule, given the sample's values, predicts exactly the reference's output;
    given only shapes (values unknown) it predicts a compatible shape and the same dtype;
  * the compiled session (CPU kernels, the op fed through placeholders) equals the numpy
    reference, in float64 and in float32;
  * with GF_BACKEND=cuda (tests/cuda runs this suite under numba's CUDA simulator), the same
    on the CUDA backend, where every op must run on the device unless listed below;
  * the symbolic gradient equals central finite differences of the reference (float64).
"""

from __future__ import annotations

import os

import numpy as np
import pytest

import graphflow as tf
from graphflow.framework import dtypes
from graphflow.framework.tensor_shape import TensorShape
from graphflow.ops import _catalog, registry
from tests.gradcheck import assert_gradients_close, numeric_gradients, weighted_sum

_catalog.load_all()


def _cases(differentiable_only: bool = False):
    """(op type, sample index) for every sample; with `differentiable_only`, only samples with
    a floating input and a floating output (integer-only cases have nothing to differentiate)."""
    cases = []
    for op_type in sorted(registry.REGISTRY):
        opdef = registry.REGISTRY[op_type]
        if opdef.stateful:
            continue
        for index, sample in enumerate(opdef.samples(np.random.default_rng(0))):
            if differentiable_only:
                outputs = _as_tuple(opdef.reference(sample.attrs, *sample.inputs))
                if not (any(_is_float(x) for x in sample.inputs)
                        and any(_is_float(y) for y in outputs)):
                    continue
            cases.append(pytest.param(op_type, index, id=f"{op_type}-{index}"))
    return cases


def _as_tuple(result):
    if result is None:
        return ()
    return tuple(result) if isinstance(result, tuple) else (result,)


def _is_float(x: np.ndarray) -> bool:
    return np.asarray(x).dtype.kind == "f"


CASES = _cases()
GRAD_CASES = _cases(differentiable_only=True)

#: Ops whose static shape is deliberately less specific than their value: the user-declared
#: shape of a placeholder with default, and the data-dependent row count of Where.
DYNAMIC_SHAPE = {"PlaceholderWithDefault", "Where"}


ON_DEVICE = os.environ.get("GF_BACKEND") == "cuda"

#: How integer inputs (axes, shapes, sizes, indices) reach the op: fed at run time, and on the
#: device also as constants (the two take different paths there: index maps built once from
#: constants, or kernels specialized for the values read at run time).
INT_INPUTS = ["fed", "constant"] if ON_DEVICE else ["fed"]


def _sample(op_type: str, index: int) -> tuple[registry.OpDef, registry.Sample]:
    opdef = registry.REGISTRY[op_type]
    return opdef, opdef.samples(np.random.default_rng(0))[index]


def _with_float_dtype(inputs, dtype):
    return [np.asarray(x, dtype) if _is_float(x) else np.asarray(x) for x in inputs]


def test_every_pure_op_declares_samples():
    rng = np.random.default_rng(0)
    missing = [t for t, o in registry.REGISTRY.items() if not o.stateful and not o.samples(rng)]
    assert missing == []


@pytest.mark.parametrize(("op_type", "index"), CASES)
def test_shape_rule_matches_reference(op_type, index):
    opdef, sample = _sample(op_type, index)
    inputs = [np.asarray(x) for x in sample.inputs]
    expected = [np.asarray(y) for y in _as_tuple(opdef.reference(sample.attrs, *inputs))]
    known = [registry.spec(x.shape, dtypes.as_dtype(x.dtype), x) for x in inputs]
    shapes_only = [registry.spec(x.shape, dtypes.as_dtype(x.dtype)) for x in inputs]
    exact = opdef.infer(known, sample.attrs)
    loose = opdef.infer(shapes_only, sample.attrs)
    assert len(exact) == len(loose) == len(expected)
    for k, (e, l, y) in enumerate(zip(exact, loose, expected)):
        if op_type in DYNAMIC_SHAPE:
            assert e.shape.is_compatible_with(TensorShape(y.shape)), f"output {k}: {e.shape}"
        else:
            assert e.shape.as_list() == list(y.shape), f"output {k}: {e.shape} vs {y.shape}"
        assert e.dtype.np == y.dtype, f"output {k}: {e.dtype.name} vs {y.dtype}"
        assert l.shape.is_compatible_with(TensorShape(y.shape)), f"output {k}: {l.shape}"
        assert l.dtype == e.dtype
        if e.value is not None:
            np.testing.assert_array_equal(e.value, y)


def _build(graph, opdef, sample, inputs, feed_ints: bool):
    """The op in `graph` with float inputs (and, if `feed_ints`, all inputs) as placeholders."""
    with graph.as_default():
        tensors, feeds = [], {}
        for k, x in enumerate(inputs):
            if _is_float(x) or feed_ints:
                t = tf.placeholder(dtypes.as_dtype(x.dtype), x.shape, name=f"in{k}")
                feeds[t] = x
            else:
                t = tf.constant(x, name=f"in{k}")
            tensors.append(t)
        op = graph.create_op(opdef.type, tensors, dict(sample.attrs), name="op_under_test")
    return op, tensors, feeds


@pytest.mark.parametrize("int_inputs", INT_INPUTS)
@pytest.mark.parametrize("float_dtype", [np.float64, np.float32])
@pytest.mark.parametrize(("op_type", "index"), CASES)
def test_kernel_matches_reference(op_type, index, float_dtype, int_inputs):
    opdef, sample = _sample(op_type, index)
    inputs = _with_float_dtype(sample.inputs, float_dtype)
    expected = _as_tuple(opdef.reference(sample.attrs, *inputs))
    graph = tf.Graph()
    op, _, feeds = _build(graph, opdef, sample, inputs, feed_ints=int_inputs == "fed")
    with tf.Session(graph=graph) as sess:
        got = sess.run(list(op.outputs) if op.outputs else op, feeds)
        if ON_DEVICE:  # every op has a device kernel: only host-memory ops run on the host
            from graphflow.backends.cuda import HOST_MEMORY_OPS

            host = {n.type for plan in sess._plans.values() for n in plan.host_nodes}
            assert host <= HOST_MEMORY_OPS, f"ran on the host: {host}"
    if not op.outputs:
        assert got is None
        return
    tol = {"rtol": 1e-5, "atol": 1e-6} if float_dtype == np.float32 else {"rtol": 1e-12,
                                                                         "atol": 1e-12}
    for k, (g, y) in enumerate(zip(got, expected)):
        y = np.asarray(y)
        if y.dtype.kind == "O":  # strings: fetched as bytes (scalars) or object arrays of bytes
            assert isinstance(g, bytes) if y.ndim == 0 else g.dtype == object, f"output {k}: {g!r}"
            assert all(isinstance(v, bytes) for v in np.ravel(np.asarray(g, dtype=object)))
        g = np.asarray(g, dtype=y.dtype) if y.dtype.kind == "O" else np.asarray(g)
        assert g.shape == y.shape, f"output {k}: shape {g.shape} vs {y.shape}"
        assert g.dtype == y.dtype, f"output {k}: dtype {g.dtype} vs {y.dtype}"
        if y.dtype.kind == "f":
            np.testing.assert_allclose(g, y, err_msg=f"output {k}", **tol)
        else:
            np.testing.assert_array_equal(g, y, err_msg=f"output {k}")


@pytest.mark.parametrize(("op_type", "index"), GRAD_CASES)
def test_gradient_matches_finite_differences(op_type, index):
    opdef, sample = _sample(op_type, index)
    inputs = _with_float_dtype(sample.inputs, np.float64)
    graph = tf.Graph()
    op, tensors, feeds = _build(graph, opdef, sample, inputs, feed_ints=False)
    wrt = [k for k, x in enumerate(inputs) if _is_float(x)]
    float_outputs = [k for k, t in enumerate(op.outputs) if t.dtype.is_floating]
    rng = np.random.default_rng(1)
    expected = _as_tuple(opdef.reference(sample.attrs, *inputs))
    weights = [rng.normal(size=np.shape(expected[k])) for k in float_outputs]
    with graph.as_default():
        loss = tf.add_n([tf.reduce_sum(op.outputs[k] * tf.constant(w))
                         for k, w in zip(float_outputs, weights)])
        grads = tf.gradients(loss, [tensors[k] for k in wrt])
    if not opdef.differentiable or not sample.check_grad:
        if not opdef.differentiable:
            assert all(g is None for g in grads), f"{op_type} is not differentiable"
        return
    with tf.Session(graph=graph) as sess:
        fetch = [g for g in grads if g is not None]
        values = iter(sess.run(fetch, feeds))
        symbolic = [None if g is None else next(values) for g in grads]

    def reference_loss(args):
        outs = _as_tuple(opdef.reference(sample.attrs, *args))
        return weighted_sum([outs[k] for k in float_outputs], weights)

    numeric = numeric_gradients(reference_loss, inputs, wrt)
    assert_gradients_close(symbolic, numeric, f"{op_type} sample {index}")
