"""Fused loops read a Split's pieces in place, with the BiasAdd before the Split moved into the
loop (graphflow.compiler.fuse_slices, CPU backend): the plan has no Split or BiasAdd left, and
the values are those of the ops run one by one."""

from __future__ import annotations

import numpy as np
import pytest

import graphflow as tf
from graphflow.backends import get_backend
from graphflow.compiler import compile_plan
from graphflow.compiler.fused_op import FUSED, Program, check_program
from graphflow.framework.tensor_shape import TensorShape
from graphflow.ops.registry import Spec


@pytest.fixture(autouse=True)
def fresh_graph():
    with tf.Graph().as_default() as g:
        yield g


def _sigmoid(v):
    return 1 / (1 + np.exp(-v))


def _gates(y, c):
    """An LSTM cell's arithmetic over four pieces of `y` (numpy or graph ops alike)."""
    i, j, f, o = y
    new_c = c * tf.sigmoid(f + 1.0) + tf.sigmoid(i) * tf.tanh(j)
    return new_c, tf.tanh(new_c) * tf.sigmoid(o)


def _numpy_gates(y, c):
    i, j, f, o = np.split(y, 4, axis=-1)
    new_c = c * _sigmoid(f + 1.0) + _sigmoid(i) * np.tanh(j)
    return new_c, np.tanh(new_c) * _sigmoid(o)


def _plan(fetches, feeds, shapes):
    specs = [Spec(TensorShape(s), tf.float32) for s in shapes]
    return compile_plan(fetches, [], feeds, specs, get_backend("cpu"))


def _cell(batch=6, width=5, inputs=7, dtype=tf.float32):
    x = tf.placeholder(dtype, [batch, inputs])
    w = tf.placeholder(dtype, [inputs, 4 * width])
    b = tf.placeholder(dtype, [4 * width])
    c = tf.placeholder(dtype, [batch, width])
    y = tf.nn.bias_add(tf.matmul(x, w), b)
    return (x, w, b, c), y


def _values(batch=6, width=5, inputs=7, seed=0):
    rng = np.random.RandomState(seed)
    return [rng.randn(batch, inputs).astype(np.float32),
            rng.randn(inputs, 4 * width).astype(np.float32),
            rng.randn(4 * width).astype(np.float32),
            rng.randn(batch, width).astype(np.float32)]


def test_the_cell_reads_the_product_in_place_and_adds_the_bias_inside_the_loop():
    feeds, y = _cell()
    new_c, h = _gates(tf.split(y, 4, axis=1), feeds[3])
    plan = _plan([new_c, h], list(feeds), [[6, 7], [7, 20], [20], [6, 5]])
    types = [n.type for n in plan.order]
    assert "Split" not in types and "BiasAdd" not in types
    (fused,) = [n for n in plan.order if n.type == "_FusedElementwise"]
    program = fused.attrs["program"]
    assert sorted(set(program.in_offsets)) == [0, 5, 10, 15]
    assert [row for row, _ in program.steps[:4]] == ["BiasAdd"] * 4
    values = _values()
    with tf.Session() as s:
        got_c, got_h = s.run([new_c, h], dict(zip(feeds, values)))
    xv, wv, bv, cv = (v.astype(np.float64) for v in values)
    want_c, want_h = _numpy_gates(xv @ wv + bv, cv)
    np.testing.assert_allclose(got_c, want_c, rtol=2e-5, atol=2e-6)
    np.testing.assert_allclose(got_h, want_h, rtol=2e-5, atol=2e-6)


def test_a_split_read_in_place_equals_the_same_ops_run_one_by_one():
    """Same float32 values as the reference backend (numpy, op by op) on exact rows only."""
    a = tf.placeholder(tf.float32, [3, 8])
    b = tf.placeholder(tf.float32, [8])
    p, q = tf.split(tf.nn.bias_add(a, b), 2, axis=-1)
    out = (p * q + p) * q - p  # over 3 rows: worth a fused loop on few elements
    plan = _plan([out], [a, b], [[3, 8], [8]])
    assert [n.type for n in plan.order if n.type in ("Split", "BiasAdd")] == []
    rng = np.random.RandomState(1)
    av, bv = rng.randn(3, 8).astype(np.float32), rng.randn(8).astype(np.float32)
    with tf.Session() as s:
        got = s.run(out, {a: av, b: bv})
        strided = s.run(out, {a: np.asfortranarray(av), b: np.repeat(bv, 2)[::2]})
    y = av + bv
    p, q = y[:, :4], y[:, 4:]
    np.testing.assert_array_equal(got, (p * q + p) * q - p)
    np.testing.assert_array_equal(strided, got)  # feeds not in C order are read as they are


def test_a_split_without_bias_and_a_bias_add_used_elsewhere():
    a = tf.placeholder(tf.float32, [4, 6])
    b = tf.placeholder(tf.float32, [6])
    biased = tf.nn.bias_add(a, b)
    p, q, r = tf.split(biased, 3, axis=1)
    out = (tf.tanh(p) * q - r) * r
    u, v = tf.split(a, 2, axis=1)
    plain = (u * 2.0 + v) * v - u
    plan = _plan([out, biased, plain], [a, b], [[4, 6], [6]])
    assert [n.type for n in plan.order].count("BiasAdd") == 1  # fetched: it stays
    assert "Split" not in [n.type for n in plan.order]
    rng = np.random.RandomState(2)
    av, bv = rng.randn(4, 6).astype(np.float32), rng.randn(6).astype(np.float32)
    with tf.Session() as s:
        got_out, got_biased, got_plain = s.run([out, biased, plain], {a: av, b: bv})
    y = av.astype(np.float64) + bv
    np.testing.assert_allclose(got_out, (np.tanh(y[:, :2]) * y[:, 2:4] - y[:, 4:]) * y[:, 4:],
                               rtol=1e-5, atol=1e-6)
    np.testing.assert_array_equal(got_biased, av + bv)
    u, v = av[:, :3], av[:, 3:]
    np.testing.assert_array_equal(got_plain, (u * np.float32(2.0) + v) * v - u)


def test_splits_along_another_axis_or_with_an_open_batch_stay_as_they_are():
    a = tf.placeholder(tf.float32, [4, 6])
    p, q = tf.split(a, 2, axis=0)
    rows = (tf.tanh(p) * q + p) * q
    plan = _plan([rows], [a], [[4, 6]])
    assert "Split" in [n.type for n in plan.order]
    assert "_FusedElementwise" in [n.type for n in plan.order]
    open_batch = tf.placeholder(tf.float32, [None, 6])
    u, v = tf.split(open_batch, 2, axis=1)
    cols = (tf.tanh(u) * v + u) * v
    general = compile_plan([cols], [], [open_batch], [Spec(TensorShape([None, 6]), tf.float32)],
                           get_backend("cpu"))
    fused = [n for n in general.order if n.type == "_FusedElementwise"]
    assert fused and all(not n.attrs["program"].in_offsets for n in fused)
    av = np.random.RandomState(3).randn(4, 6).astype(np.float32)
    with tf.Session() as s:
        got_rows, got_cols = s.run([rows, cols], {a: av, open_batch: av})
    want_rows = (np.tanh(av[:2].astype(np.float64)) * av[2:] + av[:2]) * av[2:]
    want_cols = (np.tanh(av[:, :3].astype(np.float64)) * av[:, 3:] + av[:, :3]) * av[:, 3:]
    np.testing.assert_allclose(got_rows, want_rows, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(got_cols, want_cols, rtol=1e-5, atol=1e-6)


def test_the_reference_reads_the_pieces_and_bad_offsets_are_rejected():
    program = Program(steps=(("Mul", (("in", 0), ("in", 1))),), outputs=(0,), shape=(2, 3),
                      in_shapes=((2, 3), (2, 3)), in_dtypes=("<f8", "<f8"), out_dtypes=("<f8",),
                      in_offsets=(3, 0))
    x = np.arange(12.0).reshape(2, 6)
    np.testing.assert_array_equal(FUSED.reference({"program": program}, x, x),
                                  x[:, 3:] * x[:, :3])
    for offsets in ((1,), (-1, 0), ("1", 0)):
        bad = Program(**{**program.__dict__, "in_offsets": offsets})
        with pytest.raises(TypeError, match="offsets"):
            check_program(bad)


@pytest.mark.parametrize("shape", [(12,), (2, 3, 8)])
def test_pieces_of_other_ranks_are_read_at_their_offsets(shape):
    a = tf.placeholder(tf.float32, shape)
    p, q = tf.split(a, 2, axis=-1)
    out = (tf.tanh(p) * q + p) * q
    plan = _plan([out], [a], [list(shape)])
    (fused,) = [n for n in plan.order if n.type == "_FusedElementwise"]
    assert fused.attrs["program"].in_offsets == (0, shape[-1] // 2)
    av = np.random.RandomState(4).randn(*shape).astype(np.float32)
    with tf.Session() as s:
        got = s.run(out, {a: av})
    half = shape[-1] // 2
    p64, q64 = av[..., :half].astype(np.float64), av[..., half:].astype(np.float64)
    np.testing.assert_allclose(got, (np.tanh(p64) * q64 + p64) * q64, rtol=1e-5, atol=1e-6)
